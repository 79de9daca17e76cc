//! The single-purpose settings forms: vendor profile, scoring thresholds, budget and
//! notifications.
//!
//! Hooks: `#home-vendor`, `#competitors`, `#save-vendor`; `#threshold-hot`, `#threshold-warm`,
//! `#threshold-cool`, `#thresholds-invalid` (inline validation), `#save-thresholds`;
//! `#budget-limit` (USD), `#budget-threshold` (percent of the limit), `#budget-invalid`,
//! `#save-budget`; `#notifications` (saves on change). Errors: `#err-<field>` with fields
//! `home-vendor`, `competitors`, `thresholds`, `budget`, `notifications`.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::{FieldError, SettingsState};
use crate::api::{self, ApiError, SettingsView};
use crate::components::chart::fmt_number;

/// Sends `(key, value)` pairs one after another, stopping at the first refusal.
async fn set_all(pairs: Vec<(String, String)>) -> Result<SettingsView, ApiError> {
    let mut last = None;
    for (key, value) in pairs {
        last = Some(api::set_config(&key, &value).await?);
    }
    match last {
        Some(view) => Ok(view),
        None => api::get_settings().await,
    }
}

#[component]
pub(super) fn VendorForm(state: SettingsState, view: SettingsView) -> impl IntoView {
    let vendor = RwSignal::new(view.home_vendor);
    let competitors = RwSignal::new(view.competitors.join(", "));
    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        let vendor_value = vendor.get_untracked().trim().to_owned();
        let list = normalize_list(&competitors.get_untracked());
        let (old_vendor, old_list) = state
            .view
            .with_untracked(|v| {
                v.as_ref()
                    .map(|v| (v.home_vendor.clone(), v.competitors.join(",")))
            })
            .unwrap_or_default();
        let vendor_changed = vendor_value != old_vendor;
        let list_changed = list != old_list;
        if vendor_changed || !list_changed {
            state.save(
                "home-vendor",
                "Home vendor saved",
                async move { api::set_config("home_vendor", &vendor_value).await },
                |_| {},
            );
        }
        if list_changed {
            state.save(
                "competitors",
                "Competitors saved",
                async move { api::set_config("competitors", &list).await },
                move |view| competitors.set(view.competitors.join(", ")),
            );
        }
    };
    view! {
        <section id="settings-vendor" class="card settings-card" aria-labelledby="vendor-title">
            <h3 id="vendor-title" class="card-title">"Vendor profile"</h3>
            <form class="form-stack" on:submit=save>
                <label class="field-label" for="home-vendor">"Home vendor"</label>
                <input
                    id="home-vendor"
                    class="input"
                    type="text"
                    prop:value=move || vendor.get()
                    on:input=move |ev| vendor.set(event_target_value(&ev))
                />
                <FieldError state field="home-vendor" />
                <label class="field-label" for="competitors">"Competitors (comma-separated)"</label>
                <input
                    id="competitors"
                    class="input"
                    type="text"
                    placeholder="Coveo, Bloomreach, Elasticsearch"
                    prop:value=move || competitors.get()
                    on:input=move |ev| competitors.set(event_target_value(&ev))
                />
                <FieldError state field="competitors" />
                <div class="form-actions">
                    <button
                        id="save-vendor"
                        class="button button-primary"
                        type="submit"
                        disabled=move || state.is_busy("home-vendor") || state.is_busy("competitors")
                    >
                        "Save profile"
                    </button>
                </div>
            </form>
        </section>
    }
}

