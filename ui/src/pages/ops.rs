//! Ops: the sources' health and circuit breakers, running and recent enrichment jobs, the
//! offline queue, and the engine metrics ([`metrics`]). Polls `ops_status` every [`POLL`] while the page is shown; the timer stops when
//! the page is unmounted. A failed poll shows the error above the last good tables.
//!
//! Hooks: `section#ops[data-ready]`, `#ops-refresh`, `#ops-updated`, `#ops-error[data-code]`,
//! `table#ops-sources` (`tr[data-source]`, `.status-pill[data-health]`, `.status-pill[data-breaker]`,
//! `td[data-key]`), `table#ops-jobs` (`tr[data-job][data-status]`), `#ops-queue`
//! (`li[data-domain]`), `#ops-queue-empty`.

mod metrics;

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError, JobView, OpsView, QueuedView, SourceHealth};
use crate::components::chart::usd;
use crate::components::source_badges::source_name;
use crate::components::states::{ErrorState, Skeleton};

/// How often the page asks again.
const POLL: Duration = Duration::from_secs(5);

#[derive(Clone, Copy)]
struct OpsState {
    data: RwSignal<Option<OpsView>>,
    error: RwSignal<Option<ApiError>>,
    loading: RwSignal<bool>,
    /// When the last answer arrived (local time).
    updated: RwSignal<Option<String>>,
    /// Bumped at each poll: the metrics panel reloads with the page.
    tick: RwSignal<u64>,
}

impl OpsState {
    fn reload(self) {
        // One request at a time (a slow shell must not pile polls up); nothing once unmounted.
        if self.loading.try_get_untracked() != Some(false) {
            return;
        }
        self.loading.set(true);
        self.tick.update(|t| *t += 1);
        spawn_local(async move {
            let result = api::ops_status().await;
            if self.data.is_disposed() {
                return;
            }
            match result {
                Ok(view) => {
                    self.data.set(Some(view));
                    self.error.set(None);
                    self.updated.set(Some(now_label()));
                }
                Err(err) => self.error.set(Some(err)),
            }
            self.loading.set(false);
        });
    }
}

/// The ops page.
#[component]
pub fn OpsPage() -> impl IntoView {
    let state = OpsState {
        data: RwSignal::new(None),
        error: RwSignal::new(None),
        loading: RwSignal::new(false),
        updated: RwSignal::new(None),
        tick: RwSignal::new(0),
    };
    state.reload();
    let timer = set_interval_with_handle(move || state.reload(), POLL).ok();
    on_cleanup(move || {
        if let Some(timer) = timer {
            timer.clear();
        }
    });
    let retry = Callback::new(move |()| state.reload());

    view! {
        <section
            id="ops"
            class="page ops-page"
            aria-labelledby="ops-title"
            data-ready=move || {
                (state.data.with(Option::is_some) || state.error.with(Option::is_some)).to_string()
            }
        >
            <div class="page-head">
                <div>
                    <h2 id="ops-title" class="page-title">"Ops"</h2>
                    <p id="ops-updated" class="page-subtitle" aria-live="polite">
                        {move || match state.updated.get() {
                            Some(at) => format!("Updated {at} · every 5 s"),
                            None => "Checking sources…".to_owned(),
                        }}
                    </p>
                </div>
                <button
                    id="ops-refresh"
                    class="button button-ghost"
                    type="button"
                    on:click=move |_| state.reload()
                >
                    "Refresh"
                </button>
            </div>
            {move || state.error.get().map(|error| {
                let code = error.code.clone();
                view! {
                    <div id="ops-error" data-code=code>
                        <ErrorState error on_retry=retry />
                    </div>
                }
            })}
            {move || match state.data.get() {
                Some(view) => view! { <OpsBody view /> }.into_any(),
                None if state.error.with(Option::is_none) => view! {
                    <div class="card ops-skeleton"><Skeleton lines=10 /></div>
                }
                .into_any(),
                None => ().into_any(),
            }}
            <metrics::MetricsPanel tick=state.tick.read_only() />
        </section>
    }
}

#[component]
fn OpsBody(view: OpsView) -> impl IntoView {
    let OpsView {
        sources,
        mut jobs,
        queued,
    } = view;
    sort_jobs(&mut jobs);
    let running = jobs.iter().filter(|j| j.status == "running").count();
    let sources = sources.into_iter().map(source_row).collect::<Vec<_>>();
    let job_rows = jobs.into_iter().map(job_row).collect::<Vec<_>>();
    let no_jobs = job_rows.is_empty();
    let queue_len = queued.len();
    view! {
        <div class="card ops-card">
            <h3 class="card-title">"Sources"</h3>
            <table id="ops-sources" class="table ops-table">
                <thead>
                    <tr>
                        <th scope="col">"Source"</th>
                        <th scope="col">"Kind"</th>
                        <th scope="col">"Health"</th>
                        <th scope="col">"Breaker"</th>
                        <th scope="col">"Key"</th>
                        <th scope="col" class="num">"Calls (month)"</th>
                        <th scope="col" class="num">"Spend (month)"</th>
                    </tr>
                </thead>
                <tbody>{sources}</tbody>
            </table>
        </div>
        <div class="card ops-card">
            <h3 class="card-title">
                "Jobs"
                <span class="card-title-note">{format!("{running} running")}</span>
            </h3>
            <table id="ops-jobs" class="table ops-table">
                <thead>
                    <tr>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Job"</th>
                        <th scope="col" class="num">"Domains"</th>
                        <th scope="col">"Started"</th>
                        <th scope="col">"Finished"</th>
                    </tr>
                </thead>
                <tbody>{job_rows}</tbody>
            </table>
            {no_jobs.then(|| view! { <p id="ops-jobs-empty" class="empty">"No enrichment jobs yet."</p> })}
        </div>
        <div class="card ops-card">
            <h3 class="card-title">
                "Offline queue"
                <span class="card-title-note">{format!("{queue_len} waiting")}</span>
            </h3>
            {if queued.is_empty() {
                view! { <p id="ops-queue-empty" class="empty">"Nothing is waiting for the network."</p> }
                    .into_any()
            } else {
                view! { <ul id="ops-queue" class="queue-list">{queued.into_iter().map(queue_item).collect::<Vec<_>>()}</ul> }
                    .into_any()
            }}
        </div>
    }
}

