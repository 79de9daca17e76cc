//! Privacy requests on the laptop: erasure leaves no copy of the person on disk (checked by
//! decrypting every page of the database and its WAL), rectification replaces old values in
//! history too, access finds everything with sources and dates, and the retention purge keeps
//! refreshed facts and drops expired ones.

mod common;
#[path = "privacy/pages.rs"]
mod pages;

use common::{PASSPHRASE, account, intel, open};
use pf_core::{
    Correction, Domain, ModuleId, PrivacyKind, PrivacyRequestId, PrivacyStatus, RetentionDays,
    SourceId, Subject,
};
use pf_store::{Notification, PrivacyOrigin, Store};
use serde_json::json;
use time::{Duration, OffsetDateTime};

const EMAIL: &str = "jane.quillfeather@acme.com";
const NAME: &str = "Jane Quillfeather";

fn officers(title: &str) -> serde_json::Value {
    json!({"officers": [
        {"name": NAME, "title": title, "email": EMAIL, "phone": "+1 555 0100",
         "linkedin": "https://www.linkedin.com/in/jane-quillfeather"},
        {"name": "John Roe", "title": "CEO"}
    ]})
}

/// One account whose executives, quotes, cached Yahoo answer, notification and call note all
/// name the subject; the executives changed once, so history holds two snapshots.
fn seeded(dir: &std::path::Path) -> Store {
    let store = open(dir);
    let acme = store
        .upsert_account(&account("acme.com", "Acme Corp"))
        .expect("account")
        .id();
    let t0 = OffsetDateTime::now_utc() - Duration::days(20);
    let t1 = OffsetDateTime::now_utc() - Duration::days(2);
    for (at, title) in [(t0, "VP Finance"), (t1, "CFO")] {
        store
            .put_intelligence(
                acme,
                ModuleId::EXECUTIVES,
                &intel(officers(title), "yahoo_finance", at),
                at,
                at + Duration::days(30),
            )
            .expect("executives");
    }
    let quote = json!({"items": [{"kind": "quote", "text": format!("\"Search is our priority\", said {NAME}.")}]});
    store
        .put_intelligence(
            acme,
            ModuleId::INITIATIVES,
            &intel(quote, "web_search", t1),
            t1,
            t1 + Duration::days(30),
        )
        .expect("quotes");
    let facts = json!([{"field": "executives.officers", "value": officers("CFO")["officers"].clone(),
                         "source": {"source": "yahoo_finance"}}]);
    store
        .put_source_facts(
            acme,
            &SourceId::new("yahoo_finance").expect("id"),
            &facts,
            t1,
            t1 + Duration::days(30),
        )
        .expect("facts");
    store
        .record_notification(&Notification {
            key: "exec:acme.com".into(),
            kind: "executive_changed".into(),
            domain: Domain::parse("acme.com").expect("domain"),
            title: "New CFO at Acme".into(),
            body: format!("{NAME} is now CFO"),
            created_at: t1,
        })
        .expect("notification");
    store
        .log_call(
            acme,
            t1,
            Some(&format!("Spoke with {NAME} ({EMAIL}) about search")),
        )
        .expect("call");
    store
}

fn on_disk(store: &Store, dir: &std::path::Path) -> Vec<u8> {
    let key = pages::passphrase_key(dir, PASSPHRASE);
    pages::decrypted(store.path(), &key)
}

fn subject() -> Subject {
    Subject::new(EMAIL, Some(NAME)).expect("subject")
}

/// The seeded account's id.
fn acme(store: &Store) -> pf_core::AccountId {
    let domain = Domain::parse("acme.com").expect("domain");
    store.require_account(&domain).expect("acme").id
}

/// Stores `data` as a fresh fetch of `module` and answers what was kept, as JSON text.
fn refetch(
    store: &Store,
    account: pf_core::AccountId,
    module: ModuleId,
    data: serde_json::Value,
    source: &str,
) -> String {
    let now = OffsetDateTime::now_utc();
    store
        .put_intelligence(
            account,
            module,
            &intel(data, source, now),
            now,
            now + Duration::days(30),
        )
        .expect("store a fetch");
    let kept = store
        .module_intelligence(account, module)
        .expect("read")
        .expect("row");
    serde_json::to_string(&kept).expect("json")
}

