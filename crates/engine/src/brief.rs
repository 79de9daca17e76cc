//! The pre-call brief: one structure with every section's facts, their sources, ages and
//! conflicts, the score and its explanation, what changed since a date, talking points and the
//! next best action. [`build`] assembles it from the store (it works when only some modules
//! ran and says which have not); [`Brief::to_markdown`] and [`Brief::to_pdf`] render it for a
//! person, and serde renders it as JSON.
//!
//! # JSON form (stable)
//!
//! ```text
//! {
//!   "account": {"name", "domain", "industry"?, "country"?, "owner"?, "tags": [..]},
//!   "generated_at": RFC 3339, "since": RFC 3339 | null,
//!   "headline": "Acme (acme.com): displace Elasticsearch with Algolia",
//!   "score": 0..=100 | null, "priority": "hot"|"warm"|"cool"|"cold" | null,
//!   "score_parts": [{"name", "weight", "points", "max", "facts": [..], "reason"}],
//!   "sections": [{"module": "M01", "title", "enriched": bool, "stale": bool, "note"?: text,
//!                 "facts": [{"label", "value", "source", "fetched_at": RFC 3339,
//!                            "age_days": int, "conflict"?: text}],
//!                 "series": [{"label": "2026-09", "value": number}]}],
//!                 (series: M03's monthly visits, oldest first; [] for other modules)
//!   "missing": [{"module": "M08", "title"}],
//!   "conflicts": [{"module", "field", "text", "confidence"}],
//!   "changes": [{"module", "title", "recorded_at": RFC 3339, "summary", "sources": [..]}],
//!   "field_changes": [{"module": "M02", "title", "field": "search_provider",
//!                      "label": "Search provider", "old": text | null, "new": text | null,
//!                      "source": "website, builtwith", "recorded_at": RFC 3339}],
//!                 (fields whose value differs from the one at `since`; [] without `since`;
//!                  old null = not known then, new null = gone; by module, then field)
//!   "talking_points": [{"text", "facts": [..]}],
//!   "next_best_action": {"text", "facts": [..]} | null
//! }
//! ```
//! Fields are only ever added; a missing optional field means "not known".

mod cite;
mod markdown;
mod pdf;
mod scored;
mod sections;
mod timeline;

pub use cite::{
    Cited, age_days, all_ids as source_ids, clip, compact, conflict_text, count, parse_day, pct,
    usd,
};
pub use pdf::PageSize;
pub use sections::NOT_ENRICHED;
pub(crate) use sections::{Entry, Results};
pub use timeline::{FieldChange, SeriesPoint};

use pf_core::{Account, Domain, ModuleId};
use pf_store::{Snapshot, StoredIntelligence};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use crate::EngineError;
use crate::score::ScorePart;

/// Who the brief is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BriefAccount {
    pub name: String,
    pub domain: Domain,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// One fact line: what, which source says so, and how old it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BriefFact {
    pub label: String,
    /// The value as display text.
    pub value: String,
    /// The source ids behind the value, comma-separated.
    pub source: String,
    #[serde(with = "time::serde::rfc3339")]
    pub fetched_at: OffsetDateTime,
    /// Whole days between `fetched_at` and the brief's `generated_at` (absent in M14's stored form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_days: Option<i64>,
    /// What the sources disagreed on: `builtwith says Elasticsearch, website says Algolia (confidence 0.53)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<String>,
}

/// One module's part of the brief.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BriefSection {
    pub module: ModuleId,
    pub title: String,
    /// Names people (executives, quoted speakers, job-post contacts): marked as personal data
    /// wherever the brief is shown or exported.
    #[serde(default)]
    pub personal: bool,
    /// Whether the module has a result.
    pub enriched: bool,
    /// Whether the result is past its freshness limit.
    pub stale: bool,
    /// `not enriched yet`, or `nothing to report` for a result without facts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub facts: Vec<BriefFact>,
    /// Numbers to chart: the traffic module's monthly visits, oldest first; empty otherwise.
    #[serde(default)]
    pub series: Vec<SeriesPoint>,
}

