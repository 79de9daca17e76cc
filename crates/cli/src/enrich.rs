//! `partnerforge enrich DOMAIN... | --all [--modules M02,M06] [--force] [--resume] [--json]`:
//! runs an enrichment job with a progress bar on a terminal (done/total, rate, spend, ETA) and a
//! summary at the end. A job interrupted (process killed) resumes with `--resume`, or by
//! enriching again: what it held is reused and no paid call is repeated.

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pf_core::{Domain, ModuleId};
use pf_engine::{Engine, EngineEvent, JobRequest, JobStatus, ModuleOutcome};
use pf_store::JobId;
use std::io::IsTerminal;

/// What the user asked for.
pub struct EnrichArgs {
    pub domains: Vec<String>,
    pub all: bool,
    pub modules: Option<String>,
    pub force: bool,
    pub resume: bool,
    pub json: bool,
}

fn parse_modules(list: &str) -> Result<Vec<ModuleId>> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|m| m.parse::<ModuleId>().map_err(|e| anyhow::anyhow!("{e}")))
        .collect()
}

fn request(engine: &Engine, args: &EnrichArgs) -> Result<JobRequest> {
    let store = engine
        .store()
        .lock()
        .map_err(|_| anyhow::anyhow!("store lock poisoned"))?;
    if args.resume {
        let job = store
            .unfinished_job()?
            .context("no interrupted job to resume")?;
        let domains: Vec<Domain> = job.request["domains"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|d| d.as_str().and_then(|d| Domain::parse(d).ok()))
            .collect();
        let modules = job.request["modules"]
            .as_str()
            .map(parse_modules)
            .transpose()?;
        let force = job.request["force"].as_bool().unwrap_or(false);
        return Ok(JobRequest {
            job: job.id,
            domains,
            modules,
            force,
        });
    }
    let mut domains = Vec::new();
    if args.all {
        domains.extend(store.list_accounts()?.into_iter().map(|a| a.domain));
    }
    for raw in &args.domains {
        domains
            .push(Domain::parse(raw).with_context(|| format!("`{raw}` is not a company domain"))?);
    }
    domains.sort();
    domains.dedup();
    if domains.is_empty() {
        anyhow::bail!("nothing to enrich: give domains, --all, or --resume");
    }
    let modules = args.modules.as_deref().map(parse_modules).transpose()?;
    let job = JobId::new(pf_core::AccountId::new().to_string());
    let record = serde_json::json!({
        "domains": domains.iter().map(Domain::as_str).collect::<Vec<_>>(),
        "modules": args.modules,
        "force": args.force,
    });
    store.start_job(&job, &record)?;
    Ok(JobRequest {
        job,
        domains,
        modules,
        force: args.force,
    })
}

fn progress_bar(total: u64) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let style =
        ProgressStyle::with_template("{bar:30} {pos}/{len} domains  {per_sec}  {msg}  ETA {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

pub async fn run(engine: &Engine, args: &EnrichArgs) -> Result<i32> {
    let req = request(engine, args)?;
    let show = std::io::stderr().is_terminal() && !args.json;
    let bar = show.then(|| progress_bar(req.domains.len() as u64));
    let mut events = engine.events().subscribe();
    let watcher_bar = bar.clone();
    let watcher = tokio::spawn(async move {
        let mut spent = 0_u64;
        while let Ok(ev) = events.recv().await {
            match ev {
                EngineEvent::CallMade { cost_micros, .. } => spent += cost_micros,
                EngineEvent::DomainCompleted { .. } => {
                    if let Some(b) = &watcher_bar {
                        b.inc(1);
                    }
                }
                EngineEvent::BudgetThreshold {
                    spent_micros,
                    limit_micros,
                    ..
                } => {
                    eprintln!(
                        "budget: ${:.2} of ${:.2} spent this month",
                        spent_micros as f64 / 1e6,
                        limit_micros as f64 / 1e6
                    );
                }
                EngineEvent::CircuitOpened { source, reason } => {
                    eprintln!("{source}: circuit opened ({reason})")
                }
                EngineEvent::EnrichmentCompleted { .. } => break,
                _ => {}
            }
            if let Some(b) = &watcher_bar {
                b.set_message(format!("${:.2} spent", spent as f64 / 1e6));
            }
        }
    });
    let report = engine.enrich(&req).await;
    let _ = watcher.await;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let report = report?;
    {
        let store = engine
            .store()
            .lock()
            .map_err(|_| anyhow::anyhow!("store lock poisoned"))?;
        let status = match report.status {
            JobStatus::Complete => "complete",
            JobStatus::Partial => "partial",
            JobStatus::Failed => "failed",
        };
        store.finish_job(&req.job, status)?;
    }
    if args.json {
        out!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(0);
    }
    for d in &report.domains {
        let count = |f: fn(&ModuleOutcome) -> bool| d.modules.values().filter(|o| f(o)).count();
        out!(
            "{}: {:?}: {} done, {} fresh, {} resumed, {} skipped, {} failed",
            d.domain,
            d.status,
            count(|o| matches!(o, ModuleOutcome::Done { .. })),
            count(|o| matches!(o, ModuleOutcome::Fresh)),
            count(|o| matches!(o, ModuleOutcome::Resumed)),
            count(|o| matches!(o, ModuleOutcome::Skipped(_))),
            count(|o| matches!(o, ModuleOutcome::Failed(_))),
        );
        for (m, o) in &d.modules {
            match o {
                ModuleOutcome::Failed(why) => out!("  {m} {} failed: {why}", m.title()),
                ModuleOutcome::Skipped(why) if why.starts_with("budget") => {
                    out!("  {m} {} skipped: {why}", m.title())
                }
                ModuleOutcome::Done { changed: Some(c) } => {
                    let short: String = c.chars().take(160).collect();
                    let more = if c.chars().count() > 160 { "…" } else { "" };
                    out!("  {m} {} changed: {short}{more}", m.title());
                }
                _ => {}
            }
        }
    }
    let (spent, limit) = engine.budget();
    out!(
        "job {}: {:?}, {} domains, ${:.2} spent (${:.2} of ${:.2} this month)",
        report.job,
        report.status,
        report.domains.len(),
        report.spent_micros as f64 / 1e6,
        spent as f64 / 1e6,
        limit as f64 / 1e6
    );
    Ok(0)
}
