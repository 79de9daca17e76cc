//! Batch enrichment benchmark: `cargo bench -p pf-engine --bench batch`.
//!
//! Enriches 2,687 generated domains (`PF_BENCH_DOMAINS` to change) against the mock APIs with
//! every paid source limited to 10 calls per second and every free one to 20, and prints: the
//! total time against the bound the rate limits set (the busiest source's calls / its rate),
//! the paid calls made against the minimum needed (one per paid endpoint and domain), peak
//! memory, and CPU time per enriched domain. The mock servers run in the same process, so the
//! CPU and memory figures include them.

use pf_core::{Domain, SourceId};
use pf_engine::{Config, Engine, JobRequest, Registry, SourceKind};
use pf_mock_apis::MockApis;
use pf_store::{JobId, KeySource, OpenOptions, Store};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

fn proc_status(field: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = text.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User + system CPU seconds of this process.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn main() {
    let benching = std::env::args().any(|a| a == "--bench");
    let n: usize = std::env::var("PF_BENCH_DOMAINS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if benching { 2687 } else { 20 });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let mock = MockApis::start().await.expect("mock");
        let dir = tempfile::tempdir().expect("tempdir");
        let store =
            Store::open(&OpenOptions::new(dir.path()).key(KeySource::Passphrase("bench".into())))
                .expect("store");
        let mut config = Config::in_memory();
        let mut rates = BTreeMap::new();
        let sources = pf_engine::sources::builtin();
        for s in &sources {
            let d = s.descriptor();
            let rate = if d.kind == SourceKind::Paid {
                10.0
            } else {
                20.0
            };
            rates.insert(d.id.to_string(), (rate, d.kind));
            config
                .set(
                    &format!("sources.{}.base_url", d.id),
                    &mock.url_for(d.id.as_str()),
                )
                .expect("base");
            config
                .set(&format!("sources.{}.rate_per_sec", d.id), &rate.to_string())
                .expect("rate");
        }
        config.set("jobs.concurrency", "32").expect("concurrency");
        config.set("user", "bench@example.com").expect("user");
        config
            .set("budget.monthly_limit_usd", "0")
            .expect("no limit");
        let mut engine = Engine::new(
            Arc::new(Mutex::new(store)),
            &config,
            sources,
            Registry::builtin().expect("registry"),
        )
        .expect("engine");
        for id in ["builtwith", "similarweb"] {
            engine = engine.with_session_key(
                &SourceId::new(id).expect("id"),
                "00000000-0000-4000-8000-000000000000",
            );
        }
        let domains: Vec<Domain> = pf_mock_apis::data::sample_domains(n)
            .iter()
            .filter_map(|d| Domain::parse(d).ok())
            .collect();
        let req = JobRequest {
            job: JobId::new("bench"),
            domains: domains.clone(),
            modules: None,
            force: false,
        };
        let cpu0 = cpu_seconds();
        let t0 = Instant::now();
        let report = engine.enrich(&req).await.expect("job");
        let elapsed = t0.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu0;

        let calls = mock.calls();
        let mut per_source: BTreeMap<String, u64> = BTreeMap::new();
        let (mut paid_made, mut paid_min) = (0_u64, 0_u64);
        for c in &calls {
            *per_source.entry(c.provider.clone()).or_default() += c.count;
            if rates
                .get(&c.provider)
                .is_some_and(|(_, k)| *k == SourceKind::Paid)
            {
                paid_made += c.count;
                paid_min += 1;
            }
        }
        let (busiest, bound) = per_source
            .iter()
            .map(|(s, calls)| {
                (
                    s.clone(),
                    *calls as f64 / rates.get(s).map(|(r, _)| *r).unwrap_or(20.0),
                )
            })
            .fold((String::new(), 0.0), |a, b| if b.1 > a.1 { b } else { a });
        let mut not_done: BTreeMap<String, (usize, String)> = BTreeMap::new();
        for d in &report.domains {
            for (m, o) in &d.modules {
                if let pf_engine::ModuleOutcome::Failed(why)
                | pf_engine::ModuleOutcome::Skipped(why) = o
                {
                    let e = not_done
                        .entry(format!(
                            "{m} {}",
                            if matches!(o, pf_engine::ModuleOutcome::Failed(_)) {
                                "failed"
                            } else {
                                "skipped"
                            }
                        ))
                        .or_insert((0, why.clone()));
                    e.0 += 1;
                }
            }
        }
        for (k, (count, example)) in &not_done {
            println!(
                "{k}: {count} domains, e.g. {}",
                example.chars().take(120).collect::<String>()
            );
        }
        let complete = report
            .domains
            .iter()
            .filter(|d| d.status == pf_engine::JobStatus::Complete)
            .count();
        println!(
            "\npf-engine batch benchmark: {} domains ({} complete, {} partial)",
            domains.len(),
            complete,
            domains.len() - complete
        );
        println!("calls per source: {per_source:?}");
        println!("total time                  {elapsed:>10.1} s");
        println!("bound set by rate limits    {bound:>10.1} s   ({busiest})");
        println!(
            "time / bound                {:>10.3}",
            elapsed / bound.max(1e-9)
        );
        println!("paid calls made             {paid_made:>10}");
        println!("paid calls needed (minimum) {paid_min:>10}");
        println!(
            "peak memory (VmHWM)         {:>10.1} MB",
            proc_status("VmHWM:").unwrap_or(0) as f64 / 1024.0
        );
        println!(
            "CPU time per domain         {:>10.2} ms",
            cpu * 1000.0 / domains.len().max(1) as f64
        );
        println!(
            "spent                       {:>10.2} $",
            report.spent_micros as f64 / 1e6
        );
    });
}
