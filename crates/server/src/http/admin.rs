//! The admin API: users and tokens, teams, territories, accounts, assignments, budgets, prices,
//! source limits, flags and retention. Only admins change territories, budgets, flags and prices;
//! managers read settings and assign accounts within their team; everything is asked of
//! `pf_core::can` through [`crate::policy`]. Every change is appended to the audit log
//! ([`super::audit::record`]) once it succeeded. Budgets, prices, limits, flags and retention are
//! in [`settings`].

mod settings;

use axum::extract::{Path, State};
use axum::routing::{get, put};
use axum::{Json, Router};
use pf_core::{Action, Resource, Setting, TeamId, TerritoryId, UserId, can};
use pf_sync::{
    AccountsAck, AccountsInput, AssignmentInput, IssuedToken, SyncedAccount, Team, TeamInput,
    Territory, TerritoryInput, TokenRequest, User, UserInput,
};
use serde_json::json;

use super::{ApiJson, AppState, Caller};
use crate::ServerError;
use crate::policy::{self, may};
use crate::store::audited;

type R<T> = Result<Json<T>, ServerError>;

/// The most accounts one `POST /v1/admin/accounts` may carry.
pub const MAX_ACCOUNTS: usize = 10_000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/admin/users", get(list_users).post(put_user))
        .route("/v1/admin/users/{id}", axum::routing::delete(delete_user))
        .route(
            "/v1/admin/users/{id}/tokens",
            axum::routing::post(issue_token),
        )
        .route("/v1/admin/teams", get(list_teams).post(create_team))
        .route("/v1/admin/teams/{id}", put(rename_team).delete(delete_team))
        .route(
            "/v1/admin/territories",
            get(list_territories).post(create_territory),
        )
        .route(
            "/v1/admin/territories/{id}",
            put(update_territory).delete(delete_territory),
        )
        .route("/v1/admin/accounts", axum::routing::post(put_accounts))
        .route("/v1/admin/assignments", put(assign))
        .merge(settings::routes())
}

pub(super) fn require(ok: bool, what: &str) -> Result<(), ServerError> {
    if ok {
        Ok(())
    } else {
        Err(ServerError::denied(what))
    }
}

pub(super) fn id<T: std::str::FromStr>(raw: &str, what: &str) -> Result<T, ServerError> {
    raw.parse()
        .map_err(|_| ServerError::NotFound(format!("{what} `{raw}`")))
}

async fn list_users(State(s): State<AppState>, Caller(a): Caller) -> R<Vec<User>> {
    require(may(&a, Action::Read, Setting::Roles), "list users")?;
    Ok(Json(s.store.list_users().await?))
}

async fn put_user(
    State(s): State<AppState>,
    Caller(a): Caller,
    ApiJson(u): ApiJson<UserInput>,
) -> R<User> {
    require(may(&a, Action::Administer, Setting::Roles), "change users")?;
    let before = s.store.list_users().await?;
    let old = before.iter().find(|x| x.id == u.id);
    let detail = json!({"role": u.role, "team": u.team,
        "previous_role": old.map(|x| x.role), "previous_team": old.and_then(|x| x.team)});
    let describe = move |user: &User| (format!("user:{}", user.id), detail);
    Ok(Json(
        audited(&a.user, "user.role", describe, s.store.put_user(u)).await?,
    ))
}

async fn delete_user(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(raw): Path<String>,
) -> R<User> {
    require(may(&a, Action::Administer, Setting::Roles), "delete users")?;
    let user = UserId::new(&raw).map_err(|_| ServerError::NotFound(format!("user `{raw}`")))?;
    let describe = |user: &User| (format!("user:{}", user.id), json!({}));
    let write = s.store.deactivate_user(user);
    Ok(Json(
        audited(&a.user, "user.delete", describe, write).await?,
    ))
}

async fn issue_token(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(raw): Path<String>,
    ApiJson(req): ApiJson<TokenRequest>,
) -> R<IssuedToken> {
    require(may(&a, Action::Administer, Setting::Roles), "issue tokens")?;
    let user = UserId::new(&raw).map_err(|_| ServerError::NotFound(format!("user `{raw}`")))?;
    // The token's one write stores its hash (a `()`), with this entry.
    let target = format!("user:{user}");
    let detail = json!({"op": "issue", "expires_in_secs": req.expires_in_secs});
    let describe = move |_: &()| (target, detail);
    let write = crate::app::issue_token(s.store.as_ref(), user, req);
    Ok(Json(audited(&a.user, "key.change", describe, write).await?))
}

async fn list_teams(State(s): State<AppState>, Caller(a): Caller) -> R<Vec<Team>> {
    require(may(&a, Action::Read, Setting::Roles), "list teams")?;
    Ok(Json(s.store.list_teams().await?))
}

async fn create_team(
    State(s): State<AppState>,
    Caller(a): Caller,
    ApiJson(t): ApiJson<TeamInput>,
) -> R<Team> {
    require(may(&a, Action::Administer, Setting::Roles), "change teams")?;
    let write = s.store.create_team(t.name);
    Ok(Json(team_changed(&a, "create", write).await?))
}

