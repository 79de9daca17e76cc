//! The shapes the shell's commands answer with (mirrors of the shell's serde DTOs). Times are
//! RFC 3339 strings, money is integer micro-dollars (`*_micros`), and every optional field may be
//! absent, which means "not known".

use serde::{Deserialize, Serialize};

/// How the app is running: what the top bar and the unlock dialog show (`app_status`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AppStatus {
    pub version: String,
    /// `--demo`: sources answer from the built-in mock APIs; the UI shows a DEMO badge.
    pub demo: bool,
    /// Whether the network (the sources) is reachable; offline enrichment is queued.
    pub online: bool,
    /// `ready`, `locked` (needs a passphrase: no usable keyring) or `failed`.
    pub store: String,
    /// Locked: whether the store does not exist yet (the dialog asks for the passphrase twice).
    #[serde(default)]
    pub creating: bool,
    /// Failed: why.
    #[serde(default)]
    pub error: Option<super::ApiError>,
    pub data_dir: String,
    /// Enrichment requests waiting for the network.
    pub queued: u32,
    pub user: String,
    pub notifications: bool,
    /// The user's role on the sync server (`admin`, `manager`, `ae`, `sdr`, `viewer`); absent
    /// when no server is configured.
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub server_url: Option<String>,
    /// Feature flags the server evaluated for the user. An absent flag is on.
    #[serde(default)]
    pub flags: std::collections::BTreeMap<String, bool>,
}

impl AppStatus {
    /// Whether a feature gated by `flag` shows: on unless the server says it is off.
    pub fn feature(&self, flag: &str) -> bool {
        self.flags.get(flag).copied().unwrap_or(true)
    }
}

/// Who the user is on the sync server (`identity`, `login`; `None` when not logged in).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Identity {
    pub server_url: String,
    pub user: String,
    pub role: String,
    #[serde(default)]
    pub team_name: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub territories: Vec<String>,
    pub offline_allowance_micros: u64,
    #[serde(default)]
    pub last_sync_at: Option<String>,
    #[serde(default)]
    pub flags: std::collections::BTreeMap<String, bool>,
    #[serde(default)]
    pub pending_usage: u64,
}

/// What one sync round did (`sync_now`, and the `pf://synced` event).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SyncReport {
    pub pulled: u32,
    pub applied: u32,
    pub removed: u32,
    pub pushed: u32,
    #[serde(default)]
    pub duplicates: u32,
    pub pending: u64,
    pub at: String,
}

/// One row of the accounts table (`list_accounts`, `search_accounts`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AccountRow {
    pub id: String,
    pub name: String,
    pub domain: String,
    pub region: Option<String>,
    pub segment: Option<String>,
    /// 0..=100 from the last enrichment (M13).
    #[serde(default)]
    pub score: Option<u32>,
    /// `hot` | `warm` | `cool` | `cold`.
    #[serde(default)]
    pub priority: Option<String>,
    /// The site-search vendor detected (M03), e.g. `Elasticsearch`.
    #[serde(default)]
    pub search_provider: Option<String>,
    /// The territory the sync server put the account in.
    #[serde(default)]
    pub territory: Option<String>,
    /// When any module last ran for it.
    #[serde(default)]
    pub last_enriched: Option<String>,
    /// Search results only: what matched (`Company`, `Technology stack`, ...).
    #[serde(default)]
    pub matched: Option<String>,
    /// Search results only: the text around the match, matches in `[brackets]`.
    #[serde(default)]
    pub snippet: Option<String>,
}

/// One hit of the search palette (`search_intelligence`): every matching field, best first.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SearchResult {
    pub domain: String,
    pub name: String,
    /// What matched, e.g. `Technology stack`.
    pub field_label: String,
    /// The text around the match, matches in `[brackets]`.
    pub snippet: String,
}

/// A CSV import, previewed (`commit: false`, nothing written) or done (`commit: true`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ImportPreview {
    pub committed: bool,
    /// Data rows read (header excluded).
    pub rows: u64,
    /// Rows that will be (or were) imported.
    pub accepted: Vec<ImportRow>,
    /// Rows refused, with why; nothing else is lost.
    pub rejected: Vec<RejectedRow>,
    /// After a commit: new accounts and updated ones.
    #[serde(default)]
    pub inserted: u64,
    #[serde(default)]
    pub updated: u64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ImportRow {
    pub line: u64,
    pub domain: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RejectedRow {
    pub line: u64,
    pub raw: String,
    pub reason: String,
}

/// The answer to `enrich_accounts`: started now, or queued until the network returns.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EnrichStarted {
    pub job: String,
    pub queued: bool,
    pub domains: u32,
}

