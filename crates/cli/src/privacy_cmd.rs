//! `partnerforge privacy access|erase|rectify --email E [--name N]` and `partnerforge privacy
//! status`: privacy requests in a local-only set-up (with a sync server, an admin files them on
//! the server and they reach this laptop at its next sync). Also `partnerforge audit` (the
//! append-only audit log) and `partnerforge purge` (the retention purge, now).

use anyhow::{Result, bail};
use pf_core::{Correction, PrivacyKind, PrivacyRequestId, Subject};
use pf_store::{PrivacyOrigin, PrivacyOutcome, PrivacyRequestRecord, Store};
use std::path::{Path, PathBuf};

use crate::table;

/// Who a request is about.
#[derive(clap::Args, Debug)]
pub struct SubjectArgs {
    /// The person's e-mail.
    #[arg(long)]
    pub email: String,
    /// The person's full name (finds records that name them without the e-mail).
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Subcommand, Debug)]
pub enum PrivacyCommand {
    /// Export everything held on the person: JSON and a readable Markdown file.
    Access {
        #[command(flatten)]
        subject: SubjectArgs,
        /// Where to write the two files.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Erase every copy: live data, history, search index, cached answers, exported briefs.
    Erase {
        #[command(flatten)]
        subject: SubjectArgs,
    },
    /// Replace the person's old values with corrected ones everywhere, history included.
    Rectify {
        #[command(flatten)]
        subject: SubjectArgs,
        #[arg(long)]
        new_name: Option<String>,
        #[arg(long)]
        new_email: Option<String>,
        #[arg(long)]
        new_title: Option<String>,
        #[arg(long)]
        new_phone: Option<String>,
        #[arg(long)]
        new_linkedin: Option<String>,
    },
    /// Every request with its status and the records affected.
    Status {
        #[arg(long)]
        json: bool,
    },
}

/// Runs one `privacy` subcommand.
pub fn run(store: &Store, command: PrivacyCommand) -> Result<i32> {
    let (kind, a, correction, out) = match command {
        PrivacyCommand::Status { json } => return status(store, json),
        PrivacyCommand::Access { subject, out } => (PrivacyKind::Access, subject, None, out),
        PrivacyCommand::Erase { subject } => (PrivacyKind::Erasure, subject, None, None),
        PrivacyCommand::Rectify {
            subject,
            new_name,
            new_email,
            new_title,
            new_phone,
            new_linkedin,
        } => {
            let c = Correction {
                name: new_name,
                email: new_email,
                title: new_title,
                phone: new_phone,
                linkedin: new_linkedin,
            };
            if c.is_empty() {
                bail!(
                    "say what to correct: --new-name, --new-email, --new-title, --new-phone or --new-linkedin"
                );
            }
            (PrivacyKind::Rectification, subject, Some(c), None)
        }
    };
    let subject = Subject::new(&a.email, a.name.as_deref())?;
    if store.sync_identity()?.is_some() {
        return file_on_server(store, kind, &subject, correction, a.json);
    }
    let done = file(store, kind, &a.email, a.name.as_deref(), correction)?;
    match kind {
        PrivacyKind::Access => access(
            store,
            &done,
            &subject,
            &out.unwrap_or_else(default_out),
            a.json,
        ),
        _ => report(&done, a.json),
    }
}

/// With a sync server, an admin files the request there: the server acts on its own data and
/// every laptop (this one included) carries it out at its next sync.
fn file_on_server(
    store: &Store,
    kind: PrivacyKind,
    subject: &Subject,
    correction: Option<Correction>,
    json: bool,
) -> Result<i32> {
    let identity = pf_client::identity(store)?.ok_or(pf_client::ClientError::NotLoggedIn)?;
    let (client, _token) = pf_client::connect(store)?.ok_or(pf_client::ClientError::NotLoggedIn)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let view = rt.block_on(pf_client::privacy::file_on_server(
        &identity, &client, kind, subject, correction,
    ))?;
    if json {
        out!("{}", serde_json::to_string_pretty(&view)?);
    } else {
        out!(
            "{kind} {} filed on the server: {}; {} laptop(s) carry it out at their next sync",
            view.id,
            view.status,
            view.laptops.len()
        );
    }
    Ok(0)
}

/// Files and carries out one request on this laptop (local-only set-up: `run` sends a laptop
/// with a sync server to [`file_on_server`]).
pub fn file(
    store: &Store,
    kind: PrivacyKind,
    email: &str,
    name: Option<&str>,
    correction: Option<Correction>,
) -> Result<PrivacyOutcome> {
    let subject = Subject::new(email, name)?;
    let out = store.carry_out_privacy(
        PrivacyRequestId::new(),
        kind,
        &subject,
        correction.as_ref(),
        PrivacyOrigin::Local,
        &store.local_actor()?,
    )?;
    Ok(out)
}

fn counts(r: &PrivacyRequestRecord) -> String {
    if r.records.is_empty() {
        return "nothing held".into();
    }
    let total: u64 = r.records.values().sum();
    let parts: Vec<String> = r.records.iter().map(|(k, v)| format!("{k} {v}")).collect();
    format!("{total} records ({})", parts.join(", "))
}

/// `privacy erase|rectify`: prints what was done.
pub fn report(out: &PrivacyOutcome, json: bool) -> Result<i32> {
    if json {
        out!("{}", serde_json::to_string_pretty(&out.request)?);
    } else {
        let r = &out.request;
        out!("{} {} {}: {}", r.kind, r.id, r.status, counts(r));
    }
    Ok(0)
}

/// `privacy access`: writes the JSON and the readable export into `dir`.
pub fn access(
    store: &Store,
    out: &PrivacyOutcome,
    subject: &Subject,
    dir: &Path,
    json: bool,
) -> Result<i32> {
    let (json_path, md_path) =
        store.write_access_export(&store.local_actor()?, subject, out, dir)?;
    let id = out.request.id;
    if json {
        out!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "request": out.request, "json": json_path, "readable": md_path,
            }))?
        );
    } else {
        out!("access {id} completed: {}", counts(&out.request));
        out!("wrote {}", json_path.display());
        out!("wrote {}", md_path.display());
    }
    Ok(0)
}

