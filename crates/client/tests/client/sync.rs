//! `sync_once` against a real server.

use pf_core::{Domain, ModuleId, SourceId, UserId};
use pf_server::ServeConfig;
use pf_server::testing::TestServer;
use pf_store::{OutboxEntry, UsageRecord, UsageStatus};
use pf_sync::{AssignmentInput, FlagInput};
use std::sync::Arc;
use time::OffsetDateTime;

use crate::support::*;

fn uid(s: &str) -> UserId {
    UserId::new(s).expect("user")
}

fn domains(store: &std::sync::Mutex<pf_store::Store>) -> Vec<String> {
    store
        .lock()
        .expect("store")
        .list_accounts()
        .expect("list")
        .into_iter()
        .map(|a| a.domain.to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_sync_brings_the_users_accounts_and_a_second_brings_nothing() {
    let (server, org) = org().await;
    let dir = tempfile::tempdir().expect("dir");
    let token = &org.tokens["ae@a.test"];
    let store = laptop(dir.path(), &server.url(), token).await;
    let client = server.client(token).expect("client");

    let first = pf_client::sync_once(&store, &client).await.expect("sync");
    assert!(
        first.full && first.pulled > 0 && first.pages >= 1,
        "{first:?}"
    );
    let mine = domains(&store);
    assert!(mine.contains(&"zalando.de".to_owned()), "{mine:?}");
    assert!(
        !mine.contains(&"costco.com".to_owned()),
        "another territory's account: {mine:?}"
    );
    let id = pf_client::identity(&store.lock().expect("store"))
        .expect("identity")
        .expect("logged in");
    assert_eq!(id.user, uid("ae@a.test"));
    assert_eq!(id.territories, vec!["emea".to_owned()]);
    assert!(id.last_sync_at.is_some());

    let second = pf_client::sync_once(&store, &client).await.expect("sync");
    assert_eq!(
        (second.pulled, second.applied, second.full),
        (0, 0, false),
        "{second:?}"
    );
    assert_eq!(
        second.cursor, first.cursor,
        "a no-change pull keeps the cursor"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_reassigned_away_loses_its_local_intelligence_on_the_next_sync() {
    let (server, org) = org().await;
    let dir = tempfile::tempdir().expect("dir");
    let token = &org.tokens["ae@a.test"];
    let store = laptop(dir.path(), &server.url(), token).await;
    let client = server.client(token).expect("client");
    let admin = admin(&server, &org);
    let nobody = org.accounts["nobody.io"];
    admin
        .assign(&AssignmentInput {
            account: nobody,
            owner: Some(uid("ae@a.test")),
        })
        .await
        .expect("assign");
    pf_client::sync_once(&store, &client).await.expect("sync");
    {
        let s = store.lock().expect("store");
        let local = s
            .account_by_domain(&Domain::parse("nobody.io").expect("d"))
            .expect("read")
            .expect("assigned to me: here");
        assert_eq!(local.owner, Some(uid("ae@a.test")));
        let at = OffsetDateTime::now_utc();
        let intel = pf_core::Intelligence::new(
            serde_json::json!({"search_provider": "Klevu"}),
            pf_core::SourceRef::new(SourceId::new("website").expect("id"), "home", None, at, 1.0)
                .expect("ref"),
            [],
        );
        s.put_intelligence(
            local.id,
            ModuleId::SEARCH_PROVIDER,
            &intel,
            at,
            at + time::Duration::days(30),
        )
        .expect("intel");
        assert_eq!(s.search("klevu", 5).expect("search").len(), 1);
    }
    admin
        .assign(&AssignmentInput {
            account: nobody,
            owner: Some(uid("ae@b.test")),
        })
        .await
        .expect("reassign");
    let report = pf_client::sync_once(&store, &client).await.expect("sync");
    assert_eq!(report.removed, 1, "{report:?}");
    assert!(!domains(&store).contains(&"nobody.io".to_owned()));
    assert!(
        store
            .lock()
            .expect("store")
            .search("klevu", 5)
            .expect("search")
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flags_are_the_servers_answer_for_the_user_the_same_on_every_laptop() {
    let (server, org) = org().await;
    admin(&server, &org)
        .put_flag(&FlagInput {
            key: "ops_page".into(),
            enabled: true,
            rollout_percent: 0,
            allowed_users: vec![uid("ae@a.test")],
            allowed_teams: vec![],
        })
        .await
        .expect("flag");
    let mut answers = Vec::new();
    for who in ["ae@a.test", "ae@a.test", "sdr@a.test"] {
        let dir = tempfile::tempdir().expect("dir");
        let store = laptop(dir.path(), &server.url(), &org.tokens[who]).await;
        let client = server.client(&org.tokens[who]).expect("client");
        pf_client::sync_once(&store, &client).await.expect("sync");
        let flags = pf_client::flags(&store.lock().expect("store")).expect("flags");
        answers.push(flags.get("ops_page").copied());
    }
    assert_eq!(answers, vec![Some(true), Some(true), Some(false)]);
}

fn offline_call(cost: u64) -> (UsageRecord, OutboxEntry) {
    let rec = UsageRecord {
        at: OffsetDateTime::now_utc(),
        user: uid("ae@a.test"),
        source: SourceId::new("builtwith").expect("id"),
        endpoint: "domain-api".into(),
        domain: None,
        cost_micros: cost,
        status: UsageStatus::Ok,
        duration_ms: 3,
    };
    let entry = OutboxEntry::new(&rec, None);
    (rec, entry)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_vanishes_mid_push_loses_nothing_and_counts_nothing_twice() {
    let (server, org) = org().await;
    budget_a(&server, &org, 1_000_000_000, 5_000_000).await;
    let proxy = Proxy::start(server.addr).await;
    let dir = tempfile::tempdir().expect("dir");
    let token = &org.tokens["ae@a.test"];
    let store = laptop(dir.path(), &proxy.url(), token).await;
    let client = pf_sync::SyncClient::new(&proxy.url(), token.as_str()).expect("client");
    // 1,200 calls paid offline, 1,000 micros each: three pushes of 500, 500 and 200.
    {
        let s = store.lock().expect("store");
        s.batch(|s| {
            for _ in 0..1200 {
                let (rec, entry) = offline_call(1000);
                s.log_usage_outboxed(&rec, &entry)?;
            }
            Ok(())
        })
        .expect("outbox");
    }
    // The second push reaches the server, which counts it, but its answer never comes back.
    proxy.cut_answer_of_usage_push(2);
    let err = pf_client::sync_once(&store, &client)
        .await
        .expect_err("cut mid-push");
    assert!(err.is_offline(), "{err}");
    assert_eq!(
        store
            .lock()
            .expect("store")
            .outbox_counts()
            .expect("counts"),
        (700, 500)
    );
    assert_eq!(
        spent_a(&server, &org).await,
        1_000 * 1_000,
        "the server counted two pushes"
    );

    // The server goes away entirely; a sync finds nobody and changes nothing.
    let data = server.store.clone();
    server.stop().await.expect("stop");
    let err = pf_client::sync_once(&store, &client)
        .await
        .expect_err("no server");
    assert!(err.is_offline(), "{err}");
    assert_eq!(
        store
            .lock()
            .expect("store")
            .outbox_counts()
            .expect("counts"),
        (700, 500)
    );

    // It comes back over the same data; the next sync pushes the rest.
    let server = TestServer::start_with(Arc::clone(&data), ServeConfig::default())
        .await
        .expect("restart");
    proxy.retarget(server.addr);
    proxy.cut_answer_of_usage_push(0);
    let report = pf_client::sync_once(&store, &client).await.expect("sync");
    assert_eq!(
        (report.pushed, report.duplicates, report.pending),
        (200, 500, 0),
        "{report:?}"
    );
    assert_eq!(
        store
            .lock()
            .expect("store")
            .outbox_counts()
            .expect("counts"),
        (0, 1200)
    );
    assert_eq!(
        spent_a(&server, &org).await,
        1_200 * 1_000,
        "every record counted exactly once"
    );
}
