//! The retention purge: facts of a data class older than the class's limit (counted from when
//! they were last fetched, so a refresh keeps them), history snapshots past their limit, cached
//! source answers and job checkpoints of expired classes, and the usage log. Runs daily on every
//! laptop (the shell's loop asks [`Store::retention_due`]); each run is recorded and audited.

use pf_core::{DataClass, ModuleId, RetentionDays};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};

use crate::{Store, StoreError, audit, ts};

/// What one purge removed, per table (and class).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PurgeReport {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub policy: RetentionDays,
    pub removed: BTreeMap<String, u64>,
}

impl PurgeReport {
    pub fn total(&self) -> u64 {
        self.removed.values().sum()
    }
}

/// The synced policy as the server sends it (`synced_items` kind `retention`).
#[derive(Deserialize)]
#[serde(default)]
struct SyncedPolicy {
    executives_days: u32,
    hiring_signals_days: u32,
    financials_days: u32,
    quotes_days: u32,
    history_days: u32,
    usage_days: u32,
}

impl Default for SyncedPolicy {
    fn default() -> Self {
        let d = RetentionDays::default();
        Self {
            executives_days: d.executives,
            hiring_signals_days: d.hiring_signals,
            financials_days: d.financials,
            quotes_days: d.quotes,
            history_days: d.history,
            usage_days: d.usage,
        }
    }
}

const PURGED_CLASSES: [DataClass; 4] = [
    DataClass::Executives,
    DataClass::HiringSignals,
    DataClass::Financials,
    DataClass::Quotes,
];

fn modules_of(class: DataClass) -> Vec<String> {
    (1..=ModuleId::BUILTIN_COUNT)
        .filter_map(|n| format!("M{n:02}").parse::<ModuleId>().ok())
        .filter(|m| DataClass::of_module(*m) == class)
        .map(|m| m.to_string())
        .collect()
}

fn cutoff(now: OffsetDateTime, days: u32) -> Option<String> {
    (days > 0).then(|| ts::format(now - Duration::days(i64::from(days))))
}

