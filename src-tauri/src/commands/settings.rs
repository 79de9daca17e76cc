//! Settings: API keys (to the OS keyring only), source base URLs, the vendor profile, scoring
//! thresholds, the budget and notifications. Every change answers with the whole view again.

use pf_core::SourceId;
use serde::Serialize;
use zeroize::Zeroizing;

use super::Shared;
use crate::CommandError;
use crate::session::Session;

#[derive(Debug, Clone, PartialEq, Serialize)]
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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceSetting {
    pub id: String,
    pub name: String,
    pub kind: pf_engine::SourceKind,
    pub needs_key: bool,
    pub has_key: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    pub key_set_at: Option<time::OffsetDateTime>,
    pub base_url: String,
    pub enabled: bool,
}

/// Keys the Settings page may set (others go through `partnerforge config`).
const EDITABLE: &[&str] = &[
    "home_vendor",
    "competitors",
    "scoring.hot",
    "scoring.warm",
    "scoring.cool",
    "notifications.enabled",
    "budget.monthly_limit_usd",
    "budget.alert_threshold",
];

/// The settings as saved.
pub fn view(session: &Session) -> Result<SettingsView, CommandError> {
    let config = session.config();
    let keys = session.with_store(|s| s.api_key_names())?;
    let mut sources: Vec<SourceSetting> = pf_engine::sources::builtin()
        .iter()
        .map(|source| {
            let d = source.descriptor();
            let key = |f: &str| format!("sources.{}.{f}", d.id);
            SourceSetting {
                id: d.id.as_str().to_owned(),
                name: d.name.to_owned(),
                kind: d.kind,
                needs_key: d.needs_key,
                has_key: keys.iter().any(|(id, _)| id == &d.id),
                key_set_at: keys.iter().find(|(id, _)| id == &d.id).map(|(_, at)| *at),
                base_url: config
                    .get(&key("base_url"))
                    .unwrap_or_else(|| d.default_base_url.to_owned()),
                enabled: config
                    .get(&key("enabled"))
                    .is_none_or(|v| v.trim() != "false"),
            }
        })
        .collect();
    sources.sort_by_key(|s| (s.kind != pf_engine::SourceKind::Paid, s.name.clone()));
    let settings = pf_engine::EngineSettings::from_config(&config)?;
    Ok(SettingsView {
        sources,
        home_vendor: settings.home_vendor.clone(),
        competitors: settings.competitors.clone(),
        hot: settings.thresholds.hot,
        warm: settings.thresholds.warm,
        cool: settings.thresholds.cool,
        notifications: config
            .get("notifications.enabled")
            .is_none_or(|v| v.trim() != "false"),
        budget_monthly_usd: config.get_parsed("budget.monthly_limit_usd", 0.0)?,
        budget_alert_threshold: config.get_parsed("budget.alert_threshold", 0.8)?,
    })
}

/// Sets one editable key (or a source's base URL), validated before it is saved.
pub fn set(session: &Session, key: &str, value: &str) -> Result<SettingsView, CommandError> {
    let is_url = key
        .strip_prefix("sources.")
        .and_then(|rest| rest.strip_suffix(".base_url"))
        .is_some_and(|id| SourceId::new(id).is_ok());
    if !is_url && !EDITABLE.contains(&key) {
        return Err(CommandError::new(
            "desktop.not_editable",
            format!("`{key}` cannot be changed here"),
        ));
    }
    let value = value.trim();
    if is_url {
        url::Url::parse(value)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or_else(|| {
                CommandError::new("engine.config", format!("`{value}` is not an http(s) URL"))
            })?;
    }
    if key == "notifications.enabled" && !matches!(value, "true" | "false") {
        return Err(CommandError::new(
            "engine.config",
            "notifications.enabled is true or false",
        ));
    }
    let before = session.config().get(key);
    session.set_config(key, value)?;
    if key.starts_with("budget.") {
        session.with_store(|s| {
            let actor = s.local_actor()?;
            s.audit(
                Some(&actor),
                "budget.change",
                &format!("config:{key}"),
                serde_json::json!({ "from": before, "to": value }),
            )
        })?;
    }
    view(session)
}

/// Stores a source's key in the keyring (never the database) and rebuilds the engine.
pub fn set_key(session: &Session, source: &str, key: &str) -> Result<SettingsView, CommandError> {
    let id = SourceId::new(source)
        .map_err(|e| CommandError::new("desktop.bad_source", e.to_string()))?;
    session.with_store(|s| s.set_api_key(&id, key))?;
    session.rebuild_engine()?;
    tracing::info!(source = %id, "API key stored in the OS keyring");
    view(session)
}

pub fn delete_key(session: &Session, source: &str) -> Result<SettingsView, CommandError> {
    let id = SourceId::new(source)
        .map_err(|e| CommandError::new("desktop.bad_source", e.to_string()))?;
    session.with_store(|s| s.delete_api_key(&id))?;
    session.rebuild_engine()?;
    view(session)
}

#[tauri::command]
pub async fn get_settings(state: Shared<'_>) -> Result<SettingsView, CommandError> {
    view(state.session()?.as_ref())
}

#[tauri::command]
pub async fn set_config(
    state: Shared<'_>,
    key: String,
    value: String,
) -> Result<SettingsView, CommandError> {
    set(state.session()?.as_ref(), &key, &value)
}

#[tauri::command]
pub async fn set_api_key(
    state: Shared<'_>,
    source: String,
    key: String,
) -> Result<SettingsView, CommandError> {
    let key = Zeroizing::new(key);
    set_key(state.session()?.as_ref(), &source, &key)
}

#[tauri::command]
pub async fn delete_api_key(
    state: Shared<'_>,
    source: String,
) -> Result<SettingsView, CommandError> {
    delete_key(state.session()?.as_ref(), &source)
}
