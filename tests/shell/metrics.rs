//! Metrics from the desktop shell: the Ops page's `metrics_text` after an enrichment through
//! the session's engine (families present, counts from the job, no domain or user in a label),
//! and the opt-in local `/metrics` endpoint over real HTTP — served when `metrics.listen` names a
//! loopback address, off when it is not set, refused for a non-loopback one.

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};

use partnerforge_desktop::commands::ops;
use partnerforge_desktop::metrics_endpoint;
use pf_engine::{JobReport, JobRequest};
use pf_mock_apis::MockApis;
use pf_store::JobId;

use crate::support::{Shell, USER, code, domain, mock_config};

const FAMILIES: &[&str] = &[
    "enrichment_total",
    "module_executions_total",
    "enrichment_duration_seconds",
    "api_call_duration_seconds",
    "circuit_breaker_state",
    "rate_limiter_available_tokens",
    "spend_usd_total",
];

/// `GET /metrics` over a plain TCP connection: (status line, body).
fn get_metrics(addr: SocketAddr) -> (String, String) {
    let mut stream = TcpStream::connect(addr).expect("connect to the endpoint");
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .expect("send");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("read the answer");
    let (head, body) = raw.split_once("\r\n\r\n").expect("headers and body");
    (
        head.lines().next().unwrap_or_default().to_owned(),
        body.to_owned(),
    )
}

async fn enrich_two(shell: &Shell) -> JobReport {
    let engine = shell.session().engine().expect("engine");
    engine
        .enrich(&JobRequest {
            job: JobId::new("metrics-shell"),
            domains: vec![domain("costco.com"), domain("target.com")],
            modules: None,
            force: false,
        })
        .await
        .expect("job")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_ops_metrics_text_counts_the_sessions_enrichments_without_domains() {
    let mock = MockApis::start().await.expect("mock APIs");
    let shell = Shell::on_mock(&mock);
    let before = ops::metrics_text_of(&shell.state).expect("metrics");
    for f in FAMILIES {
        assert!(before.contains(&format!("# TYPE {f} ")), "{f}:\n{before}");
    }
    assert!(!before.contains("enrichment_total{"), "nothing counted yet");

    let report = enrich_two(&shell).await;
    // The engine is rebuilt on the same bus: the counts survive it.
    shell
        .session()
        .set_config("jobs.concurrency", "2")
        .expect("rebuild");
    let text = ops::metrics_text_of(&shell.state).expect("metrics");
    let counted: f64 = text
        .lines()
        .filter(|l| l.starts_with("enrichment_total{"))
        .filter_map(|l| l.rsplit_once(' ')?.1.parse::<f64>().ok())
        .sum();
    assert_eq!(counted, 2.0, "{text}");
    let mut expected: BTreeMap<String, u32> = BTreeMap::new();
    for d in &report.domains {
        for (m, o) in &d.modules {
            let series = format!(
                "module_executions_total{{module_id=\"{m}\",status=\"{}\"}}",
                o.status()
            );
            *expected.entry(series).or_default() += 1;
        }
    }
    assert!(expected.len() >= 10, "{expected:?}");
    for (series, n) in &expected {
        assert!(
            text.contains(&format!("{series} {n}\n")),
            "{series} {n}:\n{text}"
        );
    }
    assert!(
        text.contains("circuit_breaker_state{adapter=\"website\"} 0\n"),
        "{text}"
    );
    assert!(text.contains("rate_limiter_available_tokens{adapter=\"website\"} "));
    assert!(text.contains("api_call_duration_seconds_count{adapter=\"website\","));
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        for secret in ["costco", "target.com", USER, "127.0.0.1"] {
            assert!(!line.contains(secret), "{line}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_metrics_endpoint_serves_prometheus_text_only_when_configured() {
    let mock = MockApis::start().await.expect("mock APIs");

    // Off by default: nothing is started.
    let off = Shell::on_mock(&mock);
    assert!(
        metrics_endpoint::start(off.state.clone())
            .await
            .expect("no error")
            .is_none(),
        "the endpoint must be opt-in"
    );

    // A network address is refused: the endpoint is local only.
    let mut config = mock_config(&mock);
    config.push(("metrics.listen".into(), "0.0.0.0:9464".into()));
    let wide = Shell::new(&config);
    assert_eq!(
        code(metrics_endpoint::start(wide.state.clone()).await),
        "desktop.metrics_listen"
    );

    let mut config = mock_config(&mock);
    config.push(("metrics.listen".into(), "127.0.0.1:0".into()));
    let on = Shell::new(&config);
    let endpoint = metrics_endpoint::start(on.state.clone())
        .await
        .expect("start")
        .expect("configured, so started");
    assert!(endpoint.addr.ip().is_loopback());
    assert_ne!(endpoint.addr.port(), 0, "the real port is reported");
    let _ = enrich_two(&on).await;
    let addr = endpoint.addr;
    let (status, body) = tokio::task::spawn_blocking(move || get_metrics(addr))
        .await
        .expect("GET");
    assert!(status.contains("200"), "{status}");
    for f in FAMILIES {
        assert!(body.contains(&format!("# HELP {f} ")), "{f}:\n{body}");
    }
    assert!(
        body.contains("enrichment_duration_seconds_count{wave=\"0\"} 2"),
        "{body}"
    );
    assert_eq!(
        body,
        ops::metrics_text_of(&on.state).expect("metrics"),
        "the endpoint serves what the Ops page shows"
    );

    // Dropping it stops it.
    drop(endpoint);
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(
        TcpStream::connect(addr).is_err(),
        "the endpoint still listens after it was dropped"
    );
}
