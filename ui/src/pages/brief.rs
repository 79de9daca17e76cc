//! The pre-call brief of one account: who they are, why now, what changed since the last call,
//! where sources disagree, every module's findings with source and age, and what to say.
//!
//! The brief is loaded with `get_brief(domain, since)`; `since` is `None` (the shell's default
//! comparison: last call, else last opened) until the AE picks a date. Only the latest request
//! may update the page. Reloads (after logging a call, picking a date or a finished refresh)
//! keep the old brief on screen until the new one arrives.
//!
//! Stable hooks for the WebDriver test:
//! - `section#brief[data-domain][data-ready="true|false"]` (`true` once a brief or an error is
//!   painted), `#brief-title`, `#brief-domain`, `#brief-back`, `#why-now`, `#score-parts`
//!   (`li.score-part[data-part]`), `.score-badge[data-priority]`;
//! - actions: `#log-call`, `#export-md`, `#export-pdf`, `#refresh`, `#since` (date input),
//!   `#since-clear`; refresh: `#refresh-confirm` with `#refresh-cost`, `#refresh-go`,
//!   `#refresh-cancel`; `#refresh-progress` (a `.progress` bar) while the job runs;
//! - `#changes` with `#since-basis[data-basis]`, `table.change-list tr.change[data-field]`,
//!   `#change-summaries li.change-summary[data-module]`;
//! - `#conflicts` with `li.conflict[data-module][data-field]`;
//! - `#sections` (`.intel-grid`) of `article.intel-card[data-module][data-enriched]`, facts
//!   `li.fact[data-label]` with `.fact-value` and `.fact-conflict`;
//! - `#talking-points li.talking-point`, `#next-action`;
//! - `#brief-error.error-state[data-code]` on failure, `#brief-loading` while loading.

mod actions;
mod changes;
mod format;
mod header;
mod sections;

use std::cell::OnceCell;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError, BriefView, EnrichProgress};
use crate::components::states::{ErrorState, Skeleton};

use actions::BriefActions;
use changes::{ChangesPanel, ConflictsPanel};
use header::{BriefHeader, HeaderPlaceholder};
use sections::{NextAction, SectionsGrid, TalkingPoints};

/// The page's state, `Copy` so handlers and tasks share it.
#[derive(Clone, Copy)]
pub(crate) struct BriefState {
    domain: StoredValue<String>,
    /// The comparison date the AE picked (`YYYY-MM-DD`), `None` for the shell's default.
    since: RwSignal<Option<String>>,
    view: RwSignal<Option<BriefView>>,
    error: RwSignal<Option<ApiError>>,
    loading: RwSignal<bool>,
    /// The answer to the latest request is painted.
    ready: RwSignal<bool>,
    /// Ticket of the latest request; older answers are dropped.
    latest: StoredValue<u64>,
}

impl BriefState {
    fn new(domain: String) -> Self {
        Self {
            domain: StoredValue::new(domain),
            since: RwSignal::new(None),
            view: RwSignal::new(None),
            error: RwSignal::new(None),
            loading: RwSignal::new(true),
            ready: RwSignal::new(false),
            latest: StoredValue::new(0),
        }
    }

    pub(crate) fn domain(self) -> String {
        self.domain.get_value()
    }

    pub(crate) fn since(self) -> RwSignal<Option<String>> {
        self.since
    }

    /// (Re)loads the brief for the current `since`.
    pub(crate) fn load(self) {
        let Some(ticket) = self.latest.try_update_value(|n| {
            *n = n.wrapping_add(1);
            *n
        }) else {
            return;
        };
        let domain = self.domain();
        let since = self.since.get_untracked();
        self.loading.set(true);
        self.ready.set(false);
        spawn_local(async move {
            let result = api::get_brief(&domain, since.as_deref()).await;
            if self.latest.try_get_value() != Some(ticket) {
                return;
            }
            match result {
                Ok(view) => {
                    self.view.set(Some(view));
                    self.error.set(None);
                }
                Err(err) => self.error.set(Some(err)),
            }
            self.loading.set(false);
            // The DOM follows the signals before the next frame: say "ready" then.
            request_animation_frame(move || {
                if self.latest.try_get_value() == Some(ticket) {
                    self.ready.set(true);
                }
            });
        });
    }
}

/// How many finished or running jobs' last progress is remembered.
const JOBS_KEPT: usize = 16;

thread_local! {
    static JOBS: OnceCell<ArcRwSignal<Vec<EnrichProgress>>> = const { OnceCell::new() };
}

/// The last `pf://enrich-progress` event of each recent job. One listener for the whole app,
/// registered on first use, so pages opened many times do not pile up listeners; a job that
/// finishes before its page learns the job id is still found here.
pub(crate) fn enrich_jobs() -> ArcRwSignal<Vec<EnrichProgress>> {
    JOBS.with(|cell| {
        cell.get_or_init(|| {
            let jobs = ArcRwSignal::new(Vec::new());
            let writer = jobs.clone();
            api::listen::<EnrichProgress>(api::events::ENRICH_PROGRESS, move |progress| {
                writer.update(|list: &mut Vec<EnrichProgress>| {
                    list.retain(|p| p.job != progress.job);
                    list.push(progress);
                    let extra = list.len().saturating_sub(JOBS_KEPT);
                    list.drain(..extra);
                });
            });
            jobs
        })
        .clone()
    })
}

/// The brief of the account at `domain`.
#[component]
pub fn BriefPage(#[prop(into)] domain: String) -> impl IntoView {
    let state = BriefState::new(domain.clone());
    state.load();
    let retry = Callback::new(move |()| state.load());

    let header = move || match state.view.get() {
        Some(view) => view! { <BriefHeader view /> }.into_any(),
        None => {
            let loading = state.error.with(Option::is_none);
            view! { <HeaderPlaceholder domain=state.domain() loading /> }.into_any()
        }
    };

    let body = move || {
        if let Some(error) = state.error.get() {
            return view! {
                <div id="brief-error">
                    <ErrorState error on_retry=retry />
                </div>
            }
            .into_any();
        }
        match state.view.get() {
            Some(view) => view! { <BriefBody view /> }.into_any(),
            None => view! {
                <div id="brief-loading" class="brief-loading">
                    <div class="brief-panel"><Skeleton lines=4 /></div>
                    <div class="brief-panel"><Skeleton lines=4 /></div>
                </div>
            }
            .into_any(),
        }
    };

    view! {
        <section
            id="brief"
            class="page brief"
            data-domain=domain
            data-ready=move || state.ready.get().to_string()
            aria-busy=move || state.loading.get().to_string()
            aria-labelledby="brief-title"
        >
            <BriefActions state />
            {header}
            {body}
        </section>
    }
}

/// Everything below the header and the actions, for one loaded brief.
#[component]
fn BriefBody(view: BriefView) -> impl IntoView {
    let BriefView {
        brief,
        since_basis,
        calls,
    } = view;
    let basis = format::basis_line(
        &since_basis,
        brief.since.as_deref(),
        calls.first().map(|c| c.at.as_str()),
    );
    view! {
        <div class="brief-top">
            <div class="brief-col">
                <ChangesPanel
                    basis
                    basis_key=since_basis
                    field_changes=brief.field_changes.clone()
                    changes=brief.changes.clone()
                />
                <ConflictsPanel conflicts=brief.conflicts.clone() />
            </div>
            <div class="brief-col">
                <NextAction action=brief.next_best_action.clone() />
                <TalkingPoints points=brief.talking_points.clone() />
            </div>
        </div>
        <SectionsGrid sections=brief.sections />
    }
}
