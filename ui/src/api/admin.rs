//! The Admin page's side of the contract: what the sync server lets an admin or a manager see
//! and change (territories, assignments, budgets, flags), and what the last sync brought about
//! the organisation (territory names for the accounts filter, the team budget for Usage).
//! Mirrors of `pf-sync`'s wire types; ids are strings, money is integer micro-dollars.

use serde::{Deserialize, Serialize};

use super::{ApiError, NoArgs, call};

/// An inclusive range; a missing bound is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NumRange {
    pub min: Option<u64>,
    pub max: Option<u64>,
}

/// Which accounts a territory covers; every non-empty criterion must hold.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TerritoryRule {
    pub regions: Vec<String>,
    pub countries: Vec<String>,
    pub segments: Vec<String>,
    pub industries: Vec<String>,
    pub employees: Option<NumRange>,
    pub revenue_usd: Option<NumRange>,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Territory {
    pub id: String,
    pub name: String,
    pub owner: String,
    #[serde(default)]
    pub members: Vec<String>,
    #[serde(default)]
    pub rule: TerritoryRule,
    #[serde(default)]
    pub priority: i32,
}

/// A territory as the form sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TerritoryInput {
    pub name: String,
    pub owner: String,
    pub members: Vec<String>,
    pub rule: TerritoryRule,
    pub priority: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AdminUser {
    pub id: String,
    pub role: String,
    #[serde(default)]
    pub team: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Team {
    pub id: String,
    pub name: String,
}

/// A team's budget this month, with what is spent and held.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct BudgetView {
    pub team: String,
    pub month: String,
    pub monthly_limit_micros: u64,
    pub alert_threshold_pct: u8,
    pub hard_cap_micros: u64,
    pub offline_allowance_micros: u64,
    pub spent_micros: u64,
    pub reserved_micros: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetInput {
    pub monthly_limit_micros: u64,
    pub alert_threshold_pct: u8,
    pub hard_cap_micros: u64,
    pub offline_allowance_micros: u64,
}

/// A feature flag, as listed and as saved.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Flag {
    pub key: String,
    pub enabled: bool,
    pub rollout_percent: u8,
    #[serde(default)]
    pub allowed_users: Vec<String>,
    #[serde(default)]
    pub allowed_teams: Vec<String>,
}

/// Everything the Admin page shows; sections the user may not read are empty.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AdminOverview {
    pub role: String,
    #[serde(default)]
    pub team: Option<String>,
    pub territories: Vec<Territory>,
    pub users: Vec<AdminUser>,
    pub teams: Vec<Team>,
    pub budgets: Vec<BudgetView>,
    pub flags: Vec<Flag>,
}

/// An account after an assignment.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AssignedAccount {
    pub domain: String,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub territory: Option<String>,
}

/// What the last sync brought: territory names and the user's team budget.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct SyncedOrg {
    #[serde(default)]
    pub territories: Vec<String>,
    #[serde(default)]
    pub team_budget: Option<BudgetView>,
    /// This month's budget alerts from the server (a manager's teams past their threshold).
    #[serde(default)]
    pub budget_alerts: Vec<BudgetAlert>,
}

/// A team crossed its alert threshold (sent to its managers).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct BudgetAlert {
    pub team: String,
    pub month: String,
    pub spent_micros: u64,
    pub monthly_limit_micros: u64,
    pub threshold_pct: u8,
    pub at: String,
    /// The team's name, where the laptop knows it (the user's own team).
    #[serde(default)]
    pub team_name: Option<String>,
}

impl BudgetAlert {
    /// `Team Sales West passed 80% of its monthly budget: $812.00 of $1,000.00.` (the team's id
    /// where its name is not known here).
    pub fn text(&self) -> String {
        let usd = |m: u64| format!("${:.2}", m as f64 / 1e6);
        format!(
            "Team {} passed {}% of its monthly budget: {} of {}.",
            self.team_name.as_deref().unwrap_or(&self.team),
            self.threshold_pct,
            usd(self.spent_micros),
            usd(self.monthly_limit_micros)
        )
    }
}

pub async fn admin_overview() -> Result<AdminOverview, ApiError> {
    call("admin_overview", &NoArgs {}).await
}

pub async fn synced_org() -> Result<SyncedOrg, ApiError> {
    call("synced_org_view", &NoArgs {}).await
}

/// Creates a territory (`id: None`) or replaces one.
pub async fn save_territory(
    id: Option<&str>,
    input: &TerritoryInput,
) -> Result<Territory, ApiError> {
    #[derive(Serialize)]
    struct Args<'a> {
        id: Option<&'a str>,
        input: &'a TerritoryInput,
    }
    call("save_territory", &Args { id, input }).await
}

pub async fn delete_territory(id: &str) -> Result<Territory, ApiError> {
    #[derive(Serialize)]
    struct Args<'a> {
        id: &'a str,
    }
    call("delete_territory", &Args { id }).await
}

/// Gives the account an owner by hand; `None` hands it back to the territory rules.
pub async fn assign_account(
    domain: &str,
    owner: Option<&str>,
) -> Result<AssignedAccount, ApiError> {
    #[derive(Serialize)]
    struct Args<'a> {
        domain: &'a str,
        owner: Option<&'a str>,
    }
    call("assign_account", &Args { domain, owner }).await
}

pub async fn save_budget(team: &str, input: &BudgetInput) -> Result<BudgetView, ApiError> {
    #[derive(Serialize)]
    struct Args<'a> {
        team: &'a str,
        input: &'a BudgetInput,
    }
    call("save_budget", &Args { team, input }).await
}

pub async fn save_flag(input: &Flag) -> Result<Flag, ApiError> {
    #[derive(Serialize)]
    struct Args<'a> {
        input: &'a Flag,
    }
    call("save_flag", &Args { input }).await
}
