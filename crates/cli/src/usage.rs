//! `partnerforge usage [--since DATE] [--json]`: spend and calls from the usage log, summed by
//! source, endpoint, day and user (this month by default).

use anyhow::Result;
use pf_store::{Store, UsageRecord};
use serde::Serialize;
use std::collections::BTreeMap;
use time::OffsetDateTime;

use crate::table;

#[derive(Debug, Default, Clone, Serialize)]
struct Sum {
    calls: u64,
    cost_micros: u64,
    errors: u64,
}

impl Sum {
    fn add(&mut self, r: &UsageRecord) {
        self.calls += 1;
        self.cost_micros += r.cost_micros;
        if r.status != pf_store::UsageStatus::Ok {
            self.errors += 1;
        }
    }
}

#[derive(Debug, Serialize)]
struct Report {
    #[serde(with = "time::serde::rfc3339")]
    since: OffsetDateTime,
    total: Sum,
    by_source: BTreeMap<String, Sum>,
    by_endpoint: BTreeMap<String, Sum>,
    by_day: BTreeMap<String, Sum>,
    by_user: BTreeMap<String, Sum>,
}

fn usd(micros: u64) -> String {
    format!("${:.2}", micros as f64 / 1e6)
}

pub fn run(store: &Store, since: Option<OffsetDateTime>, json: bool) -> Result<i32> {
    let now = OffsetDateTime::now_utc();
    let since = since.unwrap_or_else(|| {
        now.replace_day(1)
            .unwrap_or(now)
            .replace_time(time::Time::MIDNIGHT)
    });
    let records = store.usage_since(since)?;
    let mut report = Report {
        since,
        total: Sum::default(),
        by_source: BTreeMap::new(),
        by_endpoint: BTreeMap::new(),
        by_day: BTreeMap::new(),
        by_user: BTreeMap::new(),
    };
    for r in &records {
        report.total.add(r);
        report
            .by_source
            .entry(r.source.to_string())
            .or_default()
            .add(r);
        report
            .by_endpoint
            .entry(format!("{}/{}", r.source, r.endpoint))
            .or_default()
            .add(r);
        report
            .by_day
            .entry(r.at.date().to_string())
            .or_default()
            .add(r);
        report.by_user.entry(r.user.to_string()).or_default().add(r);
    }
    if json {
        out!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(0);
    }
    out!(
        "usage since {}: {} calls, {} spent, {} not ok",
        since.date(),
        report.total.calls,
        usd(report.total.cost_micros),
        report.total.errors
    );
    for (title, map) in [
        ("SOURCE", &report.by_source),
        ("ENDPOINT", &report.by_endpoint),
        ("DAY", &report.by_day),
        ("USER", &report.by_user),
    ] {
        if map.is_empty() {
            continue;
        }
        let rows: Vec<Vec<String>> = map
            .iter()
            .map(|(k, s)| {
                vec![
                    k.clone(),
                    s.calls.to_string(),
                    usd(s.cost_micros),
                    s.errors.to_string(),
                ]
            })
            .collect();
        out!("");
        out!(
            "{}",
            table::render(&[title, "CALLS", "SPENT", "NOT OK"], &rows).trim_end()
        );
    }
    Ok(0)
}