#[test]
fn erasure_leaves_no_copy_of_the_person_in_any_decrypted_page() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = seeded(dir.path());
    assert!(!store.search("Quillfeather", 10).expect("search").is_empty());
    store.checkpoint_wal().expect("checkpoint");
    let before = on_disk(&store, dir.path());
    assert!(
        pages::contains(&before, "CREATE TABLE accounts"),
        "the pages really are decrypted"
    );
    assert!(
        pages::contains(&before, EMAIL) && pages::contains(&before, NAME),
        "control: the person is there before"
    );

    let id = PrivacyRequestId::new();
    let out = store
        .carry_out_privacy(
            id,
            PrivacyKind::Erasure,
            &subject(),
            None,
            PrivacyOrigin::Local,
            "admin@local",
        )
        .expect("erase");
    let r = &out.request;
    assert_eq!(r.status, PrivacyStatus::Completed);
    assert_eq!(r.subject, "j***@acme.com (J.Q.)", "only the mask is kept");
    for place in [
        "intelligence.data",
        "history.data",
        "source_facts.facts",
        "notifications.body",
        "call_log.note",
    ] {
        assert!(
            r.records.get(place).copied().unwrap_or(0) > 0,
            "{place} not erased: {:?}",
            r.records
        );
    }
    assert!(
        store.search("Quillfeather", 10).expect("search").is_empty(),
        "gone from the index"
    );
    assert!(
        !store.search("John Roe", 10).expect("search").is_empty(),
        "other people stay"
    );

    let after = on_disk(&store, dir.path());
    for needle in [EMAIL, NAME, "quillfeather", "555 0100"] {
        assert!(
            !pages::contains(&after, needle),
            "`{needle}` still on disk after erasure"
        );
    }
    // A refresh that fetches the officer again cannot bring them back.
    let acme = acme(&store);
    let cfo = officers("CFO");
    let text = refetch(&store, acme, ModuleId::EXECUTIVES, cfo, "yahoo_finance");
    assert!(
        !text.contains("Quillfeather") && text.contains("John Roe"),
        "{text}"
    );
    // Nor can a new quote or a summary that mentions them in free text.
    let news = json!({"items": [
            {"kind": "quote", "text": format!("\"Search is everything\" - {}", NAME.to_uppercase())},
            {"kind": "quote", "text": "\"Speed matters\" - John Roe"}],
        "summary": format!("Budget owner: {NAME} <{EMAIL}>.")});
    let text = refetch(&store, acme, ModuleId::INITIATIVES, news, "web_search");
    assert!(
        !text.to_lowercase().contains("quillfeather")
            && text.contains("Speed matters")
            && text.contains("Budget owner: [erased] <[erased]>."),
        "{text}"
    );
    assert!(
        store.search("Quillfeather", 10).expect("search").is_empty(),
        "not back in the index"
    );

    let log = store.audit_log(None, Some("privacy."), 10).expect("audit");
    assert_eq!(
        log.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["privacy.file", "privacy.complete"]
    );
}

#[test]
fn rectification_replaces_old_values_everywhere_history_included() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = seeded(dir.path());
    let c = Correction {
        name: Some("Jane Smithson".into()),
        email: Some("jane.smithson@acme.com".into()),
        ..Correction::default()
    };
    let out = store
        .carry_out_privacy(
            PrivacyRequestId::new(),
            PrivacyKind::Rectification,
            &subject(),
            Some(&c),
            PrivacyOrigin::Local,
            "admin@local",
        )
        .expect("rectify");
    assert!(
        out.request
            .records
            .get("history.data")
            .copied()
            .unwrap_or(0)
            >= 2,
        "{:?}",
        out.request.records
    );
    let acme = acme(&store);
    let history = store.history(acme, None).expect("history");
    let text = serde_json::to_string(&history.iter().map(|h| h.data.clone()).collect::<Vec<_>>())
        .expect("json");
    assert!(
        text.contains("Jane Smithson") && !text.contains("Quillfeather"),
        "{text}"
    );
    assert!(!store.search("Smithson", 10).expect("search").is_empty());
    let after = on_disk(&store, dir.path());
    for old in [NAME, EMAIL] {
        assert!(
            !pages::contains(&after, old),
            "old value `{old}` still on disk"
        );
    }
    assert!(pages::contains(&after, "jane.smithson@acme.com"));
}