/// A module with no result yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissingModule {
    pub module: ModuleId,
    pub title: String,
}

/// A field on which sources disagreed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BriefConflict {
    pub module: ModuleId,
    pub field: String,
    pub text: String,
    pub confidence: f64,
}

/// A recorded change to the account's intelligence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BriefChange {
    pub module: ModuleId,
    pub title: String,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
    pub summary: String,
    pub sources: Vec<String>,
}

/// Something to say on the call (or do next), with the facts it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TalkingPoint {
    pub text: String,
    /// Each fact with its source: `'Head of Search' posted 2026-11-20 (job_boards)`.
    pub facts: Vec<String>,
}

/// The pre-call brief. See the module documentation for its JSON form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Brief {
    pub account: BriefAccount,
    #[serde(with = "time::serde::rfc3339")]
    pub generated_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub since: Option<OffsetDateTime>,
    pub headline: String,
    pub score: Option<u32>,
    pub priority: Option<String>,
    pub score_parts: Vec<ScorePart>,
    pub sections: Vec<BriefSection>,
    pub missing: Vec<MissingModule>,
    pub conflicts: Vec<BriefConflict>,
    pub changes: Vec<BriefChange>,
    /// Field by field, what differs from the values at `since` (empty without `since`).
    #[serde(default)]
    pub field_changes: Vec<FieldChange>,
    pub talking_points: Vec<TalkingPoint>,
    pub next_best_action: Option<TalkingPoint>,
}

impl Brief {
    /// Whether any section names people (the export is then marked as personal data).
    pub fn has_personal_data(&self) -> bool {
        self.sections.iter().any(|s| s.personal)
    }
}

