//! The pre-call brief: what "since" means, bad input, and exports.

use std::path::Path;
use std::process::Command;

use partnerforge_desktop::commands::brief::{self, EXPORT_DIR_ENV};
use pf_store::KeySource;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use crate::support::{Shell, code};

#[test]
fn brief_compares_with_nothing_then_the_last_open_then_the_last_call_then_a_picked_date() {
    // One test over an encrypted store: the brief's reads and writes work through SQLCipher.
    let shell = Shell::with_key(KeySource::Passphrase("brief test passphrase".into()), &[]);
    let session = shell.session();
    let first_open = datetime!(2026-03-02 09:00 UTC);

    let first = brief::open(&session, "costco.com", None, first_open).expect("first open");
    assert_eq!(first.since_basis, "none");
    assert_eq!(first.brief.since, None);
    assert!(first.calls.is_empty());
    assert_eq!(first.brief.account.name, "Costco Wholesale");

    let later = first_open + Duration::hours(1);
    let second = brief::open(&session, "costco.com", None, later).expect("second open");
    assert_eq!(second.since_basis, "opened");
    assert_eq!(second.brief.since, Some(first_open));

    let call = brief::record_call(&session, "costco.com", Some("intro call")).expect("log");
    assert_eq!(call.note.as_deref(), Some("intro call"));
    let third =
        brief::open(&session, "costco.com", None, later + Duration::hours(1)).expect("open");
    assert_eq!(third.since_basis, "call");
    assert_eq!(third.brief.since, Some(call.at));
    assert_eq!(third.calls, vec![call.clone()]);

    // A blank pick is no pick.
    let blank = brief::open(
        &session,
        "costco.com",
        Some("  "),
        later + Duration::hours(2),
    )
    .expect("blank since");
    assert_eq!(blank.since_basis, "call");

    let picked = brief::open(&session, "costco.com", Some("2026-01-02"), later).expect("picked");
    assert_eq!(picked.since_basis, "picked");
    assert_eq!(picked.brief.since, Some(datetime!(2026-01-02 00:00 UTC)));
    let rfc =
        brief::open(&session, "costco.com", Some("2026-01-02T10:30:00Z"), later).expect("RFC 3339");
    assert_eq!(rfc.since_basis, "picked");
    assert_eq!(rfc.brief.since, Some(datetime!(2026-01-02 10:30 UTC)));

    // Another account has its own timeline.
    let other = brief::open(&session, "target.com", None, later).expect("other account");
    assert_eq!(other.since_basis, "none");
}

#[test]
fn brief_refuses_bad_dates_bad_domains_and_unknown_accounts() {
    let shell = Shell::new(&[]);
    let session = shell.session();
    let now = datetime!(2026-03-02 09:00 UTC);
    for bad in ["yesterday", "2026-13-45", "02/01/2026", "2026-01-02 10:00"] {
        assert_eq!(
            code(brief::open(&session, "costco.com", Some(bad), now)),
            "desktop.bad_date",
            "{bad}"
        );
        assert_eq!(code(brief::parse_since(bad)), "desktop.bad_date", "{bad}");
    }
    assert_eq!(
        brief::parse_since(" 2026-01-02 ").expect("trimmed"),
        datetime!(2026-01-02 00:00 UTC)
    );
    for bad in ["not a domain", "", "costco..com"] {
        assert_eq!(
            code(brief::open(&session, bad, None, now)),
            "desktop.bad_domain",
            "{bad:?}"
        );
        assert_eq!(
            code(brief::record_call(&session, bad, None)),
            "desktop.bad_domain",
            "{bad:?}"
        );
    }
    assert_eq!(
        code(brief::open(&session, "nosuchshop.com", None, now)),
        "store.account_not_found"
    );
    assert_eq!(
        code(brief::record_call(&session, "nosuchshop.com", Some("x"))),
        "store.account_not_found"
    );
    // A refused open records nothing: the first real open still compares with nothing.
    let first = brief::open(&session, "costco.com", None, now).expect("open");
    assert_eq!(first.since_basis, "none");
}

/// Set in the child process of the export test, so the child test runs only there.
const CHILD_MARKER: &str = "PF_SHELL_EXPORT_CHILD";

/// `PARTNERFORGE_EXPORT_DIR` is read from the process environment and this workspace forbids
/// `unsafe` (so no `std::env::set_var`): the export runs in a child process of this test binary
/// with the variable set, and this test checks what it wrote.
#[test]
fn export_writes_markdown_and_pdf_into_the_export_dir_and_refuses_other_formats() {
    let out = tempfile::tempdir().expect("tempdir");
    let exe = std::env::current_exe().expect("the test binary");
    let output = Command::new(exe)
        .args([
            "brief::export_in_child_process",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .env(EXPORT_DIR_ENV, out.path())
        .env(CHILD_MARKER, "1")
        .output()
        .expect("run the child");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "child failed:\n{stdout}\n{stderr}"
    );
    let files = list(out.path());
    let today = OffsetDateTime::now_utc().date();
    assert_eq!(
        files,
        [
            format!("costco.com-brief-{today}.md"),
            format!("costco.com-brief-{today}.pdf"),
        ],
        "exactly one Markdown and one PDF file, nothing for the refused formats"
    );
    let md = std::fs::read_to_string(out.path().join(&files[0])).expect("read md");
    assert!(md.contains("Costco Wholesale"), "{md}");
    let pdf = std::fs::read(out.path().join(&files[1])).expect("read pdf");
    assert!(pdf.starts_with(b"%PDF-"), "{:?}", &pdf[..pdf.len().min(16)]);
    assert!(pdf.len() > 200);
}

fn list(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read the export dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort_by_key(|n| n.ends_with(".pdf"));
    names
}

#[test]
#[ignore = "run by export_writes_markdown_and_pdf_into_the_export_dir_and_refuses_other_formats"]
fn export_in_child_process() {
    // Never write into the real Downloads folder: without both variables this does nothing.
    let Some(dir) = std::env::var_os(EXPORT_DIR_ENV) else {
        return;
    };
    if std::env::var_os(CHILD_MARKER).is_none() {
        return;
    }
    let shell = Shell::new(&[]);
    let session = shell.session();

    let md = brief::export(&session, "costco.com", "md", None).expect("markdown");
    assert!(md.path.ends_with(".md"), "{md:?}");
    assert!(Path::new(&md.path).starts_with(&dir), "{md:?}");
    let written = std::fs::metadata(&md.path).expect("md written").len();
    assert_eq!(written, md.bytes);
    assert!(md.bytes > 0);

    let pdf = brief::export(&session, "costco.com", "pdf", Some("2026-01-02")).expect("pdf");
    assert!(pdf.path.ends_with(".pdf"), "{pdf:?}");
    assert!(Path::new(&pdf.path).starts_with(&dir), "{pdf:?}");
    let bytes = std::fs::read(&pdf.path).expect("pdf written");
    assert_eq!(bytes.len() as u64, pdf.bytes);
    assert!(bytes.starts_with(b"%PDF-"));

    for format in ["docx", "PDF", "", "html"] {
        assert_eq!(
            code(brief::export(&session, "costco.com", format, None)),
            "desktop.bad_format",
            "{format:?}"
        );
    }
    assert_eq!(
        code(brief::export(&session, "costco.com", "md", Some("soon"))),
        "desktop.bad_date"
    );
    assert_eq!(
        code(brief::export(&session, "not a domain", "md", None)),
        "desktop.bad_domain"
    );
    assert_eq!(
        code(brief::export(&session, "nosuchshop.com", "md", None)),
        "store.account_not_found"
    );
}
