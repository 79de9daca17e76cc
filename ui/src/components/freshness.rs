//! How old a piece of intelligence is: a coloured dot and a short age ("today", "3 d",
//! "5 mo", "2 y"), with the exact age in the `title` attribute.
//!
//! Hooks: `.freshness[data-freshness="fresh|aging|old|stale|unknown"]` with `data-age-days`.

use leptos::prelude::*;

/// Up to this many days old is "fresh" (green).
const FRESH_DAYS: i64 = 7;
/// Up to this many days old is "aging" (amber); older is "old".
const AGING_DAYS: i64 = 30;

/// The short age: `today`, `3 d`, `5 mo`, `2 y`; `—` when unknown.
pub fn age_short(age_days: Option<i64>) -> String {
    match age_days {
        None => "\u{2014}".to_owned(),
        Some(d) if d <= 0 => "today".to_owned(),
        Some(d) if d < 30 => format!("{d} d"),
        Some(d) if d < 365 => format!("{} mo", d / 30),
        Some(d) => format!("{} y", d / 365),
    }
}

/// The exact age for the tooltip: `Fetched 3 days ago`, `Stale: fetched 152 days ago`.
pub fn age_long(age_days: Option<i64>, stale: bool) -> String {
    let when = match age_days {
        None => "fetched at an unknown time".to_owned(),
        Some(d) if d <= 0 => "fetched today".to_owned(),
        Some(1) => "fetched 1 day ago".to_owned(),
        Some(d) => format!("fetched {d} days ago"),
    };
    if stale {
        format!("Stale (past its refresh limit): {when}")
    } else {
        let mut chars = when.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    }
}

/// The freshness class: `stale` wins, then by age.
pub fn freshness_key(age_days: Option<i64>, stale: bool) -> &'static str {
    match age_days {
        _ if stale => "stale",
        None => "unknown",
        Some(d) if d <= FRESH_DAYS => "fresh",
        Some(d) if d <= AGING_DAYS => "aging",
        Some(_) => "old",
    }
}

/// A dot and a short age, coloured by age (or red when `stale`).
#[component]
pub fn FreshnessIndicator(
    /// Whole days since the data was fetched; `None`: unknown.
    age_days: Option<i64>,
    /// Past its module's freshness limit.
    #[prop(optional)]
    stale: bool,
) -> impl IntoView {
    let title = age_long(age_days, stale);
    view! {
        <span
            class="freshness"
            data-freshness=freshness_key(age_days, stale)
            data-age-days=age_days.map(|d| d.to_string())
            title=title.clone()
            aria-label=title
        >
            <span class="freshness-dot" aria-hidden="true"></span>
            <span class="freshness-text">{age_short(age_days)}</span>
        </span>
    }
}
