//! An account's score (0..=100) as a pill coloured by its priority.
//!
//! Hooks: `.score-badge[data-priority="hot|warm|cool|cold|none"]` with `data-score` when known.

use leptos::prelude::*;

/// The priority's temperature class (`t-hot` ...), or `None` for an unknown priority.
pub fn priority_class(priority: Option<&str>) -> Option<&'static str> {
    match priority? {
        "hot" => Some("t-hot"),
        "warm" => Some("t-warm"),
        "cool" => Some("t-cool"),
        "cold" => Some("t-cold"),
        _ => None,
    }
}

/// A pill with the score, coloured by `priority`; `—` when there is no score.
#[component]
pub fn ScoreBadge(
    /// 0..=100; `None`: not scored yet.
    score: Option<u32>,
    /// `hot` | `warm` | `cool` | `cold`; may be left out.
    #[prop(optional_no_strip)]
    priority: Option<String>,
) -> impl IntoView {
    let class = match priority_class(priority.as_deref()) {
        Some(t) => format!("score-badge {t}"),
        None => "score-badge".to_owned(),
    };
    let key = priority.clone().unwrap_or_else(|| "none".to_owned());
    let title = match (score, priority.as_deref()) {
        (Some(s), Some(p)) => format!("Score {s} of 100, {p}"),
        (Some(s), None) => format!("Score {s} of 100"),
        (None, _) => "Not scored yet".to_owned(),
    };
    let text = score.map_or_else(|| "\u{2014}".to_owned(), |s| s.to_string());
    view! {
        <span
            class=class
            data-priority=key
            data-score=score.map(|s| s.to_string())
            title=title.clone()
            aria-label=title
        >
            {text}
        </span>
    }
}
