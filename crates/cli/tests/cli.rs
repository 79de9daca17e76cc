//! The `partnerforge` command line as a user runs it: import, accounts, search, history, keys.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const PASS: &str = "cli-test-passphrase";

fn bin(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_partnerforge"));
    c.arg("--data-dir")
        .arg(dir)
        .env("PARTNERFORGE_PASSPHRASE", PASS)
        .env_remove("PARTNERFORGE_DATA_DIR");
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin(dir).args(args).output().expect("run partnerforge")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn fortune_csv() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/fortune1000_2024.csv");
    assert!(
        p.exists(),
        "the shared Fortune 1000 file is expected beside the repository at {}",
        p.display()
    );
    p
}

#[test]
fn the_fortune_file_imports_as_it_is_and_reimport_updates_without_duplicates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = fortune_csv();
    let first = run(dir.path(), &["import", csv.to_str().expect("utf-8 path")]);
    assert!(first.status.success(), "{first:?}");
    assert!(
        stdout(&first).starts_with("imported 1000, updated 0, rejected 0"),
        "{}",
        stdout(&first)
    );
    let second = run(dir.path(), &["import", csv.to_str().expect("utf-8 path")]);
    assert!(
        stdout(&second).starts_with("imported 0, updated 1000, rejected 0"),
        "{}",
        stdout(&second)
    );
    let json = run(dir.path(), &["accounts", "--json"]);
    let accounts: Vec<serde_json::Value> =
        serde_json::from_slice(&json.stdout).expect("accounts json");
    assert_eq!(accounts.len(), 1000);
    let walmart = accounts
        .iter()
        .find(|a| a["name"] == "Walmart")
        .expect("walmart");
    assert_eq!(
        walmart["domain"], "walmart.com",
        "https://www.stock.walmart.com is normalised to walmart.com"
    );
    assert_eq!(walmart["employees"], 2_100_000);
    assert_eq!(walmart["revenue_usd"], 648_125_000_000_u64);
}

#[test]
fn bad_rows_are_reported_with_line_numbers_and_good_rows_are_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("mixed.csv");
    std::fs::write(
        &csv,
        "Company,Website,Employees,Favourite colour,tags\n\
         Costco,https://www.costco.com/,\"316,000\",red,\"retail, warehouse\"\n\
         Nowhere,not a domain,10,blue,\n\
         Loopback,127.0.0.1,10,,\n\
         Blank,,10,,\n\
         Target,target.com,many,,\n\
         UK Shop,shop.example.co.uk,5,green,\n\
         Suffix,co.uk,5,,\n",
    )
    .expect("write csv");
    let out = run(dir.path(), &["import", csv.to_str().expect("path")]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.starts_with("imported 2, updated 0, rejected 5"),
        "{text}"
    );
    for (line, why) in [
        (3, "not a domain"),
        (4, "IP address"),
        (5, "domain is empty"),
        (6, "employees `many`"),
        (8, "public suffix"),
    ] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("line {line}:")) && l.contains(why)),
            "line {line} ({why}) missing in:\n{text}"
        );
    }
    let json: serde_json::Value = serde_json::from_slice(
        &run(
            dir.path(),
            &["import", "--json", csv.to_str().expect("path")],
        )
        .stdout,
    )
    .expect("json");
    assert_eq!(json["rejected"], 5);
    assert_eq!(json["updated"], 2);
    assert_eq!(json["rejected_rows"][0]["line"], 3);
    let strict = run(
        dir.path(),
        &["import", "--strict", csv.to_str().expect("path")],
    );
    assert_eq!(strict.status.code(), Some(3));
    let listed = stdout(&run(dir.path(), &["accounts"]));
    assert!(
        listed.contains("costco.com") && listed.contains("example.co.uk"),
        "{listed}"
    );
    assert!(listed.contains("2 accounts"));
}

#[test]
fn a_file_without_a_domain_column_is_refused_clearly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("nodomain.csv");
    std::fs::write(&csv, "name,region\nCostco,NA\n").expect("write");
    let out = run(dir.path(), &["import", csv.to_str().expect("path")]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no domain column"));
}

#[test]
fn search_ranks_snippets_and_survives_fts_syntax() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("a.csv");
    std::fs::write(
        &csv,
        "domain,name\ncostco.com,Costco Wholesale\nbestbuy.com,Best Buy\n",
    )
    .expect("write");
    run(dir.path(), &["import", csv.to_str().expect("path")]);
    let hits: Vec<serde_json::Value> =
        serde_json::from_slice(&run(dir.path(), &["search", "costco", "--json"]).stdout)
            .expect("json");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["domain"], "costco.com");
    assert_eq!(hits[0]["field"], "company");
    assert!(
        hits[0]["snippet"]
            .as_str()
            .is_some_and(|s| s.contains("[Costco]"))
    );
    for q in ["\"unclosed", "AND OR", "*"] {
        let out = run(dir.path(), &["search", q]);
        assert!(out.status.success(), "query {q:?}: {out:?}");
    }
}

