//! Privacy: file a request about one person (access, erasure, rectification), follow each to
//! completion with the records affected (and, for an admin of a sync server, which laptops have
//! reported), see the retention policy and purge now, and read the audit log.
//!
//! Hooks: `section#privacy[data-ready]`, `form#privacy-form` with `#privacy-kind`,
//! `#privacy-email`, `#privacy-name`, `#privacy-new-name`, `#privacy-new-email`,
//! `#privacy-new-title`, `#privacy-submit`; `#privacy-managed` (requests are filed on the
//! server); `table#privacy-requests` (`tr[data-status]`), `table#privacy-server-requests`;
//! `#retention` with `#retention-purge`; `table#audit-log` (`tr[data-action]`), `#audit-filter`;
//! `#privacy-error[data-code]`.

mod form;
mod tables;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError, PrivacyView};
use crate::components::states::{ErrorState, Skeleton};
use crate::components::toast::use_toasts;

/// The page's data and how to reload it.
#[derive(Clone, Copy)]
pub(crate) struct Privacy {
    pub data: RwSignal<Option<PrivacyView>>,
    pub error: RwSignal<Option<ApiError>>,
    pub loading: RwSignal<bool>,
}

impl Privacy {
    pub fn reload(self) {
        self.loading.set(true);
        spawn_local(async move {
            match api::privacy_view().await {
                Ok(v) => {
                    self.data.set(Some(v));
                    self.error.set(None);
                }
                Err(e) => self.error.set(Some(e)),
            }
            self.loading.set(false);
        });
    }
}

#[component]
pub fn PrivacyPage() -> impl IntoView {
    let state = Privacy {
        data: RwSignal::new(None),
        error: RwSignal::new(None),
        loading: RwSignal::new(true),
    };
    state.reload();
    let retry = Callback::new(move |()| state.reload());
    let can_file = move || state.data.with(|d| d.as_ref().is_some_and(|d| d.can_file));
    let managed = move || {
        state
            .data
            .with(|d| d.as_ref().is_some_and(|d| d.server_managed && !d.can_file))
    };
    view! {
        <section
            id="privacy"
            class="page privacy-page"
            aria-labelledby="privacy-title"
            data-ready=move || (!state.loading.get()).to_string()
        >
            <div class="page-head">
                <div>
                    <h2 id="privacy-title" class="page-title">"Privacy"</h2>
                    <p class="page-subtitle">
                        "Requests about one person (GDPR/CCPA), retention and the audit log"
                    </p>
                </div>
            </div>
            {move || state.error.get().map(|error| {
                let code = error.code.clone();
                view! {
                    <div id="privacy-error" data-code=code>
                        <ErrorState error on_retry=retry />
                    </div>
                }
            })}
            {move || managed().then(|| view! {
                <p id="privacy-managed" class="banner banner-info" role="status">
                    "Privacy requests are filed by an admin on the sync server. This laptop carries "
                    "them out at its next sync and reports back; they are listed below."
                </p>
            })}
            {move || (state.data.with(Option::is_none) && state.error.with(Option::is_none))
                .then(|| view! { <Skeleton lines=6 /> })}
            // `Show` keeps the form (and its last result) across reloads of the page's data.
            <Show when=can_file>
                <form::RequestForm state />
            </Show>
            <tables::Requests state />
            <RetentionCard state />
            <tables::AuditLog state />
        </section>
    }
}

/// Days kept per data class, and a button to purge now.
#[component]
fn RetentionCard(state: Privacy) -> impl IntoView {
    let toasts = use_toasts();
    let busy = RwSignal::new(false);
    let purge = move |_| {
        busy.set(true);
        spawn_local(async move {
            match api::purge_retention().await {
                Ok(r) => {
                    let n: u64 = r.removed.values().sum();
                    toasts.success(format!("Retention purge removed {n} record(s)."));
                    state.reload();
                }
                Err(e) => toasts.error(&e),
            }
            busy.set(false);
        });
    };
    let rows = move || {
        state.data.with(|d| {
            let Some(r) = d.as_ref().map(|d| d.retention.clone()) else {
                return Vec::new();
            };
            [
                ("Executives (personal data)", r.executives),
                ("Hiring signals", r.hiring_signals),
                ("Financials", r.financials),
                ("Quotes (personal data)", r.quotes),
                ("History snapshots", r.history),
                ("Usage log", r.usage),
            ]
            .into_iter()
            .map(|(label, days)| {
                let text = if days == 0 {
                    "kept".to_owned()
                } else {
                    format!("{days} days unless refreshed")
                };
                view! { <tr><th scope="row">{label}</th><td>{text}</td></tr> }
            })
            .collect::<Vec<_>>()
        })
    };
    view! {
        <section id="retention" class="card" aria-labelledby="retention-title">
            <div class="card-head">
                <h3 id="retention-title" class="card-title">"Retention"</h3>
                <button
                    id="retention-purge"
                    class="button button-ghost"
                    type="button"
                    disabled=move || busy.get()
                    on:click=purge
                >
                    {move || if busy.get() { "Purging…" } else { "Purge now" }}
                </button>
            </div>
            <p class="card-note">"Purged daily on this laptop and on the server."</p>
            <table class="table retention-table">
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}
