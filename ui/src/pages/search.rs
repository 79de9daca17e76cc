//! Full-text search over all stored intelligence (`search_intelligence`): the search page, and
//! the Ctrl/Cmd+K command palette of [`palette`].
//!
//! Typing searches after [`DEBOUNCE`]; only the latest request may update the list, and a query
//! the store cannot parse shows a short note instead of breaking anything. Snippets come with
//! matches in `[brackets]`; they are shown as `<mark>` text, never as HTML.
//!
//! Hooks: `section#search-page[data-ready]`, `#search-input`, `#search-count[data-count]`,
//! `.search-result[data-domain]` (buttons: click or Enter opens the brief), `.search-field`,
//! `.search-snippet mark`, `#search-empty`, `#search-error[data-code]`.

mod palette;

pub use palette::SearchPalette;

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError, SearchResult};
use crate::components::states::Skeleton;
use crate::route::{Route, use_route};
use crate::text::highlight_parts;

/// How long typing must pause before a search is sent.
const DEBOUNCE: Duration = Duration::from_millis(120);

/// A query, its results and the request bookkeeping; `Copy`, shared by handlers and tasks.
#[derive(Clone, Copy)]
struct Searcher {
    query: RwSignal<String>,
    results: RwSignal<Vec<SearchResult>>,
    error: RwSignal<Option<ApiError>>,
    loading: RwSignal<bool>,
    /// The query the shown results answer.
    answered: RwSignal<String>,
    /// Ticket of the latest intent; answers to older ones are dropped.
    latest: StoredValue<u64>,
}

impl Searcher {
    fn new(query: String) -> Self {
        let searcher = Self {
            query: RwSignal::new(String::new()),
            results: RwSignal::new(Vec::new()),
            error: RwSignal::new(None),
            loading: RwSignal::new(false),
            answered: RwSignal::new(String::new()),
            latest: StoredValue::new(0),
        };
        searcher.set_query(query, true);
        searcher
    }

    fn next_ticket(self) -> Option<u64> {
        self.latest.try_update_value(|n| {
            *n = n.wrapping_add(1);
            *n
        })
    }

    fn is_current(self, ticket: u64) -> bool {
        self.latest.try_get_value() == Some(ticket)
    }

