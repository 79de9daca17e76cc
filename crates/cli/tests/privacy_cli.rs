//! `partnerforge privacy access|erase|rectify|status`, `audit` and `purge` as a user runs them in
//! a local-only set-up, on data a real (demo) enrichment wrote.

use std::path::Path;
use std::process::{Command, Output, Stdio};

const PASS: &str = "privacy-cli-passphrase";

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_partnerforge"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("PARTNERFORGE_PASSPHRASE", PASS)
        .env_remove("PARTNERFORGE_DATA_DIR")
        .stdin(Stdio::null())
        .output()
        .expect("run partnerforge")
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The first officer of the brief's M08 (executives) section.
fn officer(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Object(m) if m.get("module").is_some_and(|x| x == "M08") => m
            .get("facts")?
            .get(0)?
            .get("value")?
            .as_str()
            .map(str::to_owned),
        serde_json::Value::Object(m) => m.values().find_map(officer),
        serde_json::Value::Array(a) => a.iter().find_map(officer),
        _ => None,
    }
}

#[test]
fn an_officer_found_by_enrichment_is_exported_then_erased_everywhere_and_audited() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let enriched = run(d, &["--demo", "enrich", "costco.com", "--json"]);
    assert!(enriched.status.success(), "{enriched:?}");
    let brief: serde_json::Value = serde_json::from_slice(
        &run(d, &["--demo", "brief", "costco.com", "--format", "json"]).stdout,
    )
    .expect("brief json");
    let name = officer(&brief).expect("the demo brief lists officers");
    let last = name.split(' ').next_back().expect("last name").to_owned();
    assert!(
        !text(&run(d, &["--demo", "search", &last])).contains("no matches"),
        "indexed before"
    );

    let out = tempfile::tempdir().expect("out");
    let access = run(
        d,
        &[
            "--demo",
            "privacy",
            "access",
            "--email",
            "exec@costco.com",
            "--name",
            &name,
            "--out",
            out.path().to_str().expect("utf-8"),
        ],
    );
    assert!(access.status.success(), "{access:?}");
    let files: Vec<_> = std::fs::read_dir(out.path())
        .expect("out dir")
        .flatten()
        .map(|e| e.path())
        .collect();
    let json = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .expect("a JSON export");
    let export: serde_json::Value =
        serde_json::from_slice(&std::fs::read(json).expect("read")).expect("json");
    let records = export["records"].as_array().expect("records");
    assert!(
        records.iter().any(|r| r["place"] == "intelligence.data"
            && r["domain"] == "costco.com"
            && r["sources"][0]["source"].is_string()
            && r["at"].is_string()),
        "{export}"
    );
    let md = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "md"))
        .expect("a readable export");
    assert!(
        std::fs::read_to_string(md)
            .expect("md")
            .contains("## costco.com")
    );

    let erased = run(
        d,
        &[
            "--demo",
            "privacy",
            "erase",
            "--email",
            "exec@costco.com",
            "--name",
            &name,
        ],
    );
    assert!(erased.status.success(), "{erased:?}");
    assert!(text(&erased).contains("completed"), "{}", text(&erased));
    assert!(
        !md.exists() && !json.exists(),
        "the access export named the person: erased too"
    );
    let search = text(&run(d, &["--demo", "search", &name]));
    assert!(search.starts_with("no matches"), "{search}");
    let brief_after = text(&run(
        d,
        &["--demo", "brief", "costco.com", "--format", "json"],
    ));
    assert!(
        !brief_after.contains(&name),
        "the brief no longer names them"
    );

    let status: serde_json::Value =
        serde_json::from_slice(&run(d, &["--demo", "privacy", "status", "--json"]).stdout)
            .expect("status");
    let reqs = status.as_array().expect("list");
    assert_eq!(reqs.len(), 2);
    assert!(reqs.iter().all(|r| r["status"] == "completed"));
    assert!(reqs.iter().all(|r| {
        r["subject"]
            .as_str()
            .is_some_and(|s| s.starts_with("e***@costco.com"))
    }));

    let audit: serde_json::Value =
        serde_json::from_slice(&run(d, &["--demo", "audit", "--json"]).stdout).expect("audit");
    let actions: Vec<&str> = audit
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for a in ["privacy.file", "privacy.complete", "export.privacy_access"] {
        assert!(actions.contains(&a), "{actions:?}");
    }
    assert!(
        !audit.to_string().contains(&name),
        "the audit log never names the subject"
    );
}

#[test]
fn bad_requests_are_refused_with_a_code_and_change_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let bad = run(d, &["privacy", "erase", "--email", "not-an-email"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("error[privacy.bad_request]"),
        "{bad:?}"
    );
    let no_fix = run(d, &["privacy", "rectify", "--email", "a@b.com"]);
    assert_eq!(no_fix.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&no_fix.stderr).contains("--new-name"),
        "{no_fix:?}"
    );
    assert_eq!(
        text(&run(d, &["privacy", "status"])).trim(),
        "no privacy requests"
    );
    let purge = run(d, &["purge", "--json"]);
    assert!(purge.status.success(), "{purge:?}");
    let report: serde_json::Value = serde_json::from_slice(&purge.stdout).expect("json");
    assert_eq!(report["policy"]["hiring_signals"], 90);
}