/// `privacy status`.
pub fn status(store: &Store, json: bool) -> Result<i32> {
    let all = store.privacy_requests()?;
    if json {
        out!("{}", serde_json::to_string_pretty(&all)?);
        return Ok(0);
    }
    if all.is_empty() {
        out!("no privacy requests");
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = all
        .iter()
        .map(|r| {
            vec![
                r.id.to_string(),
                r.kind.to_string(),
                r.status.to_string(),
                r.subject.clone(),
                r.filed_at.chars().take(19).collect(),
                counts(r),
            ]
        })
        .collect();
    out!(
        "{}",
        table::render(
            &["id", "kind", "status", "subject", "filed", "records"],
            &rows
        )
    );
    Ok(0)
}

/// `audit`.
pub fn audit(
    store: &Store,
    action: Option<&str>,
    since: Option<i64>,
    limit: u32,
    json: bool,
) -> Result<i32> {
    let entries = store.audit_log(since, action, limit)?;
    if json {
        out!("{}", serde_json::to_string_pretty(&entries)?);
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                e.seq.to_string(),
                e.at.format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default(),
                e.actor.clone().unwrap_or_else(|| "system".into()),
                e.action.clone(),
                e.target.clone(),
                e.detail.to_string(),
            ]
        })
        .collect();
    out!(
        "{}",
        table::render(&["seq", "at", "actor", "action", "target", "detail"], &rows)
    );
    Ok(0)
}

/// `purge`.
pub fn purge(store: &Store, json: bool) -> Result<i32> {
    let report = store.purge_by_policy(time::OffsetDateTime::now_utc())?;
    let policy = report.policy;
    tracing::info!(removed = report.total(), "retention purge");
    if json {
        out!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        out!(
            "retention purge: removed {} (executives {} d, hiring signals {} d, financials {} d)",
            report.total(),
            policy.executives,
            policy.hiring_signals,
            policy.financials
        );
        for (k, v) in &report.removed {
            out!("  {k}: {v}");
        }
    }
    Ok(0)
}

/// The default directory for access exports.
pub fn default_out() -> PathBuf {
    PathBuf::from(".")
}
