//! The admin pages from the window: what an admin or a manager may see and change on the sync
//! server (territories, the team's users, budgets, flags) and the writes behind the Admin page's
//! forms. Every call goes through the logged-in [`SyncClient`]; the server decides, and a
//! refusal keeps its code (`perm.denied`, `input.invalid`, ...). Without a server configured
//! every call answers `desktop.not_logged_in`.

use pf_core::{Domain, FeatureFlag, Role, TeamId, TerritoryId, UserId};
use pf_sync::{
    AssignmentInput, BudgetInput, BudgetView, FlagInput, SyncClient, SyncError, SyncedAccount,
    Team, Territory, TerritoryInput, User,
};
use serde::Serialize;

use super::Shared;
use crate::CommandError;
use crate::session::Session;

/// Everything the Admin page shows. Sections the caller may not read are empty.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdminOverview {
    pub role: Role,
    pub team: Option<String>,
    pub territories: Vec<Territory>,
    /// The caller's team's users (every user for an admin).
    pub users: Vec<User>,
    pub teams: Vec<Team>,
    pub budgets: Vec<BudgetView>,
    pub flags: Vec<FeatureFlag>,
}

/// What the last sync brought about the organisation, readable offline: the territories' names
/// (the accounts filter) and the user's team budget (the Usage page's bar).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyncedOrg {
    pub territories: Vec<String>,
    pub team_budget: Option<BudgetView>,
    /// This month's budget alerts the server sent (a manager's teams crossing their threshold).
    pub budget_alerts: Vec<BudgetAlertView>,
}

/// A budget alert with its team's name where this laptop knows it (the user's own team).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetAlertView {
    #[serde(flatten)]
    pub alert: pf_sync::BudgetAlert,
    pub team_name: Option<String>,
}

pub(crate) fn refused(e: SyncError) -> CommandError {
    pf_client::ClientError::from(e).into()
}

fn not_logged_in() -> CommandError {
    CommandError::new(
        "desktop.not_logged_in",
        "Log in to a sync server first (Settings → Sync server).",
    )
}

/// The client for the logged-in server.
pub fn client(session: &Session) -> Result<SyncClient, CommandError> {
    session.sync_client()?.ok_or_else(not_logged_in)
}

/// A section the caller's role may not read is shown empty; other errors stop the page.
fn or_empty<T>(result: Result<Vec<T>, SyncError>) -> Result<Vec<T>, CommandError> {
    match result {
        Ok(list) => Ok(list),
        Err(e) if e.code() == Some("perm.denied") => Ok(Vec::new()),
        Err(e) => Err(refused(e)),
    }
}

pub async fn overview(session: &Session) -> Result<AdminOverview, CommandError> {
    let identity = session.identity()?.ok_or_else(not_logged_in)?;
    let client = client(session)?;
    let territories = client.list_territories().await.map_err(refused)?;
    let mut users = or_empty(client.list_users().await)?;
    if identity.role != Role::Admin {
        let team = identity.team.clone();
        users.retain(|u| u.team.map(|t| t.to_string()) == team);
    }
    let teams = or_empty(client.list_teams().await)?;
    let budgets = or_empty(client.list_budgets().await)?;
    let flags = or_empty(client.list_flags().await)?;
    Ok(AdminOverview {
        role: identity.role,
        team: identity.team,
        territories,
        users,
        teams,
        budgets,
        flags,
    })
}

/// The synced territories and team budget; empty when no server is configured.
pub fn synced_org(session: &Session) -> Result<SyncedOrg, CommandError> {
    let identity = session.identity()?;
    let team = identity.as_ref().and_then(|i| i.team.clone());
    let team_name = identity.and_then(|i| i.team_name);
    session
        .with_store(|s| {
            let territories = s
                .synced_items(pf_client::convert::kind::TERRITORY)?
                .into_iter()
                .filter_map(|(_, v)| v.get("name")?.as_str().map(str::to_owned))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let budget = match &team {
                Some(team) => s.synced_item(pf_client::convert::kind::BUDGET, team)?,
                None => None,
            };
            let alerts = s.synced_items(pf_client::convert::kind::BUDGET_ALERT)?;
            Ok((territories, budget, alerts))
        })
        .map(|(territories, budget, alerts)| {
            let now = time::OffsetDateTime::now_utc();
            let month = format!("{}-{:02}", now.year(), u8::from(now.month()));
            SyncedOrg {
                territories,
                team_budget: budget.and_then(|b| serde_json::from_value(b).ok()),
                budget_alerts: alerts
                    .into_iter()
                    .filter_map(|(_, v)| serde_json::from_value::<pf_sync::BudgetAlert>(v).ok())
                    .filter(|a| a.month == month)
                    .map(|alert| BudgetAlertView {
                        team_name: (Some(alert.team.to_string()) == team)
                            .then(|| team_name.clone())
                            .flatten(),
                        alert,
                    })
                    .collect(),
            }
        })
}