#[component]
pub(super) fn ScoringForm(state: SettingsState, view: SettingsView) -> impl IntoView {
    let hot = RwSignal::new(view.hot.to_string());
    let warm = RwSignal::new(view.warm.to_string());
    let cool = RwSignal::new(view.cool.to_string());
    let checked = Memo::new(move |_| check_thresholds(&hot.get(), &warm.get(), &cool.get()));
    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Ok(new) = checked.get_untracked() else {
            return;
        };
        let old = state
            .view
            .with_untracked(|v| v.as_ref().map(|v| [v.hot, v.warm, v.cool]))
            .unwrap_or(new);
        let names = ["scoring.hot", "scoring.warm", "scoring.cool"];
        let pairs = threshold_order(old, new)
            .into_iter()
            .map(|i| (names[i].to_owned(), new[i].to_string()))
            .collect();
        state.save(
            "thresholds",
            "Scoring thresholds saved",
            set_all(pairs),
            |_| {},
        );
    };
    let input = move |id: &'static str, label: &'static str, value: RwSignal<String>| {
        view! {
            <div class="field-inline">
                <label class="field-label" for=id>{label}</label>
                <input
                    id=id
                    class="input input-number"
                    type="number"
                    min="0"
                    max="100"
                    step="1"
                    aria-invalid=move || checked.with(Result::is_err).to_string()
                    // Not bound back: a number input reports "" while half-typed (`2.`).
                    value=value.get_untracked()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            </div>
        }
    };
    view! {
        <section id="settings-scoring" class="card settings-card" aria-labelledby="scoring-title">
            <h3 id="scoring-title" class="card-title">"Scoring thresholds"</h3>
            <p class="settings-help">"A score at or above a threshold gets its temperature (0–100)."</p>
            <form class="form-stack" on:submit=save>
                <div class="field-row">
                    {input("threshold-hot", "Hot", hot)}
                    {input("threshold-warm", "Warm", warm)}
                    {input("threshold-cool", "Cool", cool)}
                </div>
                {move || checked.get().err().map(|text| view! {
                    <p id="thresholds-invalid" class="field-error" role="alert">{text}</p>
                })}
                <FieldError state field="thresholds" />
                <div class="form-actions">
                    <button
                        id="save-thresholds"
                        class="button button-primary"
                        type="submit"
                        disabled=move || checked.with(Result::is_err) || state.is_busy("thresholds")
                    >
                        "Save thresholds"
                    </button>
                </div>
            </form>
        </section>
    }
}

#[component]
pub(super) fn BudgetForm(state: SettingsState, view: SettingsView) -> impl IntoView {
    let limit = RwSignal::new(fmt_number(view.budget_monthly_usd));
    let alert = RwSignal::new(fmt_number((view.budget_alert_threshold * 100.0).round()));
    let checked = Memo::new(move |_| check_budget(&limit.get(), &alert.get()));
    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Ok((usd, fraction)) = checked.get_untracked() else {
            return;
        };
        let pairs = vec![
            ("budget.monthly_limit_usd".to_owned(), fmt_number(usd)),
            ("budget.alert_threshold".to_owned(), fraction.to_string()),
        ];
        state.save("budget", "Budget saved", set_all(pairs), |_| {});
    };
    view! {
        <section id="settings-budget" class="card settings-card" aria-labelledby="budget-title">
            <h3 id="budget-title" class="card-title">"Budget"</h3>
            <form class="form-stack" on:submit=save>
                <div class="field-row">
                    <div class="field-inline">
                        <label class="field-label" for="budget-limit">"Monthly limit (USD)"</label>
                        <input
                            id="budget-limit"
                            class="input input-number"
                            type="number"
                            min="0"
                            step="0.01"
                            value=limit.get_untracked()
                            on:input=move |ev| limit.set(event_target_value(&ev))
                        />
                    </div>
                    <div class="field-inline">
                        <label class="field-label" for="budget-threshold">"Alert at (% of limit)"</label>
                        <input
                            id="budget-threshold"
                            class="input input-number"
                            type="number"
                            min="1"
                            max="100"
                            step="1"
                            value=alert.get_untracked()
                            on:input=move |ev| alert.set(event_target_value(&ev))
                        />
                    </div>
                </div>
                {move || checked.get().err().map(|text| view! {
                    <p id="budget-invalid" class="field-error" role="alert">{text}</p>
                })}
                <FieldError state field="budget" />
                <div class="form-actions">
                    <button
                        id="save-budget"
                        class="button button-primary"
                        type="submit"
                        disabled=move || checked.with(Result::is_err) || state.is_busy("budget")
                    >
                        "Save budget"
                    </button>
                </div>
            </form>
        </section>
    }
}

