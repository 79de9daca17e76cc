//! The engine's commands as a user runs them: `config`, `enrich` (with `--resume` after the
//! process is killed), `brief`, `usage`, `sources`, and `--demo`.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const PASS: &str = "engine-cli-passphrase";

fn bin(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_partnerforge"));
    c.arg("--data-dir")
        .arg(dir)
        .env("PARTNERFORGE_PASSPHRASE", PASS)
        .env_remove("PARTNERFORGE_DATA_DIR");
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run partnerforge")
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn config_set_get_list_with_environment_overrides_and_unknown_keys_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert_eq!(
        text(&run(
            dir.path(),
            &["config", "get", "budget.monthly_limit_usd"]
        ))
        .trim(),
        "100.0"
    );
    assert!(
        run(
            dir.path(),
            &["config", "set", "budget.monthly_limit_usd", "250"]
        )
        .status
        .success()
    );
    assert!(
        run(
            dir.path(),
            &["config", "set", "sources.builtwith.rate_per_sec", "2"]
        )
        .status
        .success()
    );
    assert_eq!(
        text(&run(
            dir.path(),
            &["config", "get", "budget.monthly_limit_usd"]
        ))
        .trim(),
        "250"
    );
    let file = std::fs::read_to_string(dir.path().join("config.toml")).expect("config.toml");
    assert!(file.contains("monthly_limit_usd = 250"), "{file}");
    let env = bin(dir.path())
        .args(["config", "get", "budget.monthly_limit_usd"])
        .env("PARTNERFORGE_BUDGET_MONTHLY_LIMIT_USD", "5")
        .output()
        .expect("run");
    assert_eq!(text(&env).trim(), "5", "the environment overrides the file");
    let bad = run(
        dir.path(),
        &["config", "set", "budget.monthly_limt_usd", "1"],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown key"));
    let list = text(&run(dir.path(), &["config", "list"]));
    assert!(
        list.contains("budget.hard_cap") && list.contains("sources.builtwith.rate_per_sec"),
        "{list}"
    );
}

#[test]
fn demo_mode_enriches_and_renders_a_cited_brief_usage_and_sources() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(dir.path(), &["--demo", "enrich", "costco.com", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("DEMO MODE"));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    assert_eq!(report["domains"][0]["domain"], "costco.com");
    assert_eq!(report["domains"][0]["modules"]["M06"]["outcome"], "done");

    let md = text(&run(dir.path(), &["--demo", "brief", "costco.com"]));
    assert!(
        md.contains("Pre-call brief") && md.contains("Elasticsearch"),
        "{md}"
    );
    let fact_lines: Vec<&str> = md.lines().filter(|l| l.starts_with("- **")).collect();
    assert!(!fact_lines.is_empty());
    assert!(
        fact_lines
            .iter()
            .all(|l| l.contains(" — ") && l.contains("old")),
        "every fact names source and age:\n{md}"
    );
    let json: serde_json::Value = serde_json::from_slice(
        &run(
            dir.path(),
            &["--demo", "brief", "costco.com", "--format", "json"],
        )
        .stdout,
    )
    .expect("brief json");
    assert!(json["sections"].as_array().is_some_and(|s| !s.is_empty()));

    let usage: serde_json::Value =
        serde_json::from_slice(&run(dir.path(), &["--demo", "usage", "--json"]).stdout)
            .expect("usage");
    assert!(
        usage["total"]["cost_micros"]
            .as_u64()
            .is_some_and(|c| c > 0),
        "{usage}"
    );
    assert!(
        usage["by_source"]["builtwith"]["calls"]
            .as_u64()
            .is_some_and(|c| c >= 1)
    );
    let sources: Vec<serde_json::Value> =
        serde_json::from_slice(&run(dir.path(), &["--demo", "sources", "--json"]).stdout)
            .expect("sources");
    let ids: Vec<&str> = sources.iter().filter_map(|s| s["id"].as_str()).collect();
    for id in [
        "website",
        "builtwith",
        "similarweb",
        "yahoo_finance",
        "sec_edgar",
        "job_boards",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    let bw = sources
        .iter()
        .find(|s| s["id"] == "builtwith")
        .expect("builtwith");
    assert_eq!(bw["has_key"], true);
    assert!(
        bw["spent_this_month_micros"]
            .as_u64()
            .is_some_and(|c| c >= 100_000)
    );
}

#[test]
fn a_killed_enrichment_resumes_and_finishes_without_refetching_what_it_held() {
    let mock = pf_mock_apis::MockApis::spawn_in_thread().expect("mock");
    let dir = tempfile::tempdir().expect("tempdir");
    for (k, v) in [
        ("sources.website.base_url", mock.url_for("website")),
        ("sources.website.rate_per_sec", "10".into()),
        ("modules.M02.sources", "[\"website\"]".into()),
    ] {
        assert!(run(dir.path(), &["config", "set", k, &v]).status.success());
    }
    let domains: Vec<String> = (0..16).map(|i| format!("resume-shop{i}.com")).collect();
    let mut args = vec!["enrich", "--modules", "M02"];
    args.extend(domains.iter().map(String::as_str));
    let held = |dir: &Path| -> Vec<String> {
        let opts =
            pf_store::OpenOptions::new(dir).key(pf_store::KeySource::Passphrase(PASS.into()));
        let store = pf_store::Store::open(&opts).expect("store");
        store
            .list_accounts()
            .expect("accounts")
            .into_iter()
            .filter(|a| {
                store
                    .module_intelligence(a.id, pf_core::ModuleId::TECH_STACK)
                    .expect("read")
                    .is_some()
            })
            .map(|a| a.domain.to_string())
            .collect()
    };
    let mut child = bin(dir.path())
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    // Kill it as soon as it holds a first result, mid-batch.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while held(dir.path()).is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    child.kill().expect("kill");
    let _ = child.wait();
    let before = mock.count("website", "homepage");
    assert!(
        before > 0 && before < 16,
        "the kill should land mid-batch ({before} pages fetched)"
    );
    let held_at_kill = held(dir.path());
    assert!(
        !held_at_kill.is_empty() && held_at_kill.len() < 16,
        "held at kill: {held_at_kill:?}"
    );
    let resumed = run(dir.path(), &["enrich", "--resume", "--json"]);
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&resumed.stdout).expect("report");
    assert_eq!(report["domains"].as_array().map(Vec::len), Some(16));
    for d in &held_at_kill {
        assert_eq!(
            mock.count_for("website", "homepage", d),
            1,
            "{d} was held but fetched again"
        );
    }
    assert_eq!(
        held(dir.path()).len(),
        16,
        "every domain has its result after the resume"
    );
    assert!(
        run(dir.path(), &["enrich", "--resume"]).status.code() == Some(1),
        "nothing left to resume"
    );
}