#[test]
fn access_finds_every_record_with_company_source_and_date() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = seeded(dir.path());
    let (counts, found) = store.privacy_find(&subject()).expect("find");
    assert!(counts.values().sum::<u64>() >= 6, "{counts:?}");
    let exec = found
        .iter()
        .find(|f| f.place == "intelligence.data" && f.label.as_deref() == Some("M08"))
        .expect("the current executives record");
    assert_eq!(exec.domain.as_deref(), Some("acme.com"));
    assert_eq!(exec.value["title"], "CFO");
    assert!(exec.at.is_some());
    assert_eq!(
        exec.sources.as_ref().and_then(|s| s[0]["source"].as_str()),
        Some("yahoo_finance")
    );
    assert!(found.iter().any(|f| f.place == "call_log.note"));
    let nobody = Subject::new("nobody@example.org", Some("No Body")).expect("subject");
    assert!(store.privacy_find(&nobody).expect("find").1.is_empty());
}

#[test]
fn retention_purges_expired_classes_and_keeps_refreshed_facts() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = open(dir.path());
    let now = OffsetDateTime::now_utc();
    let old = store
        .upsert_account(&account("old.com", "Old Co"))
        .expect("a")
        .id();
    let fresh = store
        .upsert_account(&account("fresh.com", "Fresh Co"))
        .expect("a")
        .id();
    let put = |acc, m, data: serde_json::Value, days: i64| {
        let at = now - Duration::days(days);
        store
            .put_intelligence(
                acc,
                m,
                &intel(data, "yahoo_finance", at),
                at,
                at + Duration::days(1),
            )
            .expect("put");
    };
    put(old, ModuleId::EXECUTIVES, officers("CFO"), 400);
    put(old, ModuleId::HIRING, json!({"jobs": 3}), 100);
    put(old, ModuleId::FINANCIALS, json!({"revenue": 1}), 200);
    put(
        old,
        ModuleId::TECH_STACK,
        json!({"tech": ["Algolia"]}),
        1000,
    );
    put(fresh, ModuleId::EXECUTIVES, officers("CFO"), 10);
    assert!(store.retention_due(now).expect("due"));
    let report = store
        .purge_retention(&RetentionDays::default(), now)
        .expect("purge");
    assert_eq!(
        report.removed.get("intelligence.executives"),
        Some(&1),
        "{:?}",
        report.removed
    );
    assert_eq!(report.removed.get("intelligence.hiring_signals"), Some(&1));
    assert_eq!(
        report.removed.get("intelligence.financials"),
        None,
        "200 days < 365"
    );
    let kept = |acc, m| store.module_intelligence(acc, m).expect("read").is_some();
    assert!(!kept(old, ModuleId::EXECUTIVES) && !kept(old, ModuleId::HIRING));
    assert!(kept(old, ModuleId::FINANCIALS) && kept(old, ModuleId::TECH_STACK));
    assert!(
        kept(fresh, ModuleId::EXECUTIVES),
        "refreshed within 365 days"
    );
    assert!(
        !store.retention_due(now + Duration::hours(1)).expect("due"),
        "once a day"
    );
    assert!(store.retention_due(now + Duration::hours(25)).expect("due"));
    let audit = store
        .audit_log(None, Some("retention.purge"), 5)
        .expect("audit");
    assert_eq!(audit.len(), 1);
    assert!(audit[0].actor.is_none());
}

#[test]
fn personal_data_is_marked_in_the_schema_as_pf_core_classes_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let store =
        Store::open(&pf_store::OpenOptions::new(dir.path()).key(pf_store::KeySource::Unencrypted))
            .expect("open");
    let acme = store
        .upsert_account(&account("acme.com", "Acme Corp"))
        .expect("a")
        .id();
    let now = OffsetDateTime::now_utc();
    for n in 1..=ModuleId::BUILTIN_COUNT {
        let m: ModuleId = format!("M{n:02}").parse().expect("module");
        store
            .put_intelligence(acme, m, &intel(json!({"n": n}), "website", now), now, now)
            .expect("put");
    }
    store.checkpoint_wal().expect("checkpoint");
    let raw = rusqlite::Connection::open(store.path()).expect("plain sqlite");
    let mut stmt = raw
        .prepare("SELECT module, data_class, personal FROM intelligence")
        .expect("prepare");
    let rows: Vec<(String, String, bool)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(rows.len(), usize::from(ModuleId::BUILTIN_COUNT));
    for (module, class, personal) in rows {
        let c = pf_core::DataClass::of_module(module.parse().expect("module"));
        assert_eq!(class, c.as_str(), "{module}");
        assert_eq!(personal, c.is_personal(), "{module}");
    }
}