impl Store {
    /// The policy in force: the one synced from the server, else the defaults (executives 365
    /// days unless refreshed, hiring signals 90, financials 365).
    pub fn retention_policy(&self) -> Result<RetentionDays, StoreError> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT data FROM synced_items WHERE kind = 'retention' AND key = 'policy'",
                [],
                |r| r.get(0),
            )
            .ok();
        let p: SyncedPolicy = match text {
            Some(t) => serde_json::from_str(&t)?,
            None => SyncedPolicy::default(),
        };
        Ok(RetentionDays {
            executives: p.executives_days,
            hiring_signals: p.hiring_signals_days,
            financials: p.financials_days,
            quotes: p.quotes_days,
            history: p.history_days,
            usage: p.usage_days,
        })
    }

    /// Purges by the policy in force ([`Store::retention_policy`]).
    pub fn purge_by_policy(&self, now: OffsetDateTime) -> Result<PurgeReport, StoreError> {
        let policy = self.retention_policy()?;
        self.purge_retention(&policy, now)
    }

    /// Whether a day has passed since the last purge.
    pub fn retention_due(&self, now: OffsetDateTime) -> Result<bool, StoreError> {
        let last: Option<String> =
            self.conn
                .query_row("SELECT max(at) FROM retention_runs", [], |r| r.get(0))?;
        Ok(match last {
            Some(t) => ts::parse(&t)? <= now - Duration::hours(24),
            None => true,
        })
    }

    /// Removes what the policy says is too old, in one transaction, then checkpoints.
    pub fn purge_retention(
        &self,
        policy: &RetentionDays,
        now: OffsetDateTime,
    ) -> Result<PurgeReport, StoreError> {
        let removed = self.write(|c| {
            let mut removed = BTreeMap::new();
            let mut add = |k: String, n: usize| {
                if n > 0 {
                    *removed.entry(k).or_insert(0_u64) += n as u64;
                }
            };
            for class in PURGED_CLASSES {
                let Some(cut) = policy.for_class(class).and_then(|d| cutoff(now, d)) else {
                    continue;
                };
                let n = c.execute(
                    "DELETE FROM intelligence WHERE data_class = ?1 AND fetched_at < ?2",
                    params![class.as_str(), cut],
                )?;
                add(format!("intelligence.{class}"), n);
                let n = c.execute(
                    "DELETE FROM history WHERE data_class = ?1 AND recorded_at < ?2",
                    params![class.as_str(), cut],
                )?;
                add(format!("history.{class}"), n);
                for m in modules_of(class) {
                    let n = c.execute(
                        "DELETE FROM job_checkpoints WHERE module = ?1 AND updated_at < ?2",
                        params![m, cut],
                    )?;
                    add(format!("job_checkpoints.{class}"), n);
                }
            }
            if let Some(cut) = cutoff(now, policy.history) {
                let n = c.execute("DELETE FROM history WHERE recorded_at < ?1", [&cut])?;
                add("history.all".into(), n);
            }
            if let Some(cut) = cutoff(now, policy.usage) {
                let n = c.execute("DELETE FROM usage_log WHERE at < ?1", [&cut])?;
                add("usage_log".into(), n);
            }
            let n = purge_source_facts(c, policy, now)?;
            add("source_facts.facts".into(), n);
            let at = ts::format(now);
            c.execute(
                "INSERT INTO retention_runs (at, policy, removed) VALUES (?1, ?2, ?3)",
                params![
                    at,
                    serde_json::to_string(policy)?,
                    serde_json::to_string(&removed)?
                ],
            )?;
            audit::append(
                c,
                now,
                None,
                "retention.purge",
                "laptop",
                &serde_json::json!({ "removed": removed, "policy": policy }),
            )?;
            Ok(removed)
        })?;
        self.scrub_storage()?;
        Ok(PurgeReport {
            at: now,
            policy: *policy,
            removed,
        })
    }
}

/// Drops the expired facts from cached source answers (one answer can mix classes: Yahoo gives
/// officers and financials together); an answer left with no fact goes.
fn purge_source_facts(
    c: &rusqlite::Connection,
    policy: &RetentionDays,
    now: OffsetDateTime,
) -> Result<usize, StoreError> {
    let shortest = PURGED_CLASSES
        .iter()
        .filter_map(|k| policy.for_class(*k))
        .filter(|d| *d > 0)
        .min();
    let Some(cut) = shortest.and_then(|d| cutoff(now, d)) else {
        return Ok(0);
    };
    let mut stmt = c.prepare(
        "SELECT account_id, source, facts, fetched_at FROM source_facts WHERE fetched_at < ?1",
    )?;
    let rows = stmt
        .query_map([&cut], crate::row::texts::<4>)?
        .collect::<Result<Vec<_>, _>>()?;
    let mut removed = 0;
    for [account, source, facts, fetched_at] in rows {
        let mut facts: Vec<serde_json::Value> = serde_json::from_str(&facts)?;
        let before = facts.len();
        facts.retain(|f| {
            let key = f.get("field").and_then(|v| v.as_str()).unwrap_or("");
            match policy
                .for_class(DataClass::of_fact_key(key))
                .and_then(|d| cutoff(now, d))
            {
                Some(cls_cut) => fetched_at >= cls_cut,
                None => true,
            }
        });
        removed += before - facts.len();
        if facts.is_empty() {
            c.execute(
                "DELETE FROM source_facts WHERE account_id = ?1 AND source = ?2",
                params![account, source],
            )?;
        } else if facts.len() < before {
            c.execute(
                "UPDATE source_facts SET facts = ?3 WHERE account_id = ?1 AND source = ?2",
                params![account, source, serde_json::to_string(&facts)?],
            )?;
        }
    }
    Ok(removed)
}
