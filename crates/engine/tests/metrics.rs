//! The engine's Prometheus metrics after a real enrichment against the mock APIs, with one free
//! source failing with 500s until its breaker opens and one paid source answering 429 forever:
//! every family is there with the values the job report and the mock's call counts imply, no
//! label carries an enriched domain or the user, and the real `promtool check metrics` accepts
//! the text.

use std::collections::BTreeMap;

use pf_core::Domain;
use pf_engine::metrics::Metrics;
use pf_engine::{JobRequest, JobStatus};
use pf_mock_apis::{Fault, FaultKind, MockApis};
use pf_store::JobId;

#[path = "support/mock_engine.rs"]
mod mock_engine;
#[path = "../../../tests/support/promtool.rs"]
mod promtool;

use promtool::{FAMILIES, promtool_check};

/// One sample line: name, labels, value.
type Sample = (String, BTreeMap<String, String>, f64);

fn parse(text: &str) -> Vec<Sample> {
    let mut out = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (series, value) = line.rsplit_once(' ').expect("a value");
        let (name, labels) = match series.split_once('{') {
            Some((n, rest)) => (n, rest.trim_end_matches('}')),
            None => (series, ""),
        };
        let mut map = BTreeMap::new();
        for pair in labels.split(",").filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').expect("label pair");
            map.insert(k.to_owned(), v.trim_matches('"').to_owned());
        }
        let value = match value {
            "+Inf" => f64::INFINITY,
            v => v.parse().expect("a number"),
        };
        out.push((name.to_owned(), map, value));
    }
    out
}

fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples
        .iter()
        .find(|(n, l, _)| {
            n == name
                && l.len() == labels.len()
                && labels
                    .iter()
                    .all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|(_, _, v)| *v)
}

