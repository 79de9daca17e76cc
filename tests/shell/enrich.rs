//! Enrichment jobs from the window: a job against the mock APIs end to end, and requests that
//! must be refused before anything is started or queued.

use partnerforge_desktop::commands::{accounts, ops, usage};
use partnerforge_desktop::events::{ACCOUNTS_CHANGED, ENRICH_PROGRESS, NETWORK};
use partnerforge_desktop::jobs;
use pf_mock_apis::MockApis;
use time::OffsetDateTime;

use crate::support::{Shell, USER, code, job_finished};

#[tokio::test(flavor = "multi_thread")]
async fn enrichment_against_the_mock_apis_scores_the_account_logs_usage_and_finishes_the_job() {
    let mock = MockApis::start().await.expect("mock APIs");
    let shell = Shell::on_mock(&mock);
    let session = shell.session();

    let started = jobs::enrich(&shell.state, &["costco.com".into()], false).expect("enrich");
    assert!(!started.queued, "online: started, not queued");
    assert_eq!(started.domains, 1);
    assert!(!started.job.is_empty());

    let done = job_finished(&shell.events, &started.job).await;
    assert_eq!(done["total"], 1, "{done}");
    assert_eq!(done["done"], 1, "{done}");
    assert_eq!(done["failed"], 0, "{done}");
    let status = done["status"]
        .as_str()
        .expect("a finished job has a status");
    assert!(matches!(status, "complete" | "partial"), "{done}");
    let progress = shell.events.payloads(ENRICH_PROGRESS);
    assert_eq!(
        progress.first().map(|p| p["finished"].clone()),
        Some(serde_json::json!(false)),
        "a first, unfinished progress event: {progress:#?}"
    );
    assert_eq!(
        progress.iter().filter(|p| p["finished"] == true).count(),
        1,
        "finished exactly once: {progress:#?}"
    );
    assert!(
        !shell.events.payloads(ACCOUNTS_CHANGED).is_empty(),
        "lists are told to reload"
    );

    // The account now has its headline results; the others are untouched.
    let rows = accounts::list(&session).expect("list");
    let costco = rows
        .iter()
        .find(|r| r.domain == "costco.com")
        .expect("costco");
    assert!(costco.score.is_some(), "{costco:?}");
    assert!(costco.priority.is_some(), "{costco:?}");
    assert!(costco.last_enriched.is_some(), "{costco:?}");
    let target = rows
        .iter()
        .find(|r| r.domain == "target.com")
        .expect("target");
    assert_eq!(target.score, None);
    assert_eq!(target.last_enriched, None);

    // The calls reached the mock (free sources only: paid ones are off, see support.rs).
    assert!(mock.count_for("website", "homepage", "costco.com") >= 1);
    assert_eq!(mock.count("builtwith", "domain-api"), 0);
    assert_eq!(mock.count("similarweb", "visits"), 0);

    // Usage counts every call, by source and by user; free calls cost nothing.
    let view = usage::view(&session, OffsetDateTime::now_utc()).expect("usage");
    assert!(view.calls > 0, "{view:#?}");
    assert_eq!(
        view.calls,
        view.by_source.iter().map(|b| b.calls).sum::<u64>()
    );
    assert_eq!(
        view.spent_micros,
        view.by_source.iter().map(|b| b.micros).sum::<u64>()
    );
    let website = view
        .by_source
        .iter()
        .find(|b| b.key == "website")
        .expect("website calls logged");
    assert!(website.calls >= 1);
    assert_eq!(view.spent_micros, 0, "free sources only: {view:#?}");
    assert_eq!(view.by_user.len(), 1);
    assert_eq!(view.by_user[0].key, USER);
    assert_eq!(view.by_user[0].calls, view.calls);
    let today = OffsetDateTime::now_utc().date().to_string();
    let today_bucket = view
        .by_day
        .iter()
        .find(|b| b.key == today)
        .expect("today is listed");
    assert_eq!(today_bucket.calls, view.calls);

    // Operations list the job as finished, not running.
    let ops = ops::view(&shell.state).await.expect("ops");
    let job = ops
        .jobs
        .iter()
        .find(|j| j.id == started.job)
        .expect("the job is listed");
    assert_eq!(job.status, status);
    assert!(job.finished_at.is_some(), "{job:?}");
    assert_eq!(job.domains, 1);
    assert!(shell.state.running.lock().expect("running").is_empty());
    assert!(ops.queued.is_empty());
    assert!(
        ops.sources.iter().any(|s| s.id == "website"),
        "{:#?}",
        ops.sources
    );
    assert!(
        ops.sources.iter().all(|s| !s.needs_key),
        "paid sources are off"
    );
}

