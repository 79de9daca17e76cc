//! `partnerforge login`, `sync`, `logout`, and `enrich` with a sync server configured (its
//! budget, prices and module flags), against an in-process `pf-server`. The token comes from
//! `PARTNERFORGE_SYNC_TOKEN` (no keyring needed), except in the keyring test, which
//! `scripts/test.sh` runs inside a keyring session.

use pf_server::testing::{Org, TestServer, seed_org};
use pf_sync::BudgetInput;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const PASS: &str = "sync-cli-passphrase";

fn bin(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_partnerforge"));
    c.arg("--data-dir")
        .arg(dir)
        .env("PARTNERFORGE_PASSPHRASE", PASS)
        .env_remove("PARTNERFORGE_DATA_DIR")
        .env_remove("PARTNERFORGE_SYNC_TOKEN")
        .stdin(Stdio::null());
    c
}

fn run(dir: &Path, token: Option<&str>, args: &[&str]) -> Output {
    let mut c = bin(dir);
    if let Some(t) = token {
        c.env("PARTNERFORGE_SYNC_TOKEN", t);
    }
    c.args(args).output().expect("run partnerforge")
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_str(&ok(o)).expect("json output")
}

async fn org() -> (TestServer, Org) {
    let server = TestServer::start().await.expect("server");
    let org = seed_org(server.store.as_ref()).await.expect("seed");
    (server, org)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_sync_and_logout_bring_the_users_accounts_and_forget_the_server() {
    let (server, org) = org().await;
    let dir = tempfile::tempdir().expect("dir");
    let token = org.tokens["ae@a.test"].as_str();
    let url = server.url();
    let login = ok(&run(dir.path(), Some(token), &["login", &url]));
    assert!(
        login.contains("ae@a.test (ae, team Enterprise East)"),
        "{login}"
    );

    let report = json(&run(dir.path(), Some(token), &["sync", "--json"]));
    assert!(report["pulled"].as_u64().is_some_and(|n| n > 0), "{report}");
    assert_eq!(report["full"], true);
    let accounts = ok(&run(dir.path(), None, &["accounts", "--json"]));
    assert!(accounts.contains("zalando.de"), "{accounts}");
    assert!(
        !accounts.contains("costco.com"),
        "not this user's: {accounts}"
    );
    let again = ok(&run(dir.path(), Some(token), &["sync"]));
    assert!(again.contains("pulled 0 changes"), "{again}");

    let out = ok(&run(dir.path(), None, &["logout"]));
    assert!(out.contains("logged out"), "{out}");
    let after = run(dir.path(), Some(token), &["sync"]);
    assert!(!after.status.success());
    assert!(String::from_utf8_lossy(&after.stderr).contains("sync.not_logged_in"));
    let accounts = ok(&run(dir.path(), None, &["accounts", "--json"]));
    assert!(
        accounts.contains("zalando.de"),
        "local accounts stay after logout"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_token_is_refused_with_its_code_and_nothing_is_stored() {
    let (server, _org) = org().await;
    let dir = tempfile::tempdir().expect("dir");
    let out = run(
        dir.path(),
        Some("pfs_0000000000000000_nope"),
        &["login", &server.url()],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("auth.bad_token"), "{err}");
    let sync = run(dir.path(), Some("x"), &["sync"]);
    assert!(String::from_utf8_lossy(&sync.stderr).contains("sync.not_logged_in"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrich_with_a_server_spends_from_the_team_budget_and_sync_pushes_the_usage_once() {
    let (server, org) = org().await;
    let admin = server.client(&org.tokens["admin@a.test"]).expect("admin");
    admin
        .put_budget(
            org.team_a,
            &BudgetInput {
                monthly_limit_micros: 50_000_000,
                alert_threshold_pct: 80,
                hard_cap_micros: 50_000_000,
                offline_allowance_micros: 5_000_000,
            },
        )
        .await
        .expect("budget");
    let dir = tempfile::tempdir().expect("dir");
    let token = org.tokens["ae@a.test"].as_str();
    ok(&run(
        dir.path(),
        Some(token),
        &["--demo", "login", &server.url()],
    ));
    ok(&run(
        dir.path(),
        Some(token),
        &["--demo", "enrich", "zalando.de", "--json"],
    ));
    let usage = json(&run(dir.path(), None, &["--demo", "usage", "--json"]));
    let local: u64 = usage["total_cost_micros"]
        .as_u64()
        .or_else(|| usage["total"]["cost_micros"].as_u64())
        .unwrap_or_else(|| panic!("no total in {usage}"));
    assert!(local > 0, "the demo's paid sources were called: {usage}");
    let spent = |budgets: Vec<pf_sync::BudgetView>| {
        budgets
            .into_iter()
            .find(|b| b.team == org.team_a)
            .map(|b| b.spent_micros)
            .expect("team A")
    };
    assert_eq!(
        spent(admin.list_budgets().await.expect("budgets")),
        local,
        "every paid call was committed on the server"
    );
    let report = json(&run(dir.path(), Some(token), &["--demo", "sync", "--json"]));
    assert!(report["pushed"].as_u64().is_some_and(|n| n > 0), "{report}");
    assert_eq!(report["pending"], 0);
    assert_eq!(
        spent(admin.list_budgets().await.expect("budgets")),
        local,
        "pushing reserved calls does not count them again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrich_uses_the_servers_price_and_skips_a_module_its_flag_turns_off() {
    let (server, org) = org().await;
    let admin = server.client(&org.tokens["admin@a.test"]).expect("admin");
    admin
        .put_price(&pf_sync::PriceEntry {
            source: "builtwith".into(),
            endpoint: "domain-api".into(),
            price_micros: 40_000,
        })
        .await
        .expect("price");
    admin
        .put_flag(&pf_sync::FlagInput {
            key: "module.M03".into(),
            enabled: false,
            rollout_percent: 100,
            allowed_users: vec![],
            allowed_teams: vec![],
        })
        .await
        .expect("flag");
    let dir = tempfile::tempdir().expect("dir");
    let token = org.tokens["ae@a.test"].as_str();
    ok(&run(
        dir.path(),
        Some(token),
        &["--demo", "login", &server.url()],
    ));
    ok(&run(dir.path(), Some(token), &["--demo", "sync"]));
    let report = json(&run(
        dir.path(),
        Some(token),
        &[
            "--demo",
            "enrich",
            "zalando.de",
            "--modules",
            "M02,M03",
            "--json",
        ],
    ));
    let m03 = &report["domains"][0]["modules"]["M03"];
    assert_eq!(m03["outcome"], "skipped", "{report}");
    assert_eq!(m03["detail"], "disabled by feature flag module.M03");
    let usage = json(&run(dir.path(), None, &["--demo", "usage", "--json"]));
    let lookups = &usage["by_endpoint"]["builtwith/domain-api"];
    assert_eq!(lookups["calls"], 1, "{usage}");
    assert_eq!(
        lookups["cost_micros"], 40_000,
        "the server's price: {usage}"
    );
    assert!(usage["by_source"].get("similarweb").is_none(), "{usage}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a keyring session: run through scripts/test.sh"]
async fn login_keeps_the_token_in_the_keyring_and_logout_removes_it() {
    let (server, org) = org().await;
    let dir = tempfile::tempdir().expect("dir");
    let token = org.tokens["sdr@a.test"].as_str();
    let mut login = bin(dir.path());
    login
        .args(["login", &server.url()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = login.spawn().expect("spawn");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(token.as_bytes()).expect("write token");
    }
    let out = child.wait_with_output().expect("login");
    assert!(ok(&out).contains("sdr@a.test (sdr"));
    // No token in the environment: it comes from the keyring.
    let report = json(&run(dir.path(), None, &["sync", "--json"]));
    assert!(report["pulled"].as_u64().is_some_and(|n| n > 0));
    let db = std::fs::read(dir.path().join(pf_store::DB_FILE)).expect("db");
    assert!(
        !String::from_utf8_lossy(&db).contains(token),
        "never in the database"
    );
    ok(&run(dir.path(), None, &["logout"]));
    // The store remembers no server now, and the keyring has no token left.
    let after = run(dir.path(), None, &["sync"]);
    assert!(String::from_utf8_lossy(&after.stderr).contains("sync.not_logged_in"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_server_an_admin_files_privacy_requests_there_and_laptops_carry_them_out_at_sync() {
    let (server, org) = org().await;
    let url = server.url();
    let admin_dir = tempfile::tempdir().expect("dir");
    let ae_dir = tempfile::tempdir().expect("dir");
    let admin = org.tokens["admin@a.test"].as_str();
    let ae = org.tokens["ae@a.test"].as_str();
    ok(&run(admin_dir.path(), Some(admin), &["login", &url]));
    ok(&run(ae_dir.path(), Some(ae), &["login", &url]));

    let refused = run(
        ae_dir.path(),
        Some(ae),
        &["privacy", "erase", "--email", "x.y@acme.com"],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("filed by an admin on the server"));

    let filed = ok(&run(
        admin_dir.path(),
        Some(admin),
        &[
            "privacy",
            "erase",
            "--email",
            "x.y@acme.com",
            "--name",
            "Xavier Ypsilanti",
        ],
    ));
    assert!(filed.contains("filed on the server: processing"), "{filed}");

    ok(&run(ae_dir.path(), Some(ae), &["sync"]));
    let status = json(&run(ae_dir.path(), None, &["privacy", "status", "--json"]));
    let reqs = status.as_array().expect("list");
    assert_eq!(reqs.len(), 1, "{status}");
    assert_eq!(reqs[0]["origin"], "server");
    assert_eq!(
        reqs[0]["status"], "completed",
        "carried out and reported at sync"
    );
    assert_eq!(reqs[0]["subject"], "x***@acme.com (X.Y.)");
}
