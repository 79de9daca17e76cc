//! A privacy request filed on the server reaches every laptop: each carries it out at its next
//! sync and reports; the request is `processing` until the last laptop reported, then
//! `completed` with the subject masked, and the laptops forget the order.

use pf_core::{Intelligence, ModuleId, PrivacyKind, PrivacyStatus, SourceId, SourceRef};
use pf_store::Store;
use pf_sync::{PrivacyRequestInput, SyncClient};
use serde_json::json;
use std::sync::{Arc, Mutex};
use time::{Duration, OffsetDateTime};

use crate::support::*;

const NAME: &str = "Odalys Ferreira-Lund";
const EMAIL: &str = "odalys@zalando-demo.de";

/// Every seeded user's laptop, synced once.
async fn laptops(
    server: &pf_server::testing::TestServer,
    org: &pf_server::testing::Org,
    dirs: &[tempfile::TempDir],
) -> Vec<(String, Arc<Mutex<Store>>, SyncClient)> {
    let mut users: Vec<&String> = org.tokens.keys().collect();
    users.sort();
    let mut out = Vec::new();
    for (user, dir) in users.into_iter().zip(dirs) {
        let token = &org.tokens[user];
        let store = laptop(dir.path(), &server.url(), token).await;
        let client = server.client(token).expect("client");
        pf_client::sync_once(&store, &client)
            .await
            .expect("first sync");
        out.push((user.clone(), store, client));
    }
    out
}

/// The subject as one of the account's officers on this laptop.
fn note_officer(store: &Mutex<Store>) {
    let s = store.lock().expect("store");
    let acct = s
        .upsert_account(&pf_core::NewAccount {
            domain: Some(pf_core::Domain::parse("zalando-demo.de").expect("domain")),
            name: Some("Zalando".into()),
            ..pf_core::NewAccount::default()
        })
        .expect("account")
        .id();
    let now = OffsetDateTime::now_utc();
    let source = SourceRef::new(
        SourceId::new("yahoo_finance").expect("id"),
        "profile",
        None,
        now,
        0.9,
    )
    .expect("source");
    let data = json!({"executives_officers": [{"name": NAME, "title": "CTO"}, {"name": "Ines Park", "title": "CEO"}]});
    s.put_intelligence(
        acct,
        ModuleId::EXECUTIVES,
        &Intelligence::new(data, source, []),
        now,
        now + Duration::days(30),
    )
    .expect("officers");
}

fn names_subject(store: &Mutex<Store>) -> bool {
    let s = store.lock().expect("store");
    let subject = pf_core::Subject::new(EMAIL, Some(NAME)).expect("subject");
    !s.privacy_find(&subject).expect("find").1.is_empty()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erasure_completes_only_when_every_laptop_has_reported() {
    let (server, org) = org().await;
    let dirs: Vec<_> = (0..org.tokens.len())
        .map(|_| tempfile::tempdir().expect("dir"))
        .collect();
    let laptops = laptops(&server, &org, &dirs).await;
    let holders = ["ae@a.test", "ae@b.test"];
    for (user, store, _) in &laptops {
        if holders.contains(&user.as_str()) {
            note_officer(store);
            assert!(names_subject(store), "control: {user} holds the subject");
        }
    }
    let admin = admin(&server, &org);
    let filed = admin
        .file_privacy(&PrivacyRequestInput {
            kind: PrivacyKind::Erasure,
            email: EMAIL.into(),
            name: Some(NAME.into()),
            correction: None,
        })
        .await
        .expect("file");
    assert_eq!(
        filed.laptops.len(),
        laptops.len(),
        "every live token is a laptop to wait for"
    );

    for (i, (user, store, client)) in laptops.iter().enumerate() {
        let report = pf_client::sync_once(store, client).await.expect("sync");
        assert_eq!(
            report.privacy, 1,
            "{user} carried out and reported the order"
        );
        assert!(!names_subject(store), "{user} no longer holds the subject");
        let view = admin.privacy_request(filed.id).await.expect("view");
        let last = i + 1 == laptops.len();
        let want = if last {
            PrivacyStatus::Completed
        } else {
            PrivacyStatus::Processing
        };
        assert_eq!(
            view.status,
            want,
            "after {} of {} reports",
            i + 1,
            laptops.len()
        );
        let local = store
            .lock()
            .expect("store")
            .privacy_request(filed.id)
            .expect("read")
            .expect("recorded");
        assert_eq!(local.status, PrivacyStatus::Completed);
        assert_eq!(local.subject, "o***@zalando-demo.de (O.F.)");
        if holders.contains(&user.as_str()) {
            assert!(
                local.records.get("intelligence.data").copied().unwrap_or(0) >= 1,
                "{local:?}"
            );
        }
    }
    let done = admin.privacy_request(filed.id).await.expect("view");
    assert!(
        !done.subject.contains(EMAIL) && !done.subject.contains(NAME),
        "{}",
        done.subject
    );
    let counted: u64 = done
        .laptops
        .iter()
        .map(|l| l.records.get("intelligence.data").copied().unwrap_or(0))
        .sum();
    assert!(
        counted >= 2,
        "both holders reported their records: {:?}",
        done.laptops
    );

    // The next sync brings the withdrawal; nothing is carried out twice and no order is left.
    let (_, store, client) = &laptops[0];
    let again = pf_client::sync_once(store, client).await.expect("sync");
    assert_eq!(again.privacy, 0);
    assert!(
        store
            .lock()
            .expect("store")
            .synced_items("privacy_order")
            .expect("items")
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_access_request_gathers_every_laptops_records_on_the_server() {
    let (server, org) = org().await;
    let dirs: Vec<_> = (0..org.tokens.len())
        .map(|_| tempfile::tempdir().expect("dir"))
        .collect();
    let laptops = laptops(&server, &org, &dirs).await;
    let (_, holder, _) = laptops
        .iter()
        .find(|(u, _, _)| u == "ae@a.test")
        .expect("ae");
    note_officer(holder);
    let admin = admin(&server, &org);
    let filed = admin
        .file_privacy(&PrivacyRequestInput {
            kind: PrivacyKind::Access,
            email: EMAIL.into(),
            name: Some(NAME.into()),
            correction: None,
        })
        .await
        .expect("file");
    for (_, store, client) in &laptops {
        pf_client::sync_once(store, client).await.expect("sync");
    }
    assert!(names_subject(holder), "access changes nothing");
    let export = admin.privacy_export(filed.id).await.expect("export");
    let text = export.to_string();
    assert!(
        text.contains("CTO") && text.contains("zalando-demo.de") && text.contains("yahoo_finance"),
        "{text}"
    );
    assert_eq!(
        admin.privacy_request(filed.id).await.expect("view").status,
        PrivacyStatus::Completed
    );
}
