//! Admin › Budgets: each team's month against its limit (the design system's budget bar), and
//! the form: team, monthly limit (USD), alert threshold (%), hard cap (USD). The hard cap may not
//! be below the monthly limit. A team's existing offline allowance is kept; a new budget gets
//! the server's default ($5).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::Admin;
use super::form::{
    Errors, FORM, FieldError, field_for, invalid, parse_pct, parse_usd, text_field, usd_text,
};
use crate::api::{self, BudgetInput, BudgetView};
use crate::components::chart::BudgetBar;
use crate::components::toast::use_toasts;

const F: &str = "budget";
const FIELDS: [&str; 4] = ["team", "monthly_limit", "alert_threshold", "hard_cap"];
/// The server's default offline allowance, for a team without a budget yet.
const DEFAULT_OFFLINE_MICROS: u64 = 5_000_000;

/// What the form holds, as typed.
#[derive(Debug, Clone, PartialEq)]
struct Draft {
    team: String,
    monthly_limit: String,
    alert_threshold: String,
    hard_cap: String,
}

impl Default for Draft {
    fn default() -> Self {
        Self {
            team: String::new(),
            monthly_limit: String::new(),
            alert_threshold: "80".to_owned(),
            hard_cap: String::new(),
        }
    }
}

impl Draft {
    fn of(b: &BudgetView) -> Self {
        Self {
            team: b.team.clone(),
            monthly_limit: usd_text(b.monthly_limit_micros),
            alert_threshold: b.alert_threshold_pct.to_string(),
            hard_cap: usd_text(b.hard_cap_micros),
        }
    }

    /// The team and input to send, or the errors by field.
    fn check(&self, existing: Option<&BudgetView>) -> Result<(String, BudgetInput), Errors> {
        let mut errors = Errors::new();
        if self.team.trim().is_empty() {
            errors.insert("team", invalid("Choose a team"));
        }
        let mut money = |field, text: &str| {
            parse_usd(text).unwrap_or_else(|e| {
                errors.insert(field, invalid(e));
                0
            })
        };
        let limit = money("monthly_limit", &self.monthly_limit);
        let cap = money("hard_cap", &self.hard_cap);
        let pct = parse_pct(&self.alert_threshold).unwrap_or_else(|e| {
            errors.insert("alert_threshold", invalid(e));
            0
        });
        if errors.is_empty() && limit == 0 {
            errors.insert(
                "monthly_limit",
                invalid("The monthly limit must be above $0"),
            );
        }
        if errors.is_empty() && cap < limit {
            errors.insert(
                "hard_cap",
                invalid("The hard cap may not be below the monthly limit"),
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let input = BudgetInput {
            monthly_limit_micros: limit,
            alert_threshold_pct: pct,
            hard_cap_micros: cap,
            offline_allowance_micros: existing
                .map_or(DEFAULT_OFFLINE_MICROS, |b| b.offline_allowance_micros),
        };
        Ok((self.team.trim().to_owned(), input))
    }
}

#[component]
pub(super) fn BudgetsSection(admin: Admin) -> impl IntoView {
    let toasts = use_toasts();
    let draft = RwSignal::new(Draft::default());
    let errors = RwSignal::new(Errors::new());
    let busy = RwSignal::new(false);
    let budgets = move || {
        admin
            .data
            .with(|d| d.as_ref().map(|d| d.budgets.clone()).unwrap_or_default())
    };
    // Teams to choose from: every team for an admin, else the teams with a budget.
    let teams = move || {
        admin.data.with(|d| {
            let Some(d) = d.as_ref() else {
                return Vec::new();
            };
            let mut ids: Vec<String> = d.teams.iter().map(|t| t.id.clone()).collect();
            for b in &d.budgets {
                if !ids.contains(&b.team) {
                    ids.push(b.team.clone());
                }
            }
            ids
        })
    };
    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        let d = draft.get_untracked();
        let existing = budgets().into_iter().find(|b| b.team == d.team.trim());
        let (team, input) = match d.check(existing.as_ref()) {
            Ok(v) => v,
            Err(e) => return errors.set(e),
        };
        errors.set(Errors::new());
        busy.set(true);
        spawn_local(async move {
            let result = api::save_budget(&team, &input).await;
            busy.set(false);
            match result {
                Ok(b) => {
                    toasts.success(format!("Budget of {} saved", admin.team_name(&b.team)));
                    draft.set(Draft::default());
                    admin.reload();
                }
                Err(err) => errors.set(Errors::from([(field_for(&err, &FIELDS), err)])),
            }
        });
    };
    let field = move |name, label, hint, get: fn(&Draft) -> String, set: fn(&mut Draft, String)| {
        text_field(draft, errors, F, name, label, hint, get, set)
    };

    view! {
        <section class="card admin-card" aria-labelledby="budgets-title">
            <h3 id="budgets-title" class="card-title">"Budgets"</h3>
            <ul id="budget-list" class="admin-list">
                <For each=budgets key=|b| (b.team.clone(), b.monthly_limit_micros, b.spent_micros, b.hard_cap_micros, b.alert_threshold_pct) children=move |b: BudgetView| {
                    let edit = b.clone();
                    let name = admin.team_name(&b.team);
                    let threshold = f64::from(b.alert_threshold_pct) / 100.0;
                    view! {
                        <li data-team=b.team.clone()>
                            <button type="button" class="button button-ghost" on:click=move |_| {
                                errors.set(Errors::new());
                                draft.set(Draft::of(&edit));
                            }>{name}</button>
                            <BudgetBar spent_micros=b.spent_micros limit_micros=Some(b.monthly_limit_micros) threshold />
                        </li>
                    }
                } />
            </ul>
            <form id="budget-form" class="form-stack" on:submit=save>
                <fieldset class="form-stack" prop:disabled=move || !admin.is_admin() || busy.get()>
                    <div class="field-inline">
                        <label class="field-label" for="budget-team">"Team"</label>
                        <select
                            id="budget-team"
                            class="input"
                            prop:value=move || draft.with(|d| d.team.clone())
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                draft.update(|d| d.team = v);
                            }
                        >
                            <option value="">"Choose a team…"</option>
                            <For each=teams key=|t| t.clone() children=move |t: String| {
                                let label = admin.team_name(&t);
                                view! { <option value=t>{label}</option> }
                            } />
                        </select>
                        <FieldError errors form=F field="team" />
                    </div>
                    <div class="field-row">
                        {field("monthly_limit", "Monthly limit (USD)", "500", |d| d.monthly_limit.clone(), |d, v| d.monthly_limit = v)}
                        {field("alert_threshold", "Alert at (%)", "80", |d| d.alert_threshold.clone(), |d, v| d.alert_threshold = v)}
                        {field("hard_cap", "Hard cap (USD)", "600", |d| d.hard_cap.clone(), |d, v| d.hard_cap = v)}
                    </div>
                    <FieldError errors form=F field=FORM />
                    <div class="form-actions">
                        <button type="submit" id="budget-save" class="button button-primary">"Save budget"</button>
                    </div>
                </fieldset>
            </form>
        </section>
    }
}