/// The `pf://enrich-progress` event, sent as a job advances and once when it ends.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EnrichProgress {
    pub job: String,
    pub total: u32,
    pub done: u32,
    pub failed: u32,
    pub spent_micros: u64,
    /// The domain that just finished.
    #[serde(default)]
    pub current: Option<String>,
    pub finished: bool,
    /// When finished: `complete` | `partial` | `failed`.
    #[serde(default)]
    pub status: Option<String>,
}

/// What refreshing an account would cost, shown before spending (`estimate_refresh`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CostEstimate {
    pub paid_calls: u32,
    pub cost_micros: u64,
    /// Left of the monthly budget; absent when there is no limit.
    #[serde(default)]
    pub budget_left_micros: Option<u64>,
    pub by_source: Vec<SourceCost>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SourceCost {
    pub source: String,
    pub calls: u32,
    pub cost_micros: u64,
}

/// A logged call (`log_call`, listed in [`super::BriefView`]).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CallEntry {
    pub at: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// Where an export was written (`export_brief`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ExportDone {
    pub path: String,
    pub bytes: u64,
}

/// Spend this month (`usage_summary`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct UsageView {
    /// `2026-11`.
    pub month: String,
    pub spent_micros: u64,
    pub calls: u64,
    /// Monthly limit; absent when there is none.
    #[serde(default)]
    pub budget_micros: Option<u64>,
    /// Fraction of the limit at which the bar turns to a warning, e.g. 0.8.
    pub threshold: f64,
    pub by_source: Vec<UsageBucket>,
    /// Every day of the month so far, oldest first, zeros included.
    pub by_day: Vec<UsageBucket>,
    pub by_user: Vec<UsageBucket>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct UsageBucket {
    /// A source id, a day (`2026-11-05`) or a user.
    pub key: String,
    pub micros: u64,
    pub calls: u64,
}

/// Everything the Settings page edits (`get_settings`; every setter answers with it again).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SettingsView {
    pub sources: Vec<SourceSetting>,
    pub home_vendor: String,
    pub competitors: Vec<String>,
    pub hot: u32,
    pub warm: u32,
    pub cool: u32,
    pub notifications: bool,
    pub budget_monthly_usd: f64,
    pub budget_alert_threshold: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SourceSetting {
    pub id: String,
    pub name: String,
    /// `paid` | `free`.
    pub kind: String,
    pub needs_key: bool,
    pub has_key: bool,
    /// When the key was set (never the key itself).
    #[serde(default)]
    pub key_set_at: Option<String>,
    pub base_url: String,
    pub enabled: bool,
}

/// Sources' health and jobs (`ops_status`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct OpsView {
    pub sources: Vec<SourceHealth>,
    pub jobs: Vec<JobView>,
    pub queued: Vec<QueuedView>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SourceHealth {
    pub id: String,
    pub name: String,
    pub kind: String,
    /// `ok` | `degraded` | `down` | `unknown` ...
    pub health: String,
    /// `closed` | `open` | `half_open`.
    pub breaker: String,
    pub has_key: bool,
    pub needs_key: bool,
    pub spent_this_month_micros: u64,
    pub calls_this_month: u64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct JobView {
    pub id: String,
    pub started_at: String,
    #[serde(default)]
    pub finished_at: Option<String>,
    /// `running` | `complete` | `partial` | `failed` | `interrupted`.
    pub status: String,
    pub domains: u32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct QueuedView {
    pub domain: String,
    pub queued_at: String,
}

/// The `pf://navigate` event (a clicked notification): open `page`, e.g. `brief` of `domain`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Navigate {
    pub page: String,
    #[serde(default)]
    pub domain: Option<String>,
}

/// The `pf://network` event: the network came or went.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct NetworkChanged {
    pub online: bool,
    pub queued: u32,
}