fn source_row(source: SourceHealth) -> impl IntoView {
    let SourceHealth {
        id,
        name,
        kind,
        health,
        breaker,
        has_key,
        needs_key,
        spent_this_month_micros,
        calls_this_month,
    } = source;
    let (key_state, key_text) = match (has_key, needs_key) {
        (true, _) => ("set", "Set"),
        (false, true) => ("missing", "Missing"),
        (false, false) => ("none", "Not needed"),
    };
    let name = if name.is_empty() {
        source_name(&id)
    } else {
        name
    };
    let health_class = format!("status-pill status-pill-{}", tone(&health));
    let breaker_class = format!("status-pill status-pill-{}", breaker_tone(&breaker));
    let breaker_text = breaker.replace('_', "-");
    view! {
        <tr data-source=id>
            <td class="cell-strong">{name}</td>
            <td class="muted">{kind}</td>
            <td><span class=health_class data-health=health.clone()>{health.clone()}</span></td>
            <td><span class=breaker_class data-breaker=breaker>{breaker_text}</span></td>
            <td data-key=key_state class=format!("key-{key_state}")>{key_text}</td>
            <td class="num">{calls_this_month}</td>
            <td class="num" data-micros=spent_this_month_micros.to_string()>{usd(spent_this_month_micros)}</td>
        </tr>
    }
}

fn job_row(job: JobView) -> impl IntoView {
    let JobView {
        id,
        started_at,
        finished_at,
        status,
        domains,
    } = job;
    let class = format!("status-pill status-pill-{}", job_tone(&status));
    let short = short_id(&id);
    let finished = finished_at
        .as_deref()
        .map(short_time)
        .unwrap_or_else(|| "—".to_owned());
    let (row_id, row_status) = (id.clone(), status.clone());
    view! {
        <tr data-job=row_id data-status=row_status>
            <td><span class=class>{status}</span></td>
            <td class="mono" title=id>{short}</td>
            <td class="num">{domains}</td>
            <td>{short_time(&started_at)}</td>
            <td>{finished}</td>
        </tr>
    }
}

fn queue_item(item: QueuedView) -> impl IntoView {
    let QueuedView { domain, queued_at } = item;
    let key = domain.clone();
    view! {
        <li data-domain=key>
            <span class="mono">{domain}</span>
            <span class="muted">{format!("queued {}", short_time(&queued_at))}</span>
        </li>
    }
}

/// Running jobs first, then the most recently started.
fn sort_jobs(jobs: &mut [JobView]) {
    jobs.sort_by(|a, b| {
        (b.status == "running")
            .cmp(&(a.status == "running"))
            .then_with(|| b.started_at.cmp(&a.started_at))
    });
}

/// Pill tone of a source's health.
fn tone(health: &str) -> &'static str {
    match health {
        "ok" | "healthy" | "up" => "ok",
        "degraded" | "slow" => "warn",
        "down" | "failing" | "error" => "bad",
        _ => "neutral",
    }
}

fn breaker_tone(breaker: &str) -> &'static str {
    match breaker {
        "closed" => "ok",
        "half_open" => "warn",
        "open" => "bad",
        _ => "neutral",
    }
}

fn job_tone(status: &str) -> &'static str {
    match status {
        "running" => "info",
        "complete" => "ok",
        "partial" | "interrupted" => "warn",
        "failed" => "bad",
        _ => "neutral",
    }
}

/// `2026-11-05T14:03:22Z` → `2026-11-05 14:03`; other text unchanged.
fn short_time(rfc3339: &str) -> String {
    match rfc3339.get(..16) {
        Some(head) if head.as_bytes().get(10) == Some(&b'T') => head.replacen('T', " ", 1),
        _ => rfc3339.to_owned(),
    }
}

/// The end of a job id (UUIDv7 ids share their time-based start): `…9f3c21ab`.
fn short_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 10 {
        id.to_owned()
    } else {
        format!("…{}", chars[chars.len() - 8..].iter().collect::<String>())
    }
}

/// The local time now, `14:03:22`.
fn now_label() -> String {
    let now = js_sys::Date::new_0();
    format!(
        "{:02}:{:02}:{:02}",
        now.get_hours(),
        now.get_minutes(),
        now.get_seconds()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shortened() {
        assert_eq!(short_time("2026-11-05T14:03:22Z"), "2026-11-05 14:03");
        assert_eq!(short_time("yesterday"), "yesterday");
        assert_eq!(
            short_id("0193a2b4-1c2d-7e8f-9a0b-1c2d3e4f5a6b"),
            "…3e4f5a6b"
        );
        assert_eq!(short_id("job-1"), "job-1");
    }

    #[test]
    fn tones() {
        assert_eq!(breaker_tone("open"), "bad");
        assert_eq!(tone("degraded"), "warn");
        assert_eq!(job_tone("running"), "info");
    }
}
