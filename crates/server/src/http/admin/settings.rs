//! Admin settings: budgets, prices, source limits, feature flags and retention. Only admins
//! change them (budgets: `policy::may_set_budget`); each change is audited with its old and new
//! values.

use axum::extract::{Path, State};
use axum::routing::{get, put};
use axum::{Json, Router};
use pf_core::{Action, FeatureFlag, Setting, TeamId};
use pf_sync::{BudgetInput, BudgetView, FlagInput, PriceEntry, RetentionPolicy, SourceLimit};
use serde_json::json;
use time::OffsetDateTime;

use super::super::{ApiJson, AppState, Caller};
use super::{id, require};
use crate::ServerError;
use crate::policy::{self, Audience, may};
use crate::store::audited;

type R<T> = Result<Json<T>, ServerError>;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
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
    let old = budget_of(&s, team).await?;
    let detail = json!({"old": old.as_ref().map(limits), "new": b});
    let describe = move |_: &()| (format!("team:{team}"), detail);
    audited(
        &a.user,
        "budget.change",
        describe,
        s.store.put_budget(team, b),
    )
    .await?;
    let new = budget_of(&s, team)
        .await?
        .ok_or_else(|| ServerError::Internal("budget vanished".into()))?;
    Ok(Json(new))
}

async fn budget_of(s: &AppState, team: TeamId) -> Result<Option<BudgetView>, ServerError> {
    let all = s.store.budgets(OffsetDateTime::now_utc()).await?;
    Ok(all.into_iter().find(|v| v.team == team))
}

/// A budget's limits (what an admin sets), without this month's spend.
fn limits(b: &BudgetView) -> serde_json::Value {
    json!({"monthly_limit_micros": b.monthly_limit_micros,
        "alert_threshold_pct": b.alert_threshold_pct, "hard_cap_micros": b.hard_cap_micros,
        "offline_allowance_micros": b.offline_allowance_micros})
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
    let old = s
        .store
        .prices()
        .await?
        .into_iter()
        .find(|x| x.source == p.source && x.endpoint == p.endpoint);
    let old = old.map(|x| x.price_micros);
    let describe = move |p: &PriceEntry| {
        let detail = json!({"op": "put", "old": old, "new": p.price_micros});
        (format!("price:{}/{}", p.source, p.endpoint), detail)
    };
    let p = audited(&a.user, "price.change", describe, s.store.put_price(p)).await?;
    Ok(Json(p))
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
    let describe = |p: &PriceEntry| {
        let detail = json!({"op": "delete", "old": p.price_micros});
        (format!("price:{}/{}", p.source, p.endpoint), detail)
    };
    let write = s.store.delete_price(source, endpoint);
    Ok(Json(
        audited(&a.user, "price.change", describe, write).await?,
    ))
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
    let describe = |l: &SourceLimit| {
        let detail = json!({"max_calls": l.max_calls, "window_secs": l.window_secs});
        (format!("limit:{}", l.source), detail)
    };
    Ok(Json(
        audited(&a.user, "limit.change", describe, s.store.put_limit(l)).await?,
    ))
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
    let describe = |f: &FeatureFlag| {
        let detail =
            json!({"op": "put", "enabled": f.enabled, "rollout_percent": f.rollout_percent});
        (format!("flag:{}", f.key), detail)
    };
    Ok(Json(
        audited(&a.user, "flag.change", describe, s.store.put_flag(flag)).await?,
    ))
}

async fn delete_flag(
    State(s): State<AppState>,
    Caller(a): Caller,
    Path(key): Path<String>,
) -> R<FeatureFlag> {
    require(may(&a, Action::Administer, Setting::Flags), "change flags")?;
    let describe = |f: &FeatureFlag| (format!("flag:{}", f.key), json!({"op": "delete"}));
    Ok(Json(
        audited(&a.user, "flag.change", describe, s.store.delete_flag(key)).await?,
    ))
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
    let old = s.store.retention().await?;
    let describe =
        move |p: &RetentionPolicy| ("retention".to_owned(), json!({"old": old, "new": p}));
    let write = s.store.put_retention(p);
    Ok(Json(
        audited(&a.user, "retention.change", describe, write).await?,
    ))
}
