//! The pre-call brief as the shell sends it (`get_brief`): a mirror of `pf_engine::Brief`'s
//! stable JSON form plus the shell's [`BriefView`] wrapper (which comparison date was used, the
//! logged calls). Fields the engine may add later default to empty.

use serde::Deserialize;

use super::CallEntry;

/// `get_brief`'s answer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BriefView {
    pub brief: Brief,
    /// What "since" is: `call` (the last logged call), `opened` (the last time this brief was
    /// opened), `picked` (a date the AE chose) or `none` (first look: everything).
    pub since_basis: String,
    /// Logged calls, newest first.
    pub calls: Vec<CallEntry>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Brief {
    pub account: BriefAccount,
    pub generated_at: String,
    #[serde(default)]
    pub since: Option<String>,
    /// `Acme (acme.com): displace Elasticsearch with Algolia`: the "why now" line.
    pub headline: String,
    #[serde(default)]
    pub score: Option<u32>,
    #[serde(default)]
    pub priority: Option<String>,
    #[serde(default)]
    pub score_parts: Vec<ScorePart>,
    pub sections: Vec<BriefSection>,
    #[serde(default)]
    pub missing: Vec<MissingModule>,
    #[serde(default)]
    pub conflicts: Vec<BriefConflict>,
    /// Module-level change summaries since `since`.
    #[serde(default)]
    pub changes: Vec<BriefChange>,
    /// Field by field: old value, new value and source, since `since`.
    #[serde(default)]
    pub field_changes: Vec<FieldChange>,
    #[serde(default)]
    pub talking_points: Vec<TalkingPoint>,
    #[serde(default)]
    pub next_best_action: Option<TalkingPoint>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BriefAccount {
    pub name: String,
    pub domain: String,
    #[serde(default)]
    pub industry: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ScorePart {
    pub name: String,
    pub weight: f64,
    pub points: f64,
    pub max: f64,
    #[serde(default)]
    pub facts: Vec<String>,
    pub reason: String,
}

/// One module's card. `module` is `M01`..`M15`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BriefSection {
    pub module: String,
    pub title: String,
    /// Names people: shown with a "Personal data" mark.
    #[serde(default)]
    pub personal: bool,
    pub enriched: bool,
    pub stale: bool,
    #[serde(default)]
    pub note: Option<String>,
    pub facts: Vec<BriefFact>,
    /// A numeric series for a chart (traffic: monthly visits, oldest first); empty if none.
    #[serde(default)]
    pub series: Vec<SeriesPoint>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SeriesPoint {
    /// e.g. `2026-09`.
    pub label: String,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BriefFact {
    pub label: String,
    pub value: String,
    /// Source ids, comma-separated (`builtwith,website`).
    pub source: String,
    pub fetched_at: String,
    #[serde(default)]
    pub age_days: Option<i64>,
    /// `builtwith says Elasticsearch, website says Algolia (confidence 0.53)`.
    #[serde(default)]
    pub conflict: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MissingModule {
    pub module: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BriefConflict {
    pub module: String,
    pub field: String,
    pub text: String,
    pub confidence: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BriefChange {
    pub module: String,
    pub title: String,
    pub recorded_at: String,
    pub summary: String,
    #[serde(default)]
    pub sources: Vec<String>,
}

/// One field that changed since the comparison date.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FieldChange {
    pub module: String,
    /// The module's title, e.g. `Search provider`.
    pub title: String,
    /// Machine field name, e.g. `provider`.
    pub field: String,
    /// Human label, e.g. `Search provider`.
    pub label: String,
    /// Absent: the field is new.
    #[serde(default)]
    pub old: Option<String>,
    /// Absent: the field is gone.
    #[serde(default)]
    pub new: Option<String>,
    /// Source ids of the new value (or of the old one if gone), comma-separated.
    pub source: String,
    pub recorded_at: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TalkingPoint {
    pub text: String,
    #[serde(default)]
    pub facts: Vec<String>,
}
