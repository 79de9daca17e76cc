//! My accounts: a search box over the full-text index, filters, the sortable accounts table with
//! multi-select to enrich, and CSV import with a preview ([`import`]).
//!
//! An empty search box lists every account (`list_accounts`); typing searches (`search_accounts`)
//! after a short pause, one row per account. Only the latest request may update the table, so a
//! slow answer to an old query never overwrites a newer one. A failed command shows a banner
//! with its error code instead of the table. The table reloads when the shell says accounts
//! changed (an import, a finished enrichment).
//!
//! Stable hooks for the WebDriver test: `#search`, `#count` (with `data-count`), `#error` (with
//! `data-code`), `table#accounts` (with `data-ready`), `tbody tr[data-domain]`, row checkboxes
//! `input.select-row[data-domain]`, `#enrich-selected`, `#import-open`, filters `#filter-priority`
//! and `#filter-territory` (the synced territories).

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

mod import;
mod table;

use std::collections::BTreeSet;

use crate::api::{self, AccountRow, ApiError};
use crate::components::toast::use_toasts;
use crate::text::count_label;
use import::ImportDialog;
use table::{AccountsTable, Filters, Sort};

/// How long typing must pause before a search is sent.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// The page's state, `Copy` so event handlers and tasks can share it.
#[derive(Clone, Copy)]
struct PageState {
    query: RwSignal<String>,
    rows: RwSignal<Vec<AccountRow>>,
    error: RwSignal<Option<ApiError>>,
    loading: RwSignal<bool>,
    /// Ticket of the latest intent (keystroke, clear, retry); older tickets are stale.
    latest: StoredValue<u64>,
    /// Domains ticked for enrichment.
    selected: RwSignal<BTreeSet<String>>,
    sort: RwSignal<Sort>,
    filters: RwSignal<Filters>,
    importing: RwSignal<bool>,
}

impl PageState {
    fn new() -> Self {
        Self {
            query: RwSignal::new(String::new()),
            rows: RwSignal::new(Vec::new()),
            error: RwSignal::new(None),
            loading: RwSignal::new(true),
            latest: StoredValue::new(0),
            selected: RwSignal::new(BTreeSet::new()),
            sort: RwSignal::new(Sort::default()),
            filters: RwSignal::new(Filters::default()),
            importing: RwSignal::new(false),
        }
    }

    fn next_ticket(self) -> u64 {
        let ticket = self.latest.get_value().wrapping_add(1);
        self.latest.set_value(ticket);
        ticket
    }

    fn is_current(self, ticket: u64) -> bool {
        self.latest.try_get_value() == Some(ticket)
    }

    /// The user changed the search text: fetch after [`DEBOUNCE`], or at once when `now`.
    fn set_query(self, text: String, now: bool) {
        if text == self.query.get_untracked() {
            return;
        }
        self.query.set(text);
        let ticket = self.next_ticket();
        if now {
            self.fetch(ticket);
        } else {
            set_timeout(
                move || {
                    if self.is_current(ticket) {
                        self.fetch(ticket);
                    }
                },
                DEBOUNCE,
            );
        }
    }

    /// Loads the table for the current query (initial load, retry).
    fn reload(self) {
        let ticket = self.next_ticket();
        self.fetch(ticket);
    }

    fn fetch(self, ticket: u64) {
        let query = self.query.get_untracked().trim().to_owned();
        // Keep showing the old rows while reloading (no layout jump); only the first load is empty.
        spawn_local(async move {
            let result = if query.is_empty() {
                api::list_accounts().await
            } else {
                api::search_accounts(&query).await
            };
            if !self.is_current(ticket) {
                return;
            }
            match result {
                Ok(rows) => {
                    self.rows.set(rows);
                    self.error.set(None);
                }
                Err(err) => {
                    self.rows.set(Vec::new());
                    self.error.set(Some(err));
                }
            }
            self.loading.set(false);
        });
    }
}

