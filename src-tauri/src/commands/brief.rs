//! The pre-call brief: open it (choosing what "since" means), log a call, export it.

use std::path::PathBuf;

use pf_core::Domain;
use pf_engine::Brief;
use pf_store::CallEntry;
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::Shared;
use crate::CommandError;
use crate::session::Session;

/// Where exports go when set (tests); else the OS Downloads folder, else `<data dir>/exports`.
pub const EXPORT_DIR_ENV: &str = "PARTNERFORGE_EXPORT_DIR";

/// The brief with how its comparison date was chosen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BriefView {
    pub brief: Brief,
    /// `call`, `opened`, `picked` or `none`.
    pub since_basis: &'static str,
    pub calls: Vec<CallEntry>,
}

/// `YYYY-MM-DD` (midnight UTC) or RFC 3339.
pub fn parse_since(raw: &str) -> Result<OffsetDateTime, CommandError> {
    let raw = raw.trim();
    if let Ok(t) = OffsetDateTime::parse(raw, &Rfc3339) {
        return Ok(t);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(raw, &format)
        .map(|d| d.midnight().assume_utc())
        .map_err(|_| {
            CommandError::new(
                "desktop.bad_date",
                format!("`{raw}` is not a date (YYYY-MM-DD)"),
            )
        })
}

/// Builds the brief. Without `since` it compares with the last logged call, else with the
/// previous time the brief was opened; opening it is recorded either way.
pub fn open(
    session: &Session,
    domain: &str,
    since: Option<&str>,
    now: OffsetDateTime,
) -> Result<BriefView, CommandError> {
    let domain = Domain::parse(domain)?;
    let picked = since
        .filter(|s| !s.trim().is_empty())
        .map(parse_since)
        .transpose()?;
    session.with_store(|store| {
        let account = store.require_account(&domain)?;
        let previous_open = store.brief_opened(account.id, now)?;
        let calls = store.calls(account.id, 20)?;
        let (basis, since) = match (picked, calls.first(), previous_open) {
            (Some(t), _, _) => ("picked", Some(t)),
            (None, Some(call), _) => ("call", Some(call.at)),
            (None, None, Some(t)) => ("opened", Some(t)),
            (None, None, None) => ("none", None),
        };
        let brief = pf_engine::brief::build(store, &account.domain, since, now)
            .map_err(|e| pf_store::StoreError::Invalid(e.to_string()))?;
        Ok(BriefView {
            brief,
            since_basis: basis,
            calls,
        })
    })
}

/// Records a call now.
pub fn record_call(
    session: &Session,
    domain: &str,
    note: Option<&str>,
) -> Result<CallEntry, CommandError> {
    let domain = Domain::parse(domain)?;
    session.with_store(|store| {
        let account = store.require_account(&domain)?;
        store.log_call(account.id, OffsetDateTime::now_utc(), note)
    })
}

/// Where an export was written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportDone {
    pub path: String,
    pub bytes: u64,
}

/// Writes the brief as Markdown or PDF.
pub fn export(
    session: &Session,
    domain: &str,
    format: &str,
    since: Option<&str>,
) -> Result<ExportDone, CommandError> {
    let since = since
        .filter(|s| !s.trim().is_empty())
        .map(parse_since)
        .transpose()?;
    let domain = Domain::parse(domain)?;
    let now = OffsetDateTime::now_utc();
    let brief = session.with_store(|store| {
        store.require_account(&domain)?;
        pf_engine::brief::build(store, &domain, since, now)
            .map_err(|e| pf_store::StoreError::Invalid(e.to_string()))
    })?;
    let (bytes, ext) = match format {
        "md" | "markdown" => (brief.to_markdown().into_bytes(), "md"),
        "pdf" => (brief.to_pdf(), "pdf"),
        other => {
            return Err(CommandError::new(
                "desktop.bad_format",
                format!("cannot export as `{other}`: use md or pdf"),
            ));
        }
    };
    let dir = export_dir(session);
    std::fs::create_dir_all(&dir).map_err(|e| {
        CommandError::new(
            "desktop.export",
            format!("cannot create {}: {e}", dir.display()),
        )
    })?;
    let path = dir.join(format!("{}-brief-{}.{ext}", domain.as_str(), now.date()));
    std::fs::write(&path, &bytes).map_err(|e| {
        CommandError::new(
            "desktop.export",
            format!("cannot write {}: {e}", path.display()),
        )
    })?;
    let personal = brief.has_personal_data();
    session.with_store(|store| {
        let account = store.require_account(&domain)?.id;
        let actor = store.local_actor()?;
        store.record_export(
            Some(&actor),
            Some(account),
            &format!("brief_{ext}"),
            &path,
            personal,
        )
    })?;
    tracing::info!(path = %path.display(), personal, "brief exported");
    Ok(ExportDone {
        path: path.display().to_string(),
        bytes: bytes.len() as u64,
    })
}

pub(crate) fn export_dir(session: &Session) -> PathBuf {
    if let Some(dir) = std::env::var_os(EXPORT_DIR_ENV) {
        return PathBuf::from(dir);
    }
    directories::UserDirs::new()
        .and_then(|u| u.download_dir().map(PathBuf::from))
        .unwrap_or_else(|| session.data_dir.join("exports"))
}

#[tauri::command]
pub async fn get_brief(
    state: Shared<'_>,
    domain: String,
    since: Option<String>,
) -> Result<BriefView, CommandError> {
    open(
        state.session()?.as_ref(),
        &domain,
        since.as_deref(),
        OffsetDateTime::now_utc(),
    )
}

#[tauri::command]
pub async fn log_call(
    state: Shared<'_>,
    domain: String,
    note: Option<String>,
) -> Result<CallEntry, CommandError> {
    record_call(state.session()?.as_ref(), &domain, note.as_deref())
}

#[tauri::command]
pub async fn export_brief(
    state: Shared<'_>,
    domain: String,
    format: String,
    since: Option<String>,
) -> Result<ExportDone, CommandError> {
    export(
        state.session()?.as_ref(),
        &domain,
        &format,
        since.as_deref(),
    )
}