async fn rename_team(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(raw): Path<String>,
    ApiJson(t): ApiJson<TeamInput>,
) -> R<Team> {
    require(may(&a, Action::Administer, Setting::Roles), "change teams")?;
    let write = s.store.rename_team(id::<TeamId>(&raw, "team")?, t.name);
    Ok(Json(team_changed(&a, "rename", write).await?))
}

async fn delete_team(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(raw): Path<String>,
) -> R<Team> {
    require(may(&a, Action::Administer, Setting::Roles), "change teams")?;
    let write = s.store.delete_team(id::<TeamId>(&raw, "team")?);
    Ok(Json(team_changed(&a, "delete", write).await?))
}

/// Runs a team write, audited as `team.change` with `op`.
async fn team_changed(
    a: &pf_core::Actor,
    op: &'static str,
    write: impl std::future::Future<Output = Result<Team, ServerError>>,
) -> Result<Team, ServerError> {
    let describe = move |t: &Team| {
        let detail = json!({"op": op, "name": t.name});
        (format!("team:{}", t.id), detail)
    };
    audited(&a.user, "team.change", describe, write).await
}

/// Runs a territory write, audited as `territory.change` with `op`.
async fn territory_changed(
    a: &pf_core::Actor,
    op: &'static str,
    write: impl std::future::Future<Output = Result<Territory, ServerError>>,
) -> Result<Territory, ServerError> {
    let describe = move |t: &Territory| {
        let detail = json!({"op": op, "name": t.name, "owner": t.owner, "members": t.members,
            "priority": t.priority});
        (format!("territory:{}", t.id), detail)
    };
    audited(&a.user, "territory.change", describe, write).await
}

async fn list_territories(State(s): State<AppState>, Caller(a): Caller) -> R<Vec<Territory>> {
    require(
        may(&a, Action::Read, Setting::Territories),
        "list territories",
    )?;
    Ok(Json(s.store.list_territories().await?))
}

async fn create_territory(
    State(s): State<AppState>,
    Caller(a): Caller,
    ApiJson(t): ApiJson<TerritoryInput>,
) -> R<Territory> {
    require(
        may(&a, Action::Administer, Setting::Territories),
        "change territories",
    )?;
    let write = s.store.create_territory(t);
    Ok(Json(territory_changed(&a, "create", write).await?))
}

async fn update_territory(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(raw): Path<String>,
    ApiJson(t): ApiJson<TerritoryInput>,
) -> R<Territory> {
    require(
        may(&a, Action::Administer, Setting::Territories),
        "change territories",
    )?;
    let write = s
        .store
        .update_territory(id::<TerritoryId>(&raw, "territory")?, t);
    Ok(Json(territory_changed(&a, "update", write).await?))
}

async fn delete_territory(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(raw): Path<String>,
) -> R<Territory> {
    require(
        may(&a, Action::Administer, Setting::Territories),
        "change territories",
    )?;
    let write = s
        .store
        .delete_territory(id::<TerritoryId>(&raw, "territory")?);
    Ok(Json(territory_changed(&a, "delete", write).await?))
}

async fn put_accounts(
    State(s): State<AppState>,
    Caller(a): Caller,
    ApiJson(input): ApiJson<AccountsInput>,
) -> R<AccountsAck> {
    require(
        may(&a, Action::Administer, Setting::Territories),
        "add accounts",
    )?;
    if input.accounts.len() > MAX_ACCOUNTS {
        return Err(ServerError::Invalid(format!(
            "at most {MAX_ACCOUNTS} accounts a request"
        )));
    }
    let describe =
        |ids: &Vec<pf_core::AccountId>| ("accounts".to_owned(), json!({"count": ids.len()}));
    let write = s.store.put_accounts(input.accounts);
    let ids = audited(&a.user, "accounts.change", describe, write).await?;
    Ok(Json(AccountsAck { ids }))
}

/// Admins assign anywhere; managers within their team (the account's current and new scope
/// must both allow `Assign`). Decided inside the store's transaction.
async fn assign(
    State(s): State<AppState>,
    Caller(a): Caller,
    ApiJson(input): ApiJson<AssignmentInput>,
) -> R<SyncedAccount> {
    let actor = a.clone();
    let guard = Box::new(
        move |old: &pf_core::AccountScope, new: &pf_core::AccountScope| {
            can(&actor, Action::Assign, &Resource::Account(old.clone()))
                && can(&actor, Action::Assign, &Resource::Account(new.clone()))
        },
    );
    let previous = s.store.account(input.account).await?.and_then(|x| x.owner);
    let detail = json!({"owner": input.owner, "previous_owner": previous});
    let describe = move |account: &SyncedAccount| (format!("account:{}", account.id), detail);
    let write = s.store.assign(input, guard);
    let account = audited(&a.user, "assignment.change", describe, write).await?;
    policy::account_view(&a, &account)
        .map(Json)
        .ok_or_else(|| ServerError::denied("read this account"))
}