/// Search box, filters, selection actions, error banner and the accounts table.
#[component]
pub fn AccountsPage() -> impl IntoView {
    let state = PageState::new();
    state.reload();
    crate::app::on_accounts_changed(move || state.reload());
    let toasts = use_toasts();
    let enrich = move |_| {
        let domains: Vec<String> = state.selected.get_untracked().into_iter().collect();
        if domains.is_empty() {
            return;
        }
        spawn_local(async move {
            match api::enrich_accounts(&domains, false).await {
                Ok(started) if started.queued => toasts.info(format!(
                    "Offline: {} accounts queued; they enrich when the network returns.",
                    started.domains
                )),
                Ok(started) => {
                    toasts.info(format!("Enriching {} accounts…", started.domains));
                    state.selected.set(BTreeSet::new());
                }
                Err(err) => toasts.error(&err),
            }
        });
    };
    let selected = move || state.selected.with(BTreeSet::len);

    view! {
        <section class="page" aria-labelledby="accounts-title">
            <div class="page-head">
                <div>
                    <h2 id="accounts-title" class="page-title">"My accounts"</h2>
                    <p id="count" class="page-subtitle" data-count=move || state.rows.with(Vec::len)>
                        {move || {
                            if state.error.with(Option::is_some) {
                                "Accounts are unavailable".to_owned()
                            } else {
                                count_label(state.rows.with(Vec::len), &state.query.get())
                            }
                        }}
                    </p>
                </div>
                <div class="page-actions">
                    <SearchBox state />
                    <button id="import-open" class="button button-ghost" on:click=move |_| state.importing.set(true)>
                        "Import CSV"
                    </button>
                    <button
                        id="enrich-selected"
                        class="button button-primary"
                        prop:disabled=move || selected() == 0
                        on:click=enrich
                    >
                        {move || match selected() {
                            0 => "Enrich selected".to_owned(),
                            n => format!("Enrich {n} selected"),
                        }}
                    </button>
                </div>
            </div>
            <table::FilterBar rows=state.rows filters=state.filters />
            <ErrorBanner state />
            <Show when=move || state.error.with(Option::is_none)>
                <AccountsTable
                    rows=state.rows
                    loading=state.loading
                    query=state.query
                    selected=state.selected
                    sort=state.sort
                    filters=state.filters
                    on_import=Callback::new(move |()| state.importing.set(true))
                />
            </Show>
            <Show when=move || state.importing.get()>
                <ImportDialog
                    on_close=Callback::new(move |()| state.importing.set(false))
                    on_done=Callback::new(move |()| {
                        state.importing.set(false);
                        state.reload();
                    })
                />
            </Show>
        </section>
    }
}

#[component]
fn SearchBox(state: PageState) -> impl IntoView {
    view! {
        <div class="search">
            <svg class="search-icon" viewBox="0 0 20 20" aria-hidden="true">
                <circle cx="8.5" cy="8.5" r="5.5" />
                <line x1="12.6" y1="12.6" x2="17" y2="17" />
            </svg>
            <input
                id="search"
                type="search"
                placeholder="Search accounts, domains, tech…"
                aria-label="Search accounts"
                autocomplete="off"
                spellcheck="false"
                prop:value=move || state.query.get()
                on:input=move |ev| state.set_query(event_target_value(&ev), false)
                on:change=move |ev| state.set_query(event_target_value(&ev), false)
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        state.set_query(String::new(), true);
                    }
                }
            />
        </div>
    }
}

#[component]
fn ErrorBanner(state: PageState) -> impl IntoView {
    move || {
        state.error.get().map(|err| {
            view! {
                <div id="error" class="banner banner-error" role="alert" data-code=err.code.clone()>
                    <div class="banner-text">
                        <span class="banner-code">{err.code.clone()}</span>
                        <span class="banner-message">{err.message.clone()}</span>
                    </div>
                    <button class="button button-ghost" on:click=move |_| state.reload()>
                        "Retry"
                    </button>
                </div>
            }
        })
    }
}
