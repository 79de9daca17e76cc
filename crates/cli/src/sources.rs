//! `partnerforge sources [--json]`: each source, whether it has a key, its health, breaker state
//! and spend this month.

use anyhow::Result;
use pf_engine::{Engine, Health};

use crate::table;

pub async fn run(engine: &Engine, json: bool) -> Result<i32> {
    let status = engine.source_status().await?;
    if json {
        out!("{}", serde_json::to_string_pretty(&status)?);
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = status
        .iter()
        .map(|s| {
            let key = match (s.needs_key, s.has_key) {
                (false, _) => "not needed".to_owned(),
                (true, true) => "set".to_owned(),
                (true, false) => "missing".to_owned(),
            };
            let health = match &s.health {
                Health::Ok => "ok".to_owned(),
                Health::NoKey => "no key".to_owned(),
                Health::Degraded(d) => format!("degraded: {d}"),
                Health::Down(d) => format!("down: {d}"),
            };
            let breaker = serde_json::to_value(&s.breaker)
                .ok()
                .and_then(|v| v["state"].as_str().map(str::to_owned))
                .unwrap_or_default();
            vec![
                s.id.to_string(),
                format!("{:?}", s.kind).to_lowercase(),
                key,
                health,
                breaker,
                format!("${:.2}", s.spent_this_month_micros as f64 / 1e6),
                s.calls_this_month.to_string(),
            ]
        })
        .collect();
    out!(
        "{}",
        table::render(
            &[
                "SOURCE",
                "KIND",
                "KEY",
                "HEALTH",
                "BREAKER",
                "SPENT THIS MONTH",
                "CALLS"
            ],
            &rows
        )
        .trim_end()
    );
    Ok(0)
}