/// Creates a territory (no `id`) or replaces one.
pub async fn save_territory_in(
    session: &Session,
    id: Option<TerritoryId>,
    input: &TerritoryInput,
) -> Result<Territory, CommandError> {
    let client = client(session)?;
    match id {
        Some(id) => client.update_territory(id, input).await,
        None => client.create_territory(input).await,
    }
    .map_err(refused)
}

pub async fn delete_territory_in(
    session: &Session,
    id: TerritoryId,
) -> Result<Territory, CommandError> {
    client(session)?.delete_territory(id).await.map_err(refused)
}

/// Gives the account at `domain` an owner by hand, or hands it back to the territory rules
/// (`owner: None`). The account must have come from the server (`desktop.not_synced`).
pub async fn assign_in(
    session: &Session,
    domain: &str,
    owner: Option<&str>,
) -> Result<SyncedAccount, CommandError> {
    let domain = Domain::parse(domain.trim())?;
    let owner = match owner.map(str::trim).filter(|o| !o.is_empty()) {
        Some(o) => {
            Some(UserId::new(o).map_err(|e| CommandError::new("desktop.bad_user", e.to_string()))?)
        }
        None => None,
    };
    let not_synced = || {
        CommandError::new(
            "desktop.not_synced",
            format!("{domain} has not come from the sync server: sync first"),
        )
    };
    let data = session.with_store(|s| match s.account_by_domain(&domain)? {
        Some(account) => s.synced_account_data(account.id),
        None => Ok(None),
    })?;
    let account = data
        .and_then(|d| serde_json::from_value::<SyncedAccount>(d).ok())
        .ok_or_else(not_synced)?;
    client(session)?
        .assign(&AssignmentInput {
            account: account.id,
            owner,
        })
        .await
        .map_err(refused)
}

pub async fn save_budget_in(
    session: &Session,
    team: TeamId,
    input: &BudgetInput,
) -> Result<BudgetView, CommandError> {
    client(session)?
        .put_budget(team, input)
        .await
        .map_err(refused)
}

pub async fn save_flag_in(
    session: &Session,
    input: &FlagInput,
) -> Result<FeatureFlag, CommandError> {
    client(session)?.put_flag(input).await.map_err(refused)
}

#[tauri::command]
pub async fn admin_overview(state: Shared<'_>) -> Result<AdminOverview, CommandError> {
    overview(state.session()?.as_ref()).await
}

#[tauri::command]
pub async fn synced_org_view(state: Shared<'_>) -> Result<SyncedOrg, CommandError> {
    synced_org(state.session()?.as_ref())
}

#[tauri::command]
pub async fn save_territory(
    state: Shared<'_>,
    id: Option<TerritoryId>,
    input: TerritoryInput,
) -> Result<Territory, CommandError> {
    let territory = save_territory_in(state.session()?.as_ref(), id, &input).await?;
    state.sync_wake.notify_one();
    Ok(territory)
}

#[tauri::command]
pub async fn delete_territory(
    state: Shared<'_>,
    id: TerritoryId,
) -> Result<Territory, CommandError> {
    let territory = delete_territory_in(state.session()?.as_ref(), id).await?;
    state.sync_wake.notify_one();
    Ok(territory)
}

#[tauri::command]
pub async fn assign_account(
    state: Shared<'_>,
    domain: String,
    owner: Option<String>,
) -> Result<SyncedAccount, CommandError> {
    let account = assign_in(state.session()?.as_ref(), &domain, owner.as_deref()).await?;
    state.sync_wake.notify_one();
    Ok(account)
}

#[tauri::command]
pub async fn save_budget(
    state: Shared<'_>,
    team: TeamId,
    input: BudgetInput,
) -> Result<BudgetView, CommandError> {
    let budget = save_budget_in(state.session()?.as_ref(), team, &input).await?;
    state.sync_wake.notify_one();
    Ok(budget)
}

#[tauri::command]
pub async fn save_flag(state: Shared<'_>, input: FlagInput) -> Result<FeatureFlag, CommandError> {
    let flag = save_flag_in(state.session()?.as_ref(), &input).await?;
    state.sync_wake.notify_one();
    Ok(flag)
}
