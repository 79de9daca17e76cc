//! The brief as a PDF: a valid PDF 1.4 file (header, objects at the offsets the xref table
//! gives, trailer), more pages for more content, text that cannot break out of its string
//! (parentheses, backslashes, characters WinAnsi lacks), and — where poppler's `pdftotext` is
//! installed — the headline and the facts readable from it.

use pf_core::{Domain, Intelligence, ModuleId, NewAccount, SourceId, SourceRef};
use pf_engine::brief::{self, PageSize};
use pf_engine::{Brief, BriefFact};
use pf_store::{KeySource, OpenOptions, Store};
use serde_json::json;
use time::OffsetDateTime;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-11-22 09:00 UTC);
const AT: OffsetDateTime = datetime!(2026-11-18 08:00 UTC);

/// A brief of Acme whose description has parentheses, a backslash and a CJK name.
fn acme(dir: &std::path::Path) -> Brief {
    let store = Store::open(&OpenOptions::new(dir).key(KeySource::Unencrypted)).expect("open");
    let domain = Domain::parse("acme.com").expect("domain");
    let id = store
        .upsert_account(&NewAccount {
            domain: Some(domain.clone()),
            name: Some("Acme Corp".into()),
            ..NewAccount::default()
        })
        .expect("account")
        .id();
    let src =
        |s: &str| SourceRef::new(SourceId::new(s).expect("id"), "t", None, AT, 1.0).expect("ref");
    let profile = json!({
        "profile_name": "Acme Corp", "profile_employees": 316000,
        "profile_description": r"Acme (the retailer) ships C:\goods worldwide; 中文 name",
    });
    let put = |m: ModuleId, data: serde_json::Value, s: &str| {
        store
            .put_intelligence(
                id,
                m,
                &Intelligence::new(data, src(s), []),
                AT,
                AT + time::Duration::days(30),
            )
            .expect("put");
    };
    put(ModuleId::COMPANY_PROFILE, profile, "sec_edgar");
    put(
        ModuleId::SEARCH_PROVIDER,
        json!({"search_provider": "Elasticsearch", "status": "competitor", "opportunity": "displace Elasticsearch with Algolia"}),
        "website",
    );
    brief::build(&store, &domain, None, NOW).expect("brief")
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Checks the trailer and that every xref entry points at its `N 0 obj`; returns the page count.
fn check_structure(pdf: &[u8]) -> usize {
    assert!(pdf.starts_with(b"%PDF-1.4\n"), "header");
    let text = String::from_utf8_lossy(pdf);
    assert!(text.trim_end().ends_with("%%EOF"), "trailer end");
    let startxref: usize = text
        .rsplit_once("startxref\n")
        .and_then(|(_, t)| t.lines().next())
        .and_then(|n| n.trim().parse().ok())
        .expect("startxref");
    assert!(
        pdf[startxref..].starts_with(b"xref\n0 "),
        "startxref points at the table"
    );
    let table = String::from_utf8_lossy(&pdf[startxref..]);
    let mut lines = table.lines().skip(1);
    let count: usize = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .expect("entry count");
    let entries: Vec<&str> = lines.take(count).collect();
    assert_eq!(entries[0], "0000000000 65535 f ");
    for (n, e) in entries.iter().enumerate().skip(1) {
        assert_eq!(e.len(), 19, "fixed width entries: {e:?}");
        let off: usize = e[..10].parse().expect("offset");
        let head = format!("{n} 0 obj");
        assert!(
            pdf[off..].starts_with(head.as_bytes()),
            "entry {n} points at {:?}",
            String::from_utf8_lossy(&pdf[off..off + 12])
        );
    }
    assert!(text.contains(&format!("/Size {count}")), "trailer size");
    text.matches("/Type /Page ").count()
}

#[test]
fn the_pdf_is_valid_with_every_xref_offset_at_its_object() {
    let dir = tempfile::tempdir().expect("tempdir");
    let b = acme(dir.path());
    let pdf = b.to_pdf();
    let a4_pages = check_structure(&pdf);
    assert_eq!(a4_pages, 1);
    assert!(
        find(
            &pdf,
            b"/BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding"
        )
        .is_some()
    );
    assert!(
        find(&pdf, b"/MediaBox [0 0 595.28 841.89]").is_some(),
        "A4 by default"
    );
    let letter = b.to_pdf_sized(PageSize::Letter);
    assert!(
        check_structure(&letter) >= a4_pages,
        "Letter is shorter than A4"
    );
    assert!(find(&letter, b"/MediaBox [0 0 612.00 792.00]").is_some());
}

#[test]
fn parentheses_backslashes_and_other_scripts_cannot_break_the_content_stream() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = acme(dir.path()).to_pdf();
    assert!(
        find(
            &pdf,
            br"Acme \(the retailer\) ships C:\\goods worldwide; ?? name"
        )
        .is_some(),
        "escaped delimiters and `?` for what WinAnsi lacks"
    );
    assert!(find(&pdf, "中".as_bytes()).is_none());
    // Every string in the streams is balanced: no unescaped parenthesis escapes a `Tj`.
    let text = String::from_utf8_lossy(&pdf);
    for line in text.lines().filter(|l| l.starts_with("BT ")) {
        assert!(line.ends_with(") Tj ET"), "{line}");
        let body = &line[line.find('(').expect("string") + 1..line.len() - ") Tj ET".len()];
        let mut escaped = false;
        for c in body.chars() {
            assert!(
                escaped || (c != '(' && c != ')'),
                "unescaped delimiter in {line}"
            );
            escaped = !escaped && c == '\\';
        }
    }
}

#[test]
fn longer_briefs_take_more_pages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut b = acme(dir.path());
    let short = check_structure(&b.to_pdf());
    let fact = b.sections[0].facts[0].clone();
    b.sections[0].facts = (0..400)
        .map(|i| BriefFact {
            label: format!("Fact {i}"),
            ..fact.clone()
        })
        .collect();
    let long = b.to_pdf();
    let pages = check_structure(&long);
    assert!(pages > short + 3, "{pages} pages for 400 facts");
    let text = String::from_utf8_lossy(&long);
    assert!(
        text.contains(&format!("page {pages} of {pages}")),
        "numbered footers"
    );
}

#[test]
fn pdftotext_reads_the_headline_and_the_facts_when_it_is_installed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let b = acme(dir.path());
    let path = dir.path().join("brief.pdf");
    std::fs::write(&path, b.to_pdf()).expect("write");
    let out = match std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            println!("note: pdftotext not available ({e}); text extraction not checked");
            return;
        }
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Acme Corp (acme.com): displace Elasticsearch with Algolia"),
        "{text}"
    );
    assert!(
        text.contains("Employees: 316,000 — sec_edgar, 4 days old"),
        "{text}"
    );
    assert!(
        text.contains("Acme (the retailer) ships C:\\goods"),
        "{text}"
    );
}
