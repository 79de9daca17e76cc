//! Usage & budget: what the month's enrichment cost, by source, day and user, against the
//! monthly budget.
//!
//! Loads `usage_summary` on mount, on Refresh and whenever an enrichment job finishes
//! (`pf://enrich-progress` with `finished`). Only the latest request may update the page.
//!
//! Hooks: `section#usage[data-ready]`, `#usage-refresh`, `#usage-total[data-micros]`,
//! `#usage-calls`, `.budget[data-state]`, `#usage-by-source`, `#usage-by-day`, `#usage-by-user`
//! (bars `[data-key]`), `#team-budget[data-micros]` (the team's budget, logged in to a server), `table#usage-table` (sources and users, `tr[data-group][data-key]`),
//! `details#usage-days` with `table#usage-day-table` (days with calls), `#usage-empty`,
//! `#usage-error[data-code]`.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError, BudgetView, UsageBucket, UsageView};
use crate::components::chart::{BarChart, BudgetBar, usd, usd_f64};
use crate::components::source_badges::source_name;
use crate::components::states::{EmptyState, ErrorState, Skeleton};

#[derive(Clone, Copy)]
struct UsageState {
    data: RwSignal<Option<UsageView>>,
    error: RwSignal<Option<ApiError>>,
    loading: RwSignal<bool>,
    latest: StoredValue<u64>,
    /// The team's budget on the sync server, from the last sync (logged in only).
    team: RwSignal<Option<BudgetView>>,
    /// This month's budget alerts the server sent to this manager.
    alerts: RwSignal<Vec<api::BudgetAlert>>,
}

impl UsageState {
    fn new() -> Self {
        Self {
            data: RwSignal::new(None),
            error: RwSignal::new(None),
            loading: RwSignal::new(true),
            latest: StoredValue::new(0),
            team: RwSignal::new(None),
            alerts: RwSignal::new(Vec::new()),
        }
    }

    /// Fetches the summary; an answer to an older request is dropped.
    fn reload(self) {
        let Some(ticket) = self.latest.try_update_value(|n| {
            *n += 1;
            *n
        }) else {
            return; // the page is gone
        };
        self.loading.set(true);
        spawn_local(async move {
            let result = api::usage_summary().await;
            let org = api::synced_org().await.ok().unwrap_or_default();
            if self.latest.try_get_value() != Some(ticket) {
                return;
            }
            self.team.set(org.team_budget);
            self.alerts.set(org.budget_alerts);
            match result {
                Ok(view) => {
                    self.data.set(Some(view));
                    self.error.set(None);
                }
                Err(err) => self.error.set(Some(err)),
            }
            self.loading.set(false);
        });
    }
}

/// The usage page.
#[component]
pub fn UsagePage() -> impl IntoView {
    let state = UsageState::new();
    state.reload();
    // A finished enrichment changes accounts and spend: reload (one app-wide listener, see app.rs).
    crate::app::on_accounts_changed(move || state.reload());
    let retry = Callback::new(move |()| state.reload());

    view! {
        <section
            id="usage"
            class="page usage-page"
            aria-labelledby="usage-title"
            data-ready=move || (!state.loading.get()).to_string()
        >
            <div class="page-head">
                <div>
                    <h2 id="usage-title" class="page-title">"Usage & budget"</h2>
                    <p class="page-subtitle">
                        {move || state.data.with(|d| match d {
                            Some(v) => format!("Spend in {}", v.month),
                            None => "Spend this month".to_owned(),
                        })}
                    </p>
                </div>
                <button
                    id="usage-refresh"
                    class="button button-ghost"
                    type="button"
                    disabled=move || state.loading.get()
                    on:click=move |_| state.reload()
                >
                    {move || if state.loading.get() { "Refreshing…" } else { "Refresh" }}
                </button>
            </div>
            {move || state.error.get().map(|error| {
                let code = error.code.clone();
                view! {
                    <div id="usage-error" data-code=code>
                        <ErrorState error on_retry=retry />
                    </div>
                }
            })}
            {move || {
                let loading_first = state.data.with(Option::is_none) && state.error.with(Option::is_none);
                loading_first.then(|| view! {
                    <div class="usage-skeleton"><Skeleton lines=8 /></div>
                })
            }}
            {move || state.data.get().map(|view| view! { <UsageBody view /> })}
            // After the laptop's own budget, so `.budget` still finds that one first.
            {move || state.alerts.get().into_iter().map(|a| view! {
                <div class="banner banner-warning budget-alert" role="alert" data-team=a.team.clone()>
                    <span class="banner-message">{a.text()}</span>
                </div>
            }).collect::<Vec<_>>()}
            {move || state.team.get().map(|budget| view! { <TeamBudget budget /> })}
        </section>
    }
}

