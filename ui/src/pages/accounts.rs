//! The accounts page: a search box over the full-text index and the accounts table.
//!
//! An empty search box lists every account (`list_accounts`); typing searches (`search_accounts`)
//! after a short pause, one row per account. Only the latest request may update the table, so a
//! slow answer to an old query never overwrites a newer one. A failed command shows a banner
//! with its error code instead of the table.
//!
//! Stable hooks for the WebDriver test: `#search`, `#count` (with `data-count`), `#error` (with
//! `data-code`), `table#accounts` (with `data-ready`), `tbody tr[data-domain]`.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, AccountRow, ApiError};
use crate::text::{count_label, empty_label, highlight_parts, segment_class};

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
}

impl PageState {
    fn new() -> Self {
        Self {
            query: RwSignal::new(String::new()),
            rows: RwSignal::new(Vec::new()),
            error: RwSignal::new(None),
            loading: RwSignal::new(true),
            latest: StoredValue::new(0),
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
        self.loading.set(true);
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

/// Search box, count, error banner and the accounts table.
#[component]
pub fn AccountsPage() -> impl IntoView {
    let state = PageState::new();
    state.reload();

    view! {
        <section class="page" aria-labelledby="accounts-title">
            <div class="page-head">
                <div>
                    <h2 id="accounts-title" class="page-title">"Accounts"</h2>
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
                <SearchBox state />
            </div>
            <ErrorBanner state />
            <Show when=move || state.error.with(Option::is_none)>
                <AccountsTable state />
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

#[component]
fn AccountsTable(state: PageState) -> impl IntoView {
    let empty = move || {
        !state.loading.get() && state.error.with(Option::is_none) && state.rows.with(Vec::is_empty)
    };
    view! {
        <div class="card">
            <table id="accounts" class="table" data-ready=move || (!state.loading.get()).to_string()>
                <thead>
                    <tr>
                        <th scope="col" class="col-name">"Name"</th>
                        <th scope="col" class="col-domain">"Domain"</th>
                        <th scope="col" class="col-region">"Region"</th>
                        <th scope="col" class="col-segment">"Segment"</th>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || state.rows.get()
                        // Rows are static views: key on what they show, so a search result
                        // (with its snippet) replaces the plain row of the same account.
                        key=|row| (row.id.clone(), row.matched.clone(), row.snippet.clone())
                        children=|row: AccountRow| view! { <AccountRowView row /> }
                    />
                </tbody>
            </table>
            <Show when=empty>
                <p id="empty" class="empty">
                    {move || empty_label(&state.query.get())}
                </p>
            </Show>
        </div>
    }
}

#[component]
fn AccountRowView(row: AccountRow) -> impl IntoView {
    let AccountRow {
        name,
        domain,
        region,
        segment,
        matched,
        snippet,
        ..
    } = row;
    let key = domain.clone();
    view! {
        <tr data-domain=key>
            <td class="cell-name">
                <span class="account-name">{name}</span>
                {snippet.map(|text| view! { <Snippet label=matched text /> })}
            </td>
            <td class="cell-domain">{domain}</td>
            <td>{text_or_dash(region)}</td>
            <td>
                {match segment {
                    Some(seg) => {
                        let class = segment_class(&seg);
                        view! { <span class=class>{seg}</span> }.into_any()
                    }
                    None => view! { <span class="muted">"—"</span> }.into_any(),
                }}
            </td>
        </tr>
    }
}

/// A search snippet: what matched, then the text with the store's `[match]` marks highlighted.
#[component]
fn Snippet(label: Option<String>, text: String) -> impl IntoView {
    let parts = highlight_parts(&text)
        .into_iter()
        .map(|(hit, part)| {
            if hit {
                view! { <mark>{part}</mark> }.into_any()
            } else {
                view! { <span>{part}</span> }.into_any()
            }
        })
        .collect::<Vec<_>>();
    view! {
        <span class="snippet">
            {label.map(|l| view! { <span class="snippet-label">{l}</span> })}
            {parts}
        </span>
    }
}

fn text_or_dash(value: Option<String>) -> impl IntoView {
    match value {
        Some(text) => view! { <span>{text}</span> }.into_any(),
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}