#[tokio::test]
async fn an_enrichment_with_a_failing_and_a_throttled_source_shows_in_every_family() {
    let mock = MockApis::start().await.expect("mock");
    mock.set_fault(Fault::new("job_boards", FaultKind::ServerError).times(10_000));
    mock.set_fault(
        Fault::new("similarweb", FaultKind::RateLimited)
            .times(10_000)
            .retry_after(1),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let e = mock_engine::engine(
        dir.path(),
        &mock,
        &[
            ("gateway.max_attempts", "2"),
            ("sources.builtwith.rate_per_sec", "20"),
        ],
    );
    let metrics = Metrics::new();
    metrics.attach(e.events());
    let domains = ["costco.com", "target.com", "chewy.com"];
    let report = e
        .enrich(&JobRequest {
            job: JobId::new("metrics-job"),
            domains: domains
                .iter()
                .map(|d| Domain::parse(d).expect("d"))
                .collect(),
            modules: None,
            force: false,
        })
        .await
        .expect("job");
    let text = metrics.render_for(&e);
    let samples = parse(&text);

    for family in FAMILIES {
        assert!(
            text.contains(&format!("# TYPE {} {}\n", family.0, family.1)),
            "{family:?} missing:\n{text}"
        );
        assert!(text.contains(&format!("# HELP {} ", family.0)));
    }
    assert!(text.contains("0 closed, 1 half-open, 2 open"));

    // enrichment_total: one per domain, by the status the report gives.
    let mut by_status: BTreeMap<&str, f64> = BTreeMap::new();
    for d in &report.domains {
        let s = match d.status {
            JobStatus::Complete => "complete",
            JobStatus::Partial => "partial",
            JobStatus::Failed => "failed",
        };
        *by_status.entry(s).or_default() += 1.0;
    }
    assert_eq!(
        by_status.get("partial"),
        Some(&3.0),
        "hiring failed everywhere"
    );
    for (status, n) in &by_status {
        assert_eq!(
            value(&samples, "enrichment_total", &[("status", status)]),
            Some(*n)
        );
    }

    // module_executions_total: exactly the report's outcomes, per module id.
    let mut expected: BTreeMap<(String, &str), f64> = BTreeMap::new();
    for d in &report.domains {
        for (m, o) in &d.modules {
            *expected.entry((m.to_string(), o.status())).or_default() += 1.0;
        }
    }
    assert!(expected.len() >= 10, "{expected:?}");
    let total: f64 = samples
        .iter()
        .filter(|(n, _, _)| n == "module_executions_total")
        .map(|(_, _, v)| v)
        .sum();
    assert_eq!(total, expected.values().sum::<f64>());
    for ((module, status), n) in &expected {
        assert_eq!(
            value(
                &samples,
                "module_executions_total",
                &[("module_id", module), ("status", status)]
            ),
            Some(*n),
            "{module} {status}"
        );
    }
    assert_eq!(
        value(
            &samples,
            "module_executions_total",
            &[("module_id", "M04"), ("status", "failed")]
        ),
        Some(3.0)
    );

    // Waves: one observation per domain for the first wave.
    assert_eq!(
        value(
            &samples,
            "enrichment_duration_seconds_count",
            &[("wave", "0")]
        ),
        Some(3.0)
    );

    // Calls: as many timed BuiltWith lookups as the mock answered, and 429s timed too.
    let bw_calls = mock.count("builtwith", "domain-api") as f64;
    assert!(bw_calls >= 3.0);
    assert_eq!(
        value(
            &samples,
            "api_call_duration_seconds_count",
            &[("adapter", "builtwith"), ("endpoint", "domain-api")]
        ),
        Some(bw_calls)
    );
    let sw_timed: f64 = samples
        .iter()
        .filter(|(n, l, _)| {
            n == "api_call_duration_seconds_count"
                && l.get("adapter").map(String::as_str) == Some("similarweb")
        })
        .map(|(_, _, v)| v)
        .sum();
    assert!(sw_timed >= 6.0, "two attempts per domain: {sw_timed}");

    // Gauges: the failing free source's breaker is open; the others are closed.
    assert_eq!(
        value(
            &samples,
            "circuit_breaker_state",
            &[("adapter", "job_boards")]
        ),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        value(
            &samples,
            "circuit_breaker_state",
            &[("adapter", "builtwith")]
        ),
        Some(0.0)
    );
    let tokens = value(
        &samples,
        "rate_limiter_available_tokens",
        &[("adapter", "builtwith")],
    )
    .expect("builtwith tokens");
    assert!((0.0..=1.0).contains(&tokens), "{tokens}");
    for source in e.source_ids() {
        assert!(
            value(
                &samples,
                "rate_limiter_available_tokens",
                &[("adapter", source.as_str())]
            )
            .is_some(),
            "{source}"
        );
    }

    // Spend: the paid source that answered cost money, the throttled one nothing, matching
    // the job's own account.
    let bw_spend = value(&samples, "spend_usd_total", &[("source", "builtwith")]).expect("bw");
    assert!(bw_spend > 0.0);
    let spent: f64 = samples
        .iter()
        .filter(|(n, _, _)| n == "spend_usd_total")
        .map(|(_, _, v)| v)
        .sum();
    assert!((spent - report.spent_micros as f64 / 1e6).abs() < 1e-9);
    assert_eq!(
        value(&samples, "spend_usd_total", &[("source", "similarweb")]),
        Some(0.0)
    );

    // Cardinality: no label value names a domain or the user.
    for (name, labels, _) in &samples {
        for v in labels.values() {
            for d in domains {
                assert!(!v.contains(d), "{name} carries {d}");
            }
            assert!(!v.contains("tester"), "{name} carries the user");
            assert!(!v.contains('/') && !v.contains('@'), "{name}: {v}");
        }
    }

    if let Some((ok, said)) = promtool_check(&text) {
        assert!(ok, "promtool check metrics:\n{said}\n{text}");
    }
}

#[test]
fn promtool_rejects_a_broken_exposition() {
    // Guards the check above: a counter without `_total` and a malformed line must fail it.
    if let Some((ok, _)) = promtool_check("# TYPE calls counter\ncalls{a=\"x\" 1\n") {
        assert!(!ok, "promtool accepted a broken text");
    }
}