/// Asks for enrichments that must be refused, and checks nothing was started or queued.
fn refuse_bad_requests(shell: &Shell) {
    let cases: &[(&[&str], &str)] = &[
        (&["not a domain"], "desktop.bad_domain"),
        (&[], "desktop.nothing_to_enrich"),
        (&["   "], "desktop.bad_domain"),
        (&["costco.com", "not a domain"], "desktop.bad_domain"),
        (&["nosuchshop.com"], "store.account_not_found"),
        (&["costco.com", "nosuchshop.com"], "store.account_not_found"),
    ];
    for (domains, expected) in cases {
        let raw: Vec<String> = domains.iter().map(|d| (*d).to_owned()).collect();
        assert_eq!(
            code(jobs::enrich(&shell.state, &raw, false)),
            *expected,
            "{domains:?}"
        );
        assert_eq!(
            code(jobs::enrich(&shell.state, &raw, true)),
            *expected,
            "{domains:?} forced"
        );
    }
    assert_eq!(shell.count_queued(), 0, "nothing queued");
    assert_eq!(shell.count_jobs(), 0, "no job recorded");
    assert!(shell.state.running.lock().expect("running").is_empty());
    assert!(shell.events.payloads(ENRICH_PROGRESS).is_empty());
    assert!(shell.events.payloads(NETWORK).is_empty());
}

#[test]
fn bad_enrichment_requests_are_refused_and_start_or_queue_nothing() {
    let shell = Shell::new(&[]);
    refuse_bad_requests(&shell);
    // Offline the same requests are refused before they reach the queue.
    shell.state.set_online(false);
    refuse_bad_requests(&shell);
    // The accounts are all still there.
    let rows = accounts::list(&shell.session()).expect("list");
    assert!(rows.iter().any(|r| r.domain == "costco.com"));
    assert!(rows.iter().all(|r| r.score.is_none()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_interrupted_by_a_stop_is_resumed_at_start_and_finishes() {
    let mock = MockApis::start().await.expect("mock APIs");
    let shell = Shell::on_mock(&mock);
    let session = shell.session();
    // What a killed app leaves behind: a job recorded as running.
    let job = pf_store::JobId::new("interrupted-job");
    session
        .with_store(|s| {
            s.start_job(
                &job,
                &serde_json::json!({"domains": ["costco.com", "target.com"], "modules": null, "force": false}),
            )
        })
        .expect("record the job");

    let resumed = jobs::resume_unfinished(&shell.state).expect("resume");
    assert_eq!(resumed.as_deref(), Some("interrupted-job"));
    let done = job_finished(&shell.events, "interrupted-job").await;
    assert_eq!(done["done"], 2, "{done}");
    assert!(
        session
            .with_store(|s| s.unfinished_job())
            .expect("read the jobs")
            .is_none(),
        "the job is recorded as finished"
    );
    let rows = accounts::list(&session).expect("list");
    for domain in ["costco.com", "target.com"] {
        let row = rows.iter().find(|r| r.domain == domain).expect("row");
        assert!(row.last_enriched.is_some(), "{domain} enriched: {row:?}");
    }
    assert_eq!(
        jobs::resume_unfinished(&shell.state).expect("nothing left"),
        None
    );
}
