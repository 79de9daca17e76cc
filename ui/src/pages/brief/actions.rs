//! The brief's actions: log a call, export, refresh (with its cost confirmed first) and the
//! comparison date.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::format::{cost_line, over_budget, usd};
use super::header::BackLink;
use super::{BriefState, enrich_jobs};
use crate::api::{self, CostEstimate, EnrichProgress};
use crate::components::progress::ProgressBar;
use crate::components::source_badges::source_name;
use crate::components::toast::use_toasts;

/// What the action bar is doing; one command at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Busy {
    Idle,
    LogCall,
    Export,
    Estimate,
    Starting,
}

/// The bar of action buttons, the refresh confirmation and the refresh progress.
#[component]
pub fn BriefActions(state: BriefState) -> impl IntoView {
    let toasts = use_toasts();
    let busy = RwSignal::new(Busy::Idle);
    let estimate = RwSignal::new(None::<CostEstimate>);
    let job = RwSignal::new(None::<String>);
    // The job waits for the network (offline when it was asked for).
    let queued = RwSignal::new(false);
    let progress = RwSignal::new(None::<EnrichProgress>);
    let since = state.since();

    // Follow the refresh job; when it ends, reload so the brief shows what it found.
    let jobs = enrich_jobs();
    Effect::new(move |_| {
        let Some(id) = job.get() else { return };
        let Some(last) = jobs.with(|list| list.iter().find(|p| p.job == id).cloned()) else {
            return;
        };
        queued.set(false);
        if last.finished {
            // The app frame announces every finished job; this page only reloads.
            job.set(None);
            progress.set(None);
            state.load();
        } else {
            progress.set(Some(last));
        }
    });

    let idle = move || busy.get() == Busy::Idle;

    let log_call = move |_| {
        busy.set(Busy::LogCall);
        let domain = state.domain();
        spawn_local(async move {
            match api::log_call(&domain, None).await {
                Ok(_) => {
                    toasts.success("Call logged: the next changes are counted from now.");
                    // Back to the default comparison, which is now this call.
                    since.set(None);
                    state.load();
                }
                Err(err) => toasts.error(&err),
            }
            busy.set(Busy::Idle);
        });
    };

    let export = move |format: &'static str| {
        busy.set(Busy::Export);
        let domain = state.domain();
        let picked = since.get_untracked();
        spawn_local(async move {
            match api::export_brief(&domain, format, picked.as_deref()).await {
                Ok(done) => {
                    let kind = if format == "pdf" { "PDF" } else { "Markdown" };
                    toasts.success(format!("{kind} saved to {}", done.path));
                }
                Err(err) => toasts.error(&err),
            }
            busy.set(Busy::Idle);
        });
    };

    let ask_refresh = move |_| {
        busy.set(Busy::Estimate);
        let domain = state.domain();
        spawn_local(async move {
            match api::estimate_refresh(&domain).await {
                Ok(cost) => estimate.set(Some(cost)),
                Err(err) => toasts.error(&err),
            }
            busy.set(Busy::Idle);
        });
    };

    let start_refresh = move |_| {
        estimate.set(None);
        busy.set(Busy::Starting);
        let domain = state.domain();
        spawn_local(async move {
            match api::enrich_accounts(std::slice::from_ref(&domain), true).await {
                Ok(started) => {
                    if started.queued {
                        toasts.info(
                            "Offline: the refresh is queued and runs when the network returns.",
                        );
                    }
                    queued.set(started.queued);
                    job.set(Some(started.job));
                }
                Err(err) => toasts.error(&err),
            }
            busy.set(Busy::Idle);
        });
    };

    let on_since = move |ev| {
        let value = event_target_value(&ev);
        let value = value.trim();
        let picked = (!value.is_empty()).then(|| value.to_owned());
        if picked != since.get_untracked() {
            since.set(picked);
            state.load();
        }
    };
    let clear_since = move |_| {
        since.set(None);
        state.load();
    };

    view! {
        <div class="brief-actions" role="toolbar" aria-label="Brief actions">
            <BackLink />
            <span class="brief-actions-spacer"></span>
            <button
                id="log-call"
                type="button"
                class="button button-primary"
                disabled=move || !idle()
                aria-busy=move || (busy.get() == Busy::LogCall).to_string()
                on:click=log_call
            >
                "Log call"
            </button>
            <button
                id="export-md"
                type="button"
                class="button button-secondary"
                disabled=move || !idle()
                on:click=move |_| export("md")
            >
                "Export Markdown"
            </button>
            <button
                id="export-pdf"
                type="button"
                class="button button-secondary"
                disabled=move || !idle()
                on:click=move |_| export("pdf")
            >
                "Export PDF"
            </button>
            <button
                id="refresh"
                type="button"
                class="button button-secondary"
                disabled=move || !idle() || job.with(Option::is_some) || estimate.with(Option::is_some)
                aria-busy=move || job.with(Option::is_some).to_string()
                on:click=ask_refresh
            >
                {move || match (job.with(Option::is_some), queued.get()) {
                    (false, _) => "Refresh",
                    (true, false) => "Refreshing\u{2026}",
                    (true, true) => "Queued",
                }}
            </button>
            <label class="since-picker" for="since">
                <span class="since-picker-label">"Compare since"</span>
                <input
                    id="since"
                    type="date"
                    prop:value=move || since.get().unwrap_or_default()
                    on:change=on_since
                />
            </label>
            <Show when=move || since.with(Option::is_some)>
                <button
                    id="since-clear"
                    type="button"
                    class="button button-ghost"
                    title="Compare with your last call (or the last time you opened this brief)"
                    on:click=clear_since
                >
                    "Reset"
                </button>
            </Show>
        </div>
        {move || estimate.get().map(|cost| view! {
            <RefreshConfirm
                cost
                on_go=Callback::new(start_refresh)
                on_cancel=Callback::new(move |()| estimate.set(None))
            />
        })}
        {move || progress.get().map(|p| {
            let value = if p.total > 0 { f64::from(p.done + p.failed) / f64::from(p.total) } else { 0.0 };
            let label = format!(
                "Refreshing: {} of {} done, {} spent",
                p.done + p.failed,
                p.total,
                usd(p.spent_micros)
            );
            view! {
                <div id="refresh-progress" class="brief-progress" data-job=p.job.clone()>
                    <ProgressBar value=value label=label />
                </div>
            }
        })}
    }
}

