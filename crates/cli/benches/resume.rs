//! Kill-and-resume benchmark: `cargo bench -p pf-cli --bench resume`.
//!
//! Imports 300 generated domains (`PF_BENCH_DOMAINS`), starts `partnerforge --demo enrich --all`,
//! kills the process (SIGKILL) at a random moment 20 times (`PF_BENCH_KILLS`), resuming with
//! `enrich --resume` each time, then lets the last resume finish. Prints how many paid calls
//! were repeated (same source, endpoint and domain charged twice, from the usage log) and how
//! many results were lost (domains without their stored modules at the end). Goals: 0 and 0.

use pf_core::ModuleId;
use pf_store::{KeySource, OpenOptions, Store};
use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PASS: &str = "resume-bench";

fn cli(dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_partnerforge"));
    c.arg("--data-dir")
        .arg(dir)
        .arg("--demo")
        .env("PARTNERFORGE_PASSPHRASE", PASS)
        .stdin(Stdio::null());
    c
}

/// A small deterministic random number generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn main() {
    let benching = std::env::args().any(|a| a == "--bench");
    let env = |k: &str, d: usize| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let n = env("PF_BENCH_DOMAINS", if benching { 300 } else { 10 });
    let kills = env("PF_BENCH_KILLS", if benching { 20 } else { 2 });
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("targets.csv");
    let mut f = std::fs::File::create(&csv).expect("csv");
    writeln!(f, "domain").expect("write");
    for d in pf_mock_apis::data::sample_domains(n) {
        writeln!(f, "{d}").expect("write");
    }
    drop(f);
    let ok = |c: &mut Command| {
        c.stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run")
            .success()
    };
    assert!(ok(
        cli(dir.path()).args(["import", csv.to_str().expect("path")])
    ));
    for (k, v) in [
        ("jobs.concurrency", "16"),
        ("user", "bench@example.com"),
        ("budget.monthly_limit_usd", "0"),
    ] {
        assert!(ok(cli(dir.path()).args(["config", "set", k, v])));
    }
    for s in ["builtwith", "similarweb"] {
        assert!(ok(cli(dir.path()).args([
            "config",
            "set",
            &format!("sources.{s}.rate_per_sec"),
            "40"
        ])));
    }
    let mut rng = Rng(0x5eed_1234_9876_abcd);
    let started = Instant::now();
    let mut killed = 0;
    for round in 0..kills {
        let args: &[&str] = if round == 0 {
            &["enrich", "--all"]
        } else {
            &["enrich", "--resume"]
        };
        let mut child = cli(dir.path())
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(300 + rng.next() % 1500));
        if child.try_wait().expect("wait").is_none() {
            child.kill().expect("kill");
            killed += 1;
        }
        let _ = child.wait();
    }
    let last = cli(dir.path())
        .args(["enrich", "--resume"])
        .output()
        .expect("final resume");
    if !last.status.success() {
        eprintln!("final resume: {}", String::from_utf8_lossy(&last.stderr));
    }
    let elapsed = started.elapsed();

    let store = Store::open(
        &OpenOptions::new(dir.path().join("demo")).key(KeySource::Passphrase(PASS.into())),
    )
    .expect("store");
    let mut charged: BTreeMap<(String, String, String), u32> = BTreeMap::new();
    for u in store
        .usage_since(time::OffsetDateTime::now_utc() - time::Duration::days(1))
        .expect("usage")
    {
        if u.cost_micros > 0 {
            let key = (
                u.source.to_string(),
                u.endpoint.clone(),
                u.domain.map(|d| d.to_string()).unwrap_or_default(),
            );
            *charged.entry(key).or_default() += 1;
        }
    }
    let repeated: u32 = charged.values().map(|c| c.saturating_sub(1)).sum();
    let needed = [
        ModuleId::TECH_STACK,
        ModuleId::TRAFFIC,
        ModuleId::SEARCH_PROVIDER,
        ModuleId::ICP_FIT,
        ModuleId::HOT_LEAD,
        ModuleId::BRIEF,
    ];
    let accounts = store.list_accounts().expect("accounts");
    let lost = accounts
        .iter()
        .filter(|a| {
            needed
                .iter()
                .any(|m| store.module_intelligence(a.id, *m).ok().flatten().is_none())
        })
        .count();
    println!(
        "\npf-cli kill/resume benchmark: {} domains, {killed} kills (SIGKILL at random moments), {:.1} s",
        accounts.len(),
        elapsed.as_secs_f64()
    );
    println!(
        "paid calls charged          {:>8}",
        charged.values().sum::<u32>()
    );
    println!("paid calls repeated         {repeated:>8}   (goal 0)");
    println!(
        "results lost                {lost:>8}   (goal 0: domains missing M02/M03/M06/M11/M13/M14)"
    );
}
