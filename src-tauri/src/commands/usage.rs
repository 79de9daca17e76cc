//! Spend this month: by source, by day (every day so far) and by user, with the budget.

use std::collections::BTreeMap;

use pf_store::UsageRecord;
use serde::Serialize;
use time::{Date, OffsetDateTime, Time};

use super::Shared;
use crate::CommandError;
use crate::session::Session;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UsageView {
    pub month: String,
    pub spent_micros: u64,
    pub calls: u64,
    pub budget_micros: Option<u64>,
    pub threshold: f64,
    pub by_source: Vec<UsageBucket>,
    pub by_day: Vec<UsageBucket>,
    pub by_user: Vec<UsageBucket>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsageBucket {
    pub key: String,
    pub micros: u64,
    pub calls: u64,
}

fn add(map: &mut BTreeMap<String, (u64, u64)>, key: String, micros: u64) {
    let e = map.entry(key).or_default();
    e.0 += micros;
    e.1 += 1;
}

fn buckets(map: BTreeMap<String, (u64, u64)>) -> Vec<UsageBucket> {
    map.into_iter()
        .map(|(key, (micros, calls))| UsageBucket { key, micros, calls })
        .collect()
}

/// Groups this month's calls. `today` bounds the zero-filled day list.
pub fn summarise(
    records: &[UsageRecord],
    first: Date,
    today: Date,
) -> (Vec<UsageBucket>, Vec<UsageBucket>, Vec<UsageBucket>) {
    let (mut by_source, mut by_user, mut by_day) =
        (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let mut day = first;
    while day <= today {
        by_day.insert(day.to_string(), (0, 0));
        match day.next_day() {
            Some(next) => day = next,
            None => break,
        }
    }
    for r in records {
        add(&mut by_source, r.source.as_str().to_owned(), r.cost_micros);
        add(&mut by_user, r.user.as_str().to_owned(), r.cost_micros);
        add(&mut by_day, r.at.date().to_string(), r.cost_micros);
    }
    let mut sources = buckets(by_source);
    sources.sort_by(|a, b| b.micros.cmp(&a.micros).then(a.key.cmp(&b.key)));
    let mut users = buckets(by_user);
    users.sort_by(|a, b| b.micros.cmp(&a.micros).then(a.key.cmp(&b.key)));
    (sources, buckets(by_day), users)
}

/// The usage page's numbers now.
pub fn view(session: &Session, now: OffsetDateTime) -> Result<UsageView, CommandError> {
    let first = now.date().replace_day(1).unwrap_or(now.date());
    let since = first.with_time(Time::MIDNIGHT).assume_utc();
    let records = session.with_store(|s| s.usage_since(since))?;
    let (by_source, by_day, by_user) = summarise(&records, first, now.date());
    let config = session.config();
    let limit_usd: f64 = config.get_parsed("budget.monthly_limit_usd", 0.0)?;
    let threshold: f64 = config.get_parsed("budget.alert_threshold", 0.8)?;
    Ok(UsageView {
        month: format!("{}-{:02}", first.year(), u8::from(first.month())),
        spent_micros: records.iter().map(|r| r.cost_micros).sum(),
        calls: records.len() as u64,
        budget_micros: (limit_usd > 0.0).then(|| (limit_usd * 1e6).round() as u64),
        threshold,
        by_source,
        by_day,
        by_user,
    })
}

#[tauri::command]
pub async fn usage_summary(state: Shared<'_>) -> Result<UsageView, CommandError> {
    view(state.session()?.as_ref(), OffsetDateTime::now_utc())
}
