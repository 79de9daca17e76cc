//! The admin API: users and tokens, teams, territories, accounts, assignments, budgets, prices,
//! source limits, flags and retention. Only admins change territories, budgets, flags and prices;
//! managers read settings and assign accounts within their team; everything is asked of
//! `pf_core::can` through [`crate::policy`].

use axum::extract::{Path, State};
use axum::routing::{get, put};
use axum::{Json, Router};
use pf_core::{Action, FeatureFlag, Resource, Setting, TeamId, TerritoryId, UserId, can};
use pf_sync::{
    AccountsAck, AccountsInput, AssignmentInput, BudgetInput, BudgetView, FlagInput, IssuedToken,
    PriceEntry, RetentionPolicy, SourceLimit, SyncedAccount, Team, TeamInput, Territory,
    TerritoryInput, TokenRequest, User, UserInput,
};
use time::OffsetDateTime;

use super::{ApiJson, AppState, Caller};
use crate::ServerError;
use crate::policy::{self, Audience, may};

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
        .route("/v1/admin/budgets", get(list_budgets))
        .route("/v1/admin/budgets/{team}", put(put_budget))
        .route("/v1/admin/prices", get(list_prices).put(put_price))
        .route(
            "/v1/admin/prices/{source}/{endpoint}",
            axum::routing::delete(delete_price),
        )
        .route("/v1/admin/limits", get(list_limits).put(put_limit))
        .route("/v1/admin/flags", get(list_flags).put(put_flag))
        .route("/v1/admin/flags/{key}", axum::routing::delete(delete_flag))
        .route("/v1/admin/retention", get(get_retention).put(put_retention))
}

fn require(ok: bool, what: &str) -> Result<(), ServerError> {
    if ok {
        Ok(())
    } else {
        Err(ServerError::denied(what))
    }
}

fn id<T: std::str::FromStr>(raw: &str, what: &str) -> Result<T, ServerError> {
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
    Ok(Json(s.store.put_user(u).await?))
}

async fn delete_user(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(raw): Path<String>,
) -> R<User> {
    require(may(&a, Action::Administer, Setting::Roles), "delete users")?;
    let user = UserId::new(&raw).map_err(|_| ServerError::NotFound(format!("user `{raw}`")))?;
    Ok(Json(s.store.deactivate_user(user).await?))
}

async fn issue_token(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(raw): Path<String>,
    ApiJson(req): ApiJson<TokenRequest>,
) -> R<IssuedToken> {
    require(may(&a, Action::Administer, Setting::Roles), "issue tokens")?;
    let user = UserId::new(&raw).map_err(|_| ServerError::NotFound(format!("user `{raw}`")))?;
    Ok(Json(
        crate::app::issue_token(s.store.as_ref(), user, req).await?,
    ))
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
    Ok(Json(s.store.create_team(t.name).await?))
}

async fn rename_team(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(raw): Path<String>,
    ApiJson(t): ApiJson<TeamInput>,
) -> R<Team> {
    require(may(&a, Action::Administer, Setting::Roles), "change teams")?;
    Ok(Json(
        s.store
            .rename_team(id::<TeamId>(&raw, "team")?, t.name)
            .await?,
    ))
}

async fn delete_team(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(raw): Path<String>,
) -> R<Team> {
    require(may(&a, Action::Administer, Setting::Roles), "change teams")?;
    Ok(Json(
        s.store.delete_team(id::<TeamId>(&raw, "team")?).await?,
    ))
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
    Ok(Json(s.store.create_territory(t).await?))
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
    Ok(Json(
        s.store
            .update_territory(id::<TerritoryId>(&raw, "territory")?, t)
            .await?,
    ))
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
    Ok(Json(
        s.store
            .delete_territory(id::<TerritoryId>(&raw, "territory")?)
            .await?,
    ))
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
    Ok(Json(AccountsAck {
        ids: s.store.put_accounts(input.accounts).await?,
    }))
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
    let account = s.store.assign(input, guard).await?;
    policy::account_view(&a, &account)
        .map(Json)
        .ok_or_else(|| ServerError::denied("read this account"))
}