/// The team's month on the sync server: spent (and held) against the team's limit.
#[component]
fn TeamBudget(budget: BudgetView) -> impl IntoView {
    let threshold = f64::from(budget.alert_threshold_pct) / 100.0;
    let used = budget.spent_micros.saturating_add(budget.reserved_micros);
    let cap = format!(
        "Hard cap {} · {}",
        usd(budget.hard_cap_micros),
        budget.month
    );
    view! {
        <div id="team-budget" class="card stat-card budget-card" data-team=budget.team.clone() data-micros=used.to_string()>
            <p class="stat-label">"Team budget"</p>
            <BudgetBar spent_micros=used limit_micros=Some(budget.monthly_limit_micros) threshold />
            <p class="stat-sub">{cap}</p>
        </div>
    }
}

#[component]
fn UsageBody(view: UsageView) -> impl IntoView {
    let nothing = view.spent_micros == 0 && view.by_source.iter().all(|b| b.micros == 0);
    let calls = view.calls;
    let spent = view.spent_micros;
    let by_source = bars(&view.by_source);
    let by_user = bars(&view.by_user);
    let by_day = bars(&view.by_day);
    let mut table = table_rows("Source", &view.by_source, source_label);
    table.extend(table_rows("User", &view.by_user, str::to_owned));
    let day_rows = table_rows("Day", &view.by_day, str::to_owned);
    view! {
        <div class="usage-top">
            <div class="card stat-card">
                <p class="stat-label">"Spent this month"</p>
                <p id="usage-total" class="stat-value" data-micros=spent.to_string()>{usd(spent)}</p>
                <p id="usage-calls" class="stat-sub" data-calls=calls.to_string()>
                    {format!("{calls} {}", if calls == 1 { "call" } else { "calls" })}
                </p>
            </div>
            <div class="card stat-card budget-card">
                <p class="stat-label">"Monthly budget"</p>
                <BudgetBar spent_micros=spent limit_micros=view.budget_micros threshold=view.threshold />
            </div>
        </div>
        {if nothing {
            view! {
                <div id="usage-empty" class="card">
                    <EmptyState
                        title="Nothing spent this month"
                        detail="Paid sources are charged when accounts are enriched."
                    />
                </div>
            }
            .into_any()
        } else {
            view! {
                <div class="usage-charts">
                    <div class="card chart-card">
                        <h3 class="card-title">"By source"</h3>
                        <BarChart
                            id="usage-by-source"
                            bars=by_source
                            format=usd_f64
                            label=source_label
                            title="Spend by source"
                        />
                    </div>
                    <div class="card chart-card">
                        <h3 class="card-title">"By user"</h3>
                        <BarChart id="usage-by-user" bars=by_user format=usd_f64 title="Spend by user" />
                    </div>
                    <div class="card chart-card chart-wide">
                        <h3 class="card-title">"By day"</h3>
                        <BarChart
                            id="usage-by-day"
                            bars=by_day
                            format=usd_f64
                            vertical=true
                            label=day_label
                            title="Spend by day"
                        />
                    </div>
                </div>
                <div class="card">
                    <table id="usage-table" class="table usage-table">
                        <caption class="sr-only">"Spend this month by source and by user"</caption>
                        {table_head()}
                        <tbody>{table}</tbody>
                    </table>
                    <details id="usage-days" class="usage-days">
                        <summary>"Spend by day"</summary>
                        <table id="usage-day-table" class="table usage-table">
                            {table_head()}
                            <tbody>{day_rows}</tbody>
                        </table>
                    </details>
                </div>
            }
            .into_any()
        }}
    }
}

/// Chart bars from buckets: `(key, micros)`; the key is each bar's `data-key`.
fn bars(buckets: &[UsageBucket]) -> Vec<(String, f64)> {
    buckets
        .iter()
        .map(|b| (b.key.clone(), b.micros as f64))
        .collect()
}

fn source_label(id: &str) -> String {
    source_name(id)
}

/// `2026-11-05` → `5`; anything else unchanged.
fn day_label(key: &str) -> String {
    key.rsplit('-')
        .next()
        .map(|d| d.trim_start_matches('0').to_owned())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| key.to_owned())
}

/// The table rows of one group (`Source`, `User`, `Day`); days without calls or spend are left
/// to the chart.
fn table_rows(
    group: &'static str,
    buckets: &[UsageBucket],
    name: fn(&str) -> String,
) -> Vec<AnyView> {
    buckets
        .iter()
        .filter(|b| group != "Day" || b.calls > 0 || b.micros > 0)
        .map(|b| {
            view! {
                <tr data-group=group.to_ascii_lowercase() data-key=b.key.clone()>
                    <td class="muted">{group}</td>
                    <td>{name(&b.key)}</td>
                    <td class="num">{b.calls}</td>
                    <td class="num" data-micros=b.micros.to_string()>{usd(b.micros)}</td>
                </tr>
            }
            .into_any()
        })
        .collect()
}

/// The column heads shared by the usage tables.
fn table_head() -> impl IntoView {
    view! {
        <thead>
            <tr>
                <th scope="col">"Group"</th>
                <th scope="col">"Name"</th>
                <th scope="col" class="num">"Calls"</th>
                <th scope="col" class="num">"Spent"</th>
            </tr>
        </thead>
    }
}