    /// The user typed: search after [`DEBOUNCE`], or at once when `now`.
    fn set_query(self, text: String, now: bool) {
        if now || text != self.query.get_untracked() {
            self.query.set(text);
        }
        let Some(ticket) = self.next_ticket() else {
            return;
        };
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

    fn fetch(self, ticket: u64) {
        let query = self.query.get_untracked().trim().to_owned();
        if query.is_empty() {
            self.results.set(Vec::new());
            self.error.set(None);
            self.answered.set(String::new());
            self.loading.set(false);
            return;
        }
        self.loading.set(true);
        spawn_local(async move {
            let result = api::search_intelligence(&query).await;
            if !self.is_current(ticket) {
                return;
            }
            match result {
                Ok(rows) => {
                    self.results.set(rows);
                    self.error.set(None);
                }
                Err(err) => {
                    self.results.set(Vec::new());
                    self.error.set(Some(err));
                }
            }
            self.answered.set(query);
            self.loading.set(false);
        });
    }
}

/// The snippet with its `[matches]` as `<mark>`, as text only.
fn snippet_parts(text: &str) -> Vec<AnyView> {
    highlight_parts(text)
        .into_iter()
        .map(|(hit, part)| {
            if hit {
                view! { <mark>{part}</mark> }.into_any()
            } else {
                view! { <span>{part}</span> }.into_any()
            }
        })
        .collect()
}

/// "1 result", "12 results".
fn results_label(count: usize) -> String {
    format!("{count} {}", if count == 1 { "result" } else { "results" })
}

/// What a failed query says: the store's parser refusing it is not worth alarming anyone.
fn error_hint(error: &ApiError) -> String {
    if error.code.contains("query") || error.code.contains("syntax") || error.code.contains("fts") {
        "That search could not be read; try plain words.".to_owned()
    } else {
        error.message.clone()
    }
}

/// The search page, starting with `query`.
#[component]
pub fn SearchPage(#[prop(into)] query: String) -> impl IntoView {
    let searcher = Searcher::new(query);
    let route = use_route();
    let input_ref = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = input_ref.get() {
            let _ = input.focus();
        }
    });

    view! {
        <section
            id="search-page"
            class="page search-page"
            aria-labelledby="search-title"
            data-ready=move || (!searcher.loading.get()).to_string()
        >
            <div class="page-head">
                <div>
                    <h2 id="search-title" class="page-title">"Search"</h2>
                    <p
                        id="search-count"
                        class="page-subtitle"
                        aria-live="polite"
                        data-count=move || searcher.results.with(Vec::len)
                    >
                        {move || {
                            let answered = searcher.answered.get();
                            if answered.is_empty() {
                                "Companies, technologies, people, news…".to_owned()
                            } else {
                                format!("{} for \u{201c}{answered}\u{201d}", results_label(searcher.results.with(Vec::len)))
                            }
                        }}
                    </p>
                </div>
                <div class="search">
                    <svg class="search-icon" viewBox="0 0 20 20" aria-hidden="true">
                        <circle cx="8.5" cy="8.5" r="5.5" />
                        <line x1="12.6" y1="12.6" x2="17" y2="17" />
                    </svg>
                    <input
                        id="search-input"
                        node_ref=input_ref
                        type="search"
                        placeholder="Search all intelligence…"
                        aria-label="Search all intelligence"
                        autocomplete="off"
                        spellcheck="false"
                        prop:value=move || searcher.query.get()
                        on:input=move |ev| searcher.set_query(event_target_value(&ev), false)
                        on:keydown=move |ev| match ev.key().as_str() {
                            "Enter" => searcher.set_query(event_target_value(&ev), true),
                            "Escape" => searcher.set_query(String::new(), true),
                            _ => {}
                        }
                    />
                </div>
            </div>
            {move || searcher.error.get().map(|error| {
                let code = error.code.clone();
                view! {
                    <p id="search-error" class="field-error" role="alert" data-code=code>
                        <span class="field-error-code">{error.code.clone()}</span>
                        " "
                        {error_hint(&error)}
                    </p>
                }
            })}
            <div class="card search-results">
                <Show when=move || searcher.loading.get() && searcher.results.with(Vec::is_empty)>
                    <div class="search-skeleton"><Skeleton lines=6 /></div>
                </Show>
                <ol id="search-results" class="search-list">
                    <For
                        each=move || searcher.results.get().into_iter().enumerate()
                        key=|(i, r)| (*i, r.domain.clone(), r.field_label.clone(), r.snippet.clone())
                        children=move |(_, result)| view! { <ResultItem result route /> }
                    />
                </ol>
                <Show when=move || {
                    !searcher.loading.get()
                        && searcher.error.with(Option::is_none)
                        && !searcher.answered.with(String::is_empty)
                        && searcher.results.with(Vec::is_empty)
                }>
                    <p id="search-empty" class="empty">
                        {move || format!("Nothing matches \u{201c}{}\u{201d}.", searcher.answered.get())}
                    </p>
                </Show>
            </div>
        </section>
    }
}

#[component]
fn ResultItem(result: SearchResult, route: RwSignal<Route>) -> impl IntoView {
    let SearchResult {
        domain,
        name,
        field_label,
        snippet,
    } = result;
    let target = domain.clone();
    let key = domain.clone();
    view! {
        <li>
            <button class="search-result" type="button" data-domain=key on:click=move |_| route.set(Route::Brief(target.clone()))>
                <span class="search-result-head">
                    <span class="account-name">{name}</span>
                    <span class="cell-domain">{domain}</span>
                </span>
                <span class="search-field">{field_label}</span>
                <span class="search-snippet">{snippet_parts(&snippet)}</span>
            </button>
        </li>
    }
}
