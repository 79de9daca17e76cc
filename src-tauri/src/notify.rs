//! Desktop notifications (notify-rust, over D-Bus on Linux) for the engine's events: an account
//! of the user's turning hot, a competitor's search product disappearing from a site. Each event
//! is recorded in the store before it is shown and marked after, so it is shown once: not twice,
//! not again at the next start. Clicking one opens that account's brief.

use std::sync::Arc;

use pf_engine::EngineEvent;
use pf_store::Notification;
use time::OffsetDateTime;

use crate::events::{self, Emitter, Navigate};
use crate::session::Session;

/// The notification for an engine event, if it is one the user hears about.
pub fn notification_for(
    session: &Session,
    event: &EngineEvent,
    now: OffsetDateTime,
) -> Option<Notification> {
    let (kind, domain, title, body) = match event {
        EngineEvent::HotLeadDetected {
            domain,
            score,
            reasons,
            ..
        } => {
            let name = account_name(session, domain)?;
            let body = if reasons.is_empty() {
                "Open the brief to see why.".to_owned()
            } else {
                reasons
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            (
                "hot_lead",
                domain,
                format!("{name} is hot (score {score})"),
                body,
            )
        }
        EngineEvent::CompetitorDropped {
            domain,
            vendor,
            now: replacement,
        } => {
            let name = account_name(session, domain)?;
            let body = match replacement {
                Some(next) => format!("{vendor} is gone from {domain}; the site now runs {next}."),
                None => format!("{vendor} is gone from {domain}: no site search detected now."),
            };
            (
                "competitor_dropped",
                domain,
                format!("{name} dropped {vendor}"),
                body,
            )
        }
        _ => return None,
    };
    Some(Notification {
        key: format!("{kind}:{domain}:{}", now.date()),
        kind: kind.to_owned(),
        domain: domain.clone(),
        title,
        body: escape_markup(&body),
        created_at: now,
    })
}

/// The account's name when it is the user's: unassigned accounts are the local user's.
fn account_name(session: &Session, domain: &pf_core::Domain) -> Option<String> {
    let user = session
        .config()
        .get("user")
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    let account = session.with_store(|s| s.account_by_domain(domain)).ok()??;
    match &account.owner {
        Some(owner) if owner.as_str() != user => None,
        _ => Some(account.name),
    }
}

/// Notification servers may read the body as markup; web text must stay text.
fn escape_markup(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Whether the user wants notifications (`notifications.enabled`, default on).
fn enabled(session: &Session) -> bool {
    session
        .config()
        .get("notifications.enabled")
        .is_none_or(|v| v.trim() != "false")
}

/// Records and shows one notification unless it was shown before.
pub fn deliver(session: &Session, emitter: &Arc<dyn Emitter>, n: &Notification) {
    match session.with_store(|s| s.record_notification(n)) {
        Ok(true) => show_and_mark(session, emitter, n),
        Ok(false) => tracing::debug!(key = %n.key, "already notified"),
        Err(err) => {
            tracing::warn!(code = %err.code, "cannot record a notification: {}", err.message)
        }
    }
}

fn show_and_mark(session: &Session, emitter: &Arc<dyn Emitter>, n: &Notification) {
    match show(emitter.clone(), n) {
        Ok(()) => {
            let _ =
                session.with_store(|s| s.mark_notification_sent(&n.key, OffsetDateTime::now_utc()));
            tracing::info!(kind = %n.kind, domain = %n.domain, "notification shown");
        }
        Err(err) => {
            tracing::warn!(kind = %n.kind, "cannot show a notification (will retry at next start): {err}")
        }
    }
}

/// Shows a notification; a click ("default" action) opens the brief in the window.
fn show(emitter: Arc<dyn Emitter>, n: &Notification) -> Result<(), notify_rust::error::Error> {
    let handle = notify_rust::Notification::new()
        .appname("PartnerForge")
        .summary(&n.title)
        .body(&n.body)
        .icon("dialog-information")
        .action("default", "Open brief")
        .show()?;
    let domain = n.domain.as_str().to_owned();
    let spawned = std::thread::Builder::new()
        .name("pf-notification".into())
        .spawn(move || {
            handle.wait_for_action(|action| {
                if action == "default" {
                    events::emit(
                        &*emitter,
                        events::NAVIGATE,
                        &Navigate {
                            page: "brief".into(),
                            domain: Some(domain.clone()),
                        },
                    );
                    emitter.focus();
                }
            });
        });
    if let Err(err) = spawned {
        tracing::warn!("cannot wait for a notification click: {err}");
    }
    Ok(())
}

/// Shows what was recorded but never shown (the app stopped in between).
pub fn resend_unsent(session: &Session, emitter: &Arc<dyn Emitter>) {
    match session.with_store(|s| s.unsent_notifications()) {
        Ok(list) => {
            for n in &list {
                show_and_mark(session, emitter, n);
            }
        }
        Err(err) => tracing::warn!(code = %err.code, "cannot read unsent notifications"),
    }
}

/// Listens to the session's engine events for the app's lifetime.
pub async fn watch(session: Arc<Session>, emitter: Arc<dyn Emitter>) {
    resend_unsent(&session, &emitter);
    let mut rx = session.events().subscribe();
    loop {
        match rx.recv().await {
            Ok(event) => {
                if !enabled(&session) {
                    continue;
                }
                if let Some(n) = notification_for(&session, &event, OffsetDateTime::now_utc()) {
                    deliver(&session, &emitter, &n);
                }
            }
            Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                tracing::warn!(missed = n, "notification watcher lagged");
            }
            Err(_) => break,
        }
    }
}