async fn list_budgets(State(s): State<AppState>, Caller(a): Caller) -> R<Vec<BudgetView>> {
    let all = s.store.budgets(OffsetDateTime::now_utc()).await?;
    Ok(Json(
        all.into_iter()
            .filter(|b| policy::in_audience(&a, &Audience::Budget(b.team)))
            .collect(),
    ))
}

async fn put_budget(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(raw): Path<String>,
    ApiJson(b): ApiJson<BudgetInput>,
) -> R<BudgetView> {
    let team = id::<TeamId>(&raw, "team")?;
    require(policy::may_set_budget(&a, team), "change budgets")?;
    s.store.put_budget(team, b).await?;
    s.store
        .budgets(OffsetDateTime::now_utc())
        .await?
        .into_iter()
        .find(|v| v.team == team)
        .map(Json)
        .ok_or_else(|| ServerError::Internal("budget vanished".into()))
}

async fn list_prices(State(s): State<AppState>, Caller(a): Caller) -> R<Vec<PriceEntry>> {
    require(
        policy::in_audience(&a, &Audience::Spenders),
        "read the price list",
    )?;
    Ok(Json(s.store.prices().await?))
}

async fn put_price(
    State(s): State<AppState>,
    Caller(a): Caller,
    ApiJson(p): ApiJson<PriceEntry>,
) -> R<PriceEntry> {
    require(
        may(&a, Action::Administer, Setting::PriceList),
        "change prices",
    )?;
    Ok(Json(s.store.put_price(p).await?))
}

async fn delete_price(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path((source, endpoint)): Path<(String, String)>,
) -> R<PriceEntry> {
    require(
        may(&a, Action::Administer, Setting::PriceList),
        "change prices",
    )?;
    Ok(Json(s.store.delete_price(source, endpoint).await?))
}

async fn list_limits(State(s): State<AppState>, Caller(a): Caller) -> R<Vec<SourceLimit>> {
    require(
        policy::in_audience(&a, &Audience::Spenders),
        "read source limits",
    )?;
    Ok(Json(s.store.limits().await?))
}

async fn put_limit(
    State(s): State<AppState>,
    Caller(a): Caller,
    ApiJson(l): ApiJson<SourceLimit>,
) -> R<SourceLimit> {
    require(
        may(&a, Action::Administer, Setting::PriceList),
        "change source limits",
    )?;
    Ok(Json(s.store.put_limit(l).await?))
}

async fn list_flags(State(s): State<AppState>, Caller(a): Caller) -> R<Vec<FeatureFlag>> {
    require(may(&a, Action::Read, Setting::Flags), "list flags")?;
    Ok(Json(s.store.flags().await?))
}

async fn put_flag(
    State(s): State<AppState>,
    Caller(a): Caller,
    ApiJson(f): ApiJson<FlagInput>,
) -> R<FeatureFlag> {
    require(may(&a, Action::Administer, Setting::Flags), "change flags")?;
    let flag = FeatureFlag::try_from(f).map_err(|e| ServerError::Invalid(e.to_string()))?;
    Ok(Json(s.store.put_flag(flag).await?))
}

async fn delete_flag(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(key): Path<String>,
) -> R<FeatureFlag> {
    require(may(&a, Action::Administer, Setting::Flags), "change flags")?;
    Ok(Json(s.store.delete_flag(key).await?))
}

async fn get_retention(State(s): State<AppState>, Caller(_): Caller) -> R<RetentionPolicy> {
    Ok(Json(s.store.retention().await?))
}

async fn put_retention(
    State(s): State<AppState>,
    Caller(a): Caller,
    ApiJson(p): ApiJson<RetentionPolicy>,
) -> R<RetentionPolicy> {
    require(
        may(&a, Action::Administer, Setting::Retention),
        "change retention",
    )?;
    Ok(Json(s.store.put_retention(p).await?))
}