/// "Refreshing costs $0.12 for 3 paid calls; $87.20 left this month": go or cancel.
#[component]
fn RefreshConfirm(
    cost: CostEstimate,
    on_go: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    // Focus the confirm button, so Enter confirms and Escape (below) cancels.
    let go_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = go_button.get() {
            let _ = button.focus();
        }
    });
    let over = over_budget(&cost);
    let line = cost_line(&cost);
    let go_label = if cost.cost_micros == 0 {
        "Refresh".to_owned()
    } else {
        format!("Refresh for {}", usd(cost.cost_micros))
    };
    let by_source = cost
        .by_source
        .iter()
        .filter(|s| s.calls > 0)
        .map(|s| {
            let calls = if s.calls == 1 {
                "1 call".to_owned()
            } else {
                format!("{} calls", s.calls)
            };
            view! {
                <li data-source=s.source.clone()>
                    {format!("{}: {calls}, {}", source_name(&s.source), usd(s.cost_micros))}
                </li>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <div
            id="refresh-confirm"
            class="confirm"
            role="dialog"
            aria-labelledby="refresh-cost"
            data-over-budget=over.to_string()
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    on_cancel.run(());
                }
            }
        >
            <div class="confirm-text">
                <p id="refresh-cost" class="confirm-cost">{line}</p>
                {over.then(|| view! {
                    <p class="confirm-warning">"This is more than the budget has left."</p>
                })}
                {(!by_source.is_empty()).then(|| view! { <ul class="confirm-sources">{by_source}</ul> })}
            </div>
            <div class="confirm-buttons">
                <button
                    id="refresh-go"
                    type="button"
                    class="button button-primary"
                    node_ref=go_button
                    on:click=move |_| on_go.run(())
                >
                    {go_label}
                </button>
                <button
                    id="refresh-cancel"
                    type="button"
                    class="button button-ghost"
                    on:click=move |_| on_cancel.run(())
                >
                    "Cancel"
                </button>
            </div>
        </div>
    }
}