#[test]
fn history_lists_changes_since_a_date_with_sources() {
    use pf_core::{Domain, Intelligence, ModuleId, SourceId, SourceRef};
    use time::macros::datetime;
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let store = pf_store::Store::open(
            &pf_store::OpenOptions::new(dir.path())
                .key(pf_store::KeySource::Passphrase(PASS.into())),
        )
        .expect("open");
        let id = store
            .upsert_account(&pf_core::NewAccount {
                domain: Some(Domain::parse("costco.com").expect("d")),
                ..Default::default()
            })
            .expect("insert")
            .id();
        for (at, provider, src) in [
            (
                datetime!(2026-09-01 10:00 UTC),
                Some("Elasticsearch"),
                "builtwith",
            ),
            (datetime!(2026-11-10 10:00 UTC), None, "website"),
        ] {
            let cite = SourceRef::new(SourceId::new(src).expect("s"), "probe", None, at, 0.9)
                .expect("ref");
            let intel =
                Intelligence::new(serde_json::json!({ "search_provider": provider }), cite, []);
            store
                .put_intelligence(
                    id,
                    ModuleId::SEARCH_PROVIDER,
                    &intel,
                    at,
                    at + time::Duration::days(30),
                )
                .expect("write");
        }
    }
    let text = stdout(&run(
        dir.path(),
        &["history", "https://www.costco.com", "--since", "2026-11-01"],
    ));
    assert!(
        text.contains("search_provider: Elasticsearch -> none"),
        "{text}"
    );
    assert!(text.contains("website"));
    assert!(
        !text.contains("none -> Elasticsearch"),
        "the older change is before --since:\n{text}"
    );
    let all: Vec<serde_json::Value> =
        serde_json::from_slice(&run(dir.path(), &["history", "costco.com", "--json"]).stdout)
            .expect("json");
    assert_eq!(all.len(), 2);
    assert_eq!(all[1]["module"], "M06");
    assert_eq!(all[1]["sources"][0]["source"], "website");
    let bad = run(
        dir.path(),
        &["history", "costco.com", "--since", "last tuesday"],
    );
    assert!(!bad.status.success());
    let missing = run(dir.path(), &["history", "nowhere.com"]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("store.account_not_found"));
}

#[test]
fn a_wrong_passphrase_fails_with_a_code_and_never_echoes_the_secret() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert!(run(dir.path(), &["accounts"]).status.success());
    let out = bin(dir.path())
        .env("PARTNERFORGE_PASSPHRASE", "guess-123")
        .arg("accounts")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error[store.wrong_key]"), "{err}");
    assert!(!err.contains("guess-123"));
}

#[test]
#[ignore = "needs a keyring session: run through scripts/test.sh"]
fn keys_set_reads_stdin_into_the_keyring_and_list_shows_names_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let secret = "sw-SECRET-abc123";
    let mut child = bin(dir.path())
        .args(["keys", "set", "similarweb"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{secret}\n").as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{out:?}");
    assert!(!stdout(&out).contains(secret));
    let list = run(dir.path(), &["keys", "list"]);
    assert!(stdout(&list).contains("similarweb"));
    assert!(!stdout(&list).contains(secret));
    let json: Vec<serde_json::Value> =
        serde_json::from_slice(&run(dir.path(), &["keys", "list", "--json"]).stdout).expect("json");
    assert_eq!(json[0]["source"], "similarweb");
    assert!(json[0].get("value").is_none());
    let db = std::fs::read(dir.path().join("partnerforge.db")).expect("db");
    assert!(!String::from_utf8_lossy(&db).contains(secret));
    assert!(
        run(dir.path(), &["keys", "delete", "similarweb"])
            .status
            .success()
    );
}

#[test]
fn the_data_dir_comes_from_the_environment_when_no_flag_is_given() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("one.csv");
    std::fs::write(&csv, "url\nhttps://shop.costco.co.uk/basket\n").expect("write");
    let data = dir.path().join("env-data");
    let out = Command::new(env!("CARGO_BIN_EXE_partnerforge"))
        .args(["import", csv.to_str().expect("path")])
        .env("PARTNERFORGE_DATA_DIR", &data)
        .env("PARTNERFORGE_PASSPHRASE", PASS)
        .output()
        .expect("run");
    assert!(out.status.success(), "{out:?}");
    assert!(data.join("partnerforge.db").exists());
    let listed = stdout(&run(&data, &["accounts"]));
    assert!(listed.contains("costco.co.uk"), "{listed}");
}
