//! The sync server from the desktop shell: login (token checked by the server), the identity and
//! the flags the server evaluated for the user in `app_status`, "Sync now" and the background
//! loop with its `pf://synced` event, and logout. Against an in-process `pf-server`; the token is
//! kept in memory (`remember: false`) except in the keyring test.

use std::time::Duration;

use partnerforge_desktop::commands::{app, sync as sync_cmd};
use partnerforge_desktop::events::{ACCOUNTS_CHANGED, SYNCED};
use partnerforge_desktop::sync;
use pf_core::UserId;
use pf_server::testing::{Org, TestServer, seed_org};
use pf_sync::FlagInput;

use crate::support::{Shell, code, wait_for};

async fn org() -> (TestServer, Org) {
    let server = TestServer::start().await.expect("server");
    let org = seed_org(server.store.as_ref()).await.expect("seed");
    server
        .client(&org.tokens["admin@a.test"])
        .expect("admin")
        .put_flag(&FlagInput {
            key: "ops_page".into(),
            enabled: true,
            rollout_percent: 0,
            allowed_users: vec![UserId::new("manager@a.test").expect("user")],
            allowed_teams: vec![],
        })
        .await
        .expect("flag");
    (server, org)
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_server_there_is_no_identity_and_sync_now_does_nothing() {
    let shell = Shell::new(&[]);
    assert_eq!(sync::run_once(&shell.state).await.expect("no-op"), None);
    let status = app::status(&shell.state);
    assert_eq!((status.role, status.server_url), (None, None));
    assert!(status.flags.is_empty());
    assert!(shell.events.payloads(SYNCED).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn login_then_sync_brings_accounts_role_and_flags_and_tells_the_window() {
    let (server, org) = org().await;
    let shell = Shell::new(&[]);
    let session = shell.session();
    let id = sync_cmd::log_in(&session, &server.url(), &org.tokens["ae@a.test"], false)
        .await
        .expect("login")
        .expect("identity");
    assert_eq!(id.user.as_str(), "ae@a.test");

    let report = sync::run_once(&shell.state)
        .await
        .expect("sync")
        .expect("configured");
    assert!(report.pulled > 0 && report.full, "{report:?}");
    let synced = shell.events.payloads(SYNCED);
    assert_eq!(synced.len(), 1);
    assert_eq!(synced[0]["pulled"], report.pulled);
    assert_eq!(
        shell.events.payloads(ACCOUNTS_CHANGED).len(),
        1,
        "lists reload"
    );
    assert!(
        session
            .with_store(|s| s.account_by_domain(&pf_core::Domain::parse("zalando.de").expect("d")))
            .expect("read")
            .is_some()
    );
    let status = app::status(&shell.state);
    assert_eq!(status.user, "ae@a.test");
    assert_eq!(status.role.as_deref(), Some("ae"));
    assert_eq!(
        status.flags.get("ops_page"),
        Some(&false),
        "the Ops page is off for this AE"
    );
    assert!(
        session
            .identity()
            .expect("identity")
            .expect("some")
            .last_sync_at
            .is_some()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_loop_syncs_at_once_and_again_when_woken() {
    let (server, org) = org().await;
    let shell = Shell::new(&[]);
    sync_cmd::log_in(
        &shell.session(),
        &server.url(),
        &org.tokens["manager@a.test"],
        false,
    )
    .await
    .expect("login");
    let loop_task = tokio::spawn(sync::watch(shell.state.clone()));
    wait_for(&shell.events, SYNCED, Duration::from_secs(20), |p| {
        p["full"] == true
    })
    .await;
    shell.state.sync_wake.notify_one();
    wait_for(&shell.events, SYNCED, Duration::from_secs(20), |p| {
        p["full"] == false
    })
    .await;
    loop_task.abort();
    let status = app::status(&shell.state);
    assert_eq!(status.role.as_deref(), Some("manager"));
    assert_eq!(
        status.flags.get("ops_page"),
        Some(&true),
        "on for the manager it names"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_token_is_refused_and_logout_forgets_the_server() {
    let (server, org) = org().await;
    let shell = Shell::new(&[]);
    let session = shell.session();
    assert_eq!(
        code(sync_cmd::log_in(&session, &server.url(), "pfs_0000000000000000_bad", false).await),
        "auth.bad_token"
    );
    assert_eq!(
        session.identity().expect("identity"),
        None,
        "nothing stored"
    );
    sync_cmd::log_in(&session, &server.url(), &org.tokens["sdr@a.test"], false)
        .await
        .expect("login");
    assert_eq!(sync_cmd::log_out(&session).expect("logout"), None);
    assert_eq!(app::status(&shell.state).role, None);
    assert_eq!(sync::run_once(&shell.state).await.expect("no server"), None);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a keyring session: run through scripts/test.sh"]
async fn a_remembered_token_survives_a_restart_through_the_keyring() {
    let (server, org) = org().await;
    let shell = Shell::new(&[]);
    sync_cmd::log_in(
        &shell.session(),
        &server.url(),
        &org.tokens["ae@b.test"],
        true,
    )
    .await
    .expect("login");
    // A new session over the same data dir: the token comes back from the keyring.
    let store = pf_store::Store::open(
        &pf_store::OpenOptions::new(shell.dir.path()).key(pf_store::KeySource::Unencrypted),
    )
    .expect("reopen");
    let again = std::sync::Arc::new(partnerforge_desktop::AppState::ready(
        store,
        shell.dir.path(),
    ));
    let report = sync::run_once(&again)
        .await
        .expect("sync")
        .expect("configured");
    assert!(report.pulled > 0);
    sync_cmd::log_out(&again.session().expect("session")).expect("logout");
    assert!(
        again
            .session()
            .expect("session")
            .sync_client()
            .expect("no server")
            .is_none()
    );
}

/// What the engine would pay the website source for `module` on a new domain.
fn website_estimate(shell: &Shell, module: pf_core::ModuleId) -> u64 {
    let engine = shell.session().engine().expect("engine");
    let domain = pf_core::Domain::parse("brand-new-prospect.com").expect("domain");
    engine
        .estimate(&[domain], Some(&[module]), false)
        .expect("estimate")
        .by_source
        .iter()
        .filter(|s| s.source.as_str() == "website")
        .map(|s| s.cost_micros)
        .sum()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sync_that_brings_prices_and_module_flags_rebuilds_the_engine_with_them() {
    use pf_core::ModuleId;
    let (server, org) = org().await;
    let admin = server.client(&org.tokens["admin@a.test"]).expect("admin");
    admin
        .put_price(&pf_sync::PriceEntry {
            source: "website".into(),
            endpoint: "homepage".into(),
            price_micros: 7_000,
        })
        .await
        .expect("price");
    admin
        .put_flag(&FlagInput {
            key: "module.M02".into(),
            enabled: false,
            rollout_percent: 100,
            allowed_users: vec![],
            allowed_teams: vec![],
        })
        .await
        .expect("flag");
    let shell = Shell::new(&[]);
    sync_cmd::log_in(
        &shell.session(),
        &server.url(),
        &org.tokens["ae@a.test"],
        false,
    )
    .await
    .expect("login");
    assert_eq!(
        website_estimate(&shell, ModuleId::DOMAIN_FAMILY),
        0,
        "free before the sync"
    );

    sync::run_once(&shell.state).await.expect("sync");
    assert_eq!(
        website_estimate(&shell, ModuleId::DOMAIN_FAMILY),
        7_000,
        "the server's price"
    );
    assert_eq!(
        website_estimate(&shell, ModuleId::TECH_STACK),
        0,
        "M02 is off for this user, so nothing is paid for it"
    );
}