/// Builds the brief for `domain` from the store: every stored module result, the changes
/// recorded at or after `since` (all of them without one), and field by field what differs
/// from the data as it stood at `since`.
pub fn build(
    store: &pf_store::Store,
    domain: &Domain,
    since: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Result<Brief, EngineError> {
    let account = store.require_account(domain)?;
    let stored = store.intelligence_for(account.id)?;
    let history = store.history(account.id, since)?;
    let baseline = match since {
        Some(at) => store.snapshots_at(account.id, at)?,
        None => Vec::new(),
    };
    Ok(Brief::from_store_parts(
        &account, &stored, &history, &baseline, since, now,
    ))
}

impl Brief {
    /// The brief from what [`build`] reads, for callers that already hold it: `history` is the
    /// account's snapshots at or after `since`, `baseline` each module's latest snapshot at or
    /// before it ([`pf_store::Store::snapshots_at`]).
    pub fn from_store_parts(
        account: &Account,
        stored: &[StoredIntelligence],
        history: &[Snapshot],
        baseline: &[Snapshot],
        since: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> Brief {
        let results: Results<'_> = stored
            .iter()
            .map(|s| {
                (
                    s.module,
                    Entry {
                        intel: &s.intelligence,
                        fetched_at: s.fetched_at,
                        stale: s.is_stale(now),
                    },
                )
            })
            .collect();
        let who = BriefAccount {
            name: account.name.clone(),
            domain: account.domain.clone(),
            industry: account.industry.clone(),
            country: account.country.clone(),
            owner: account.owner.as_ref().map(ToString::to_string),
            tags: account.tags.clone(),
        };
        let mut brief = Brief::assemble(who, &results, history, since, now);
        brief.field_changes = timeline::field_changes(&results, baseline, history, since);
        brief
    }

    /// The brief from module results (the store's, or a job's for M14).
    pub(crate) fn assemble(
        mut account: BriefAccount,
        results: &Results<'_>,
        history: &[Snapshot],
        since: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> Brief {
        let data = |m: ModuleId| results.get(&m).map(|e| e.intel.data());
        if let Some(profile) = data(ModuleId::COMPANY_PROFILE) {
            let s = |k: &str| profile.get(k).and_then(Value::as_str).map(str::to_owned);
            account.industry = account.industry.or_else(|| s("profile_industry"));
            account.country = account.country.or_else(|| s("profile_country"));
        }
        let hot = data(ModuleId::HOT_LEAD);
        let score = hot
            .and_then(|h| h.get("score"))
            .and_then(Value::as_u64)
            .and_then(|s| u32::try_from(s).ok());
        let priority = hot
            .and_then(|h| h.get("priority"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let score_parts = hot
            .and_then(|h| h.get("parts"))
            .and_then(|p| serde_json::from_value(p.clone()).ok())
            .unwrap_or_default();
        let sections = sections::sections(results, now);
        let missing = sections
            .iter()
            .filter(|s| !s.enriched)
            .map(|s| MissingModule {
                module: s.module,
                title: s.title.clone(),
            })
            .collect();
        let talk = data(ModuleId::TALKING_POINTS);
        let read = |k: &str| talk.and_then(|t| t.get(k)).cloned();
        let opportunity = data(ModuleId::SEARCH_PROVIDER)
            .and_then(|d| d.get("opportunity"))
            .and_then(Value::as_str);
        let headline = match opportunity {
            Some(o) => format!("{} ({}): {o}", account.name, account.domain),
            None => format!("{} ({})", account.name, account.domain),
        };
        Brief {
            headline,
            generated_at: now,
            since,
            score,
            priority,
            score_parts,
            missing,
            conflicts: conflicts(results),
            changes: changes(history),
            field_changes: Vec::new(),
            talking_points: read("talking_points")
                .and_then(|v| serde_json::from_value(v).ok())
                .unwrap_or_default(),
            next_best_action: read("next_best_action").and_then(|v| serde_json::from_value(v).ok()),
            sections,
            account,
        }
    }

    /// Pretty JSON (the form documented on this module).
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(self)
    }
}

/// Every field on which sources disagreed, from the modules' `conflicts`.
fn conflicts(results: &Results<'_>) -> Vec<BriefConflict> {
    let mut out = Vec::new();
    for (module, e) in results {
        let Some(map) = e.intel.data().get("conflicts").and_then(Value::as_object) else {
            continue;
        };
        for (field, c) in map {
            if let Some(text) = conflict_text(c) {
                let confidence = c.get("confidence").and_then(Value::as_f64).unwrap_or(0.0);
                out.push(BriefConflict {
                    module: *module,
                    field: field.clone(),
                    text,
                    confidence,
                });
            }
        }
    }
    out
}

/// What a score module's change says that matters: its totals and priority.
const SCORE_KEYS: [&str; 4] = ["score", "priority", "fit_score", "intent_score"];

/// The recorded changes, oldest first. The brief's own (M14) and its talking points' (M15) are
/// left out, as they restate the changes of the modules they are made from; the score modules'
/// (M11-M13) keep only their totals and priority (`priority: warm -> hot; score: 63 -> 78`).
fn changes(history: &[Snapshot]) -> Vec<BriefChange> {
    history
        .iter()
        .filter(|s| s.module != ModuleId::BRIEF && s.module != ModuleId::TALKING_POINTS)
        .filter_map(|s| {
            let scored =
                [ModuleId::ICP_FIT, ModuleId::INTENT, ModuleId::HOT_LEAD].contains(&s.module);
            let summary = if scored {
                let kept: Vec<&str> = s
                    .summary
                    .split("; ")
                    .filter(|part| {
                        part.split_once(": ")
                            .is_some_and(|(k, _)| SCORE_KEYS.contains(&k))
                    })
                    .collect();
                if kept.is_empty() {
                    return None;
                }
                kept.join("; ")
            } else {
                s.summary.clone()
            };
            Some(BriefChange {
                module: s.module,
                title: s.module.title().to_owned(),
                recorded_at: s.recorded_at,
                summary,
                sources: cite::all_ids(&s.sources),
            })
        })
        .collect()
}