#[component]
pub(super) fn NotificationsForm(state: SettingsState, view: SettingsView) -> impl IntoView {
    let on = RwSignal::new(view.notifications);
    let change = move |ev: leptos::ev::Event| {
        let wanted = event_target_checked(&ev);
        on.set(wanted);
        let text = if wanted {
            "Notifications on"
        } else {
            "Notifications off"
        };
        let value = wanted.to_string();
        state.save(
            "notifications",
            text,
            async move {
                let result = api::set_config("notifications.enabled", &value).await;
                if result.is_err() {
                    on.set(!wanted);
                }
                result
            },
            move |view| on.set(view.notifications),
        );
    };
    view! {
        <section id="settings-notifications" class="card settings-card" aria-labelledby="notify-title">
            <h3 id="notify-title" class="card-title">"Notifications"</h3>
            <label class="check-row" for="notifications">
                <input
                    id="notifications"
                    type="checkbox"
                    prop:checked=move || on.get()
                    disabled=move || state.is_busy("notifications")
                    on:change=change
                />
                <span>"Notify me when enrichment finishes and when an account changes"</span>
            </label>
            <FieldError state field="notifications" />
        </section>
    }
}

// ---- pure helpers -----------------------------------------------------------------------------

/// `a, b,,c ` → `a,b,c`.
fn normalize_list(text: &str) -> String {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(",")
}

/// Hot, warm and cool as whole numbers 0–100 with hot > warm > cool, or why not.
fn check_thresholds(hot: &str, warm: &str, cool: &str) -> Result<[u32; 3], String> {
    let parse = |name: &str, text: &str| -> Result<u32, String> {
        match text.trim().parse::<u32>() {
            Ok(n) if n <= 100 => Ok(n),
            _ => Err(format!("{name} must be a whole number from 0 to 100.")),
        }
    };
    let values = [
        parse("Hot", hot)?,
        parse("Warm", warm)?,
        parse("Cool", cool)?,
    ];
    if values[0] <= values[1] {
        return Err("Hot must be above warm.".to_owned());
    }
    if values[1] <= values[2] {
        return Err("Warm must be above cool.".to_owned());
    }
    Ok(values)
}

/// The order to send changed thresholds in so that every step keeps hot > warm > cool (the
/// shell may check each one): greedily, any change that keeps the order; the rest at the end.
fn threshold_order(old: [u32; 3], new: [u32; 3]) -> Vec<usize> {
    let mut current = old;
    let mut pending: Vec<usize> = (0..3).filter(|&i| old[i] != new[i]).collect();
    let mut order = Vec::new();
    while !pending.is_empty() {
        let next = pending.iter().position(|&i| {
            let mut trial = current;
            trial[i] = new[i];
            trial[0] > trial[1] && trial[1] > trial[2]
        });
        let at = next.unwrap_or(0);
        let i = pending.remove(at);
        current[i] = new[i];
        order.push(i);
    }
    order
}

/// The limit in USD (≥ 0) and the alert threshold as a fraction (from a percent 1–100).
fn check_budget(limit: &str, percent: &str) -> Result<(f64, f64), String> {
    let usd = limit
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .ok_or("The monthly limit must be a number of dollars, 0 or more.")?;
    let pct = percent
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| (1.0..=100.0).contains(v))
        .ok_or("The alert threshold must be a percent from 1 to 100.")?;
    Ok((usd, pct / 100.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_must_descend() {
        assert_eq!(check_thresholds("80", "60", "40"), Ok([80, 60, 40]));
        assert!(check_thresholds("60", "60", "40").is_err());
        assert!(check_thresholds("80", "30", "40").is_err());
        assert!(check_thresholds("101", "60", "40").is_err());
        assert!(check_thresholds("x", "60", "40").is_err());
    }

    #[test]
    fn thresholds_are_sent_in_a_safe_order() {
        assert_eq!(threshold_order([80, 60, 40], [50, 30, 10]), vec![2, 1, 0]);
        assert_eq!(threshold_order([50, 30, 10], [80, 60, 40]), vec![0, 1, 2]);
        assert_eq!(
            threshold_order([80, 60, 40], [80, 60, 40]),
            Vec::<usize>::new()
        );
    }

    #[test]
    fn budget_and_lists() {
        assert_eq!(check_budget("100", "80"), Ok((100.0, 0.8)));
        assert!(check_budget("-1", "80").is_err());
        assert!(check_budget("10", "0").is_err());
        assert_eq!(normalize_list(" a, b,,c "), "a,b,c");
    }
}
