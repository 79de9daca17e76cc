//! A progress bar. It carries no id: a page that needs a stable hook wraps it, e.g.
//! `<div id="refresh-progress"><ProgressBar .../></div>`.
//!
//! Hooks: `.progress[role="progressbar"]` with `aria-valuenow` (0..=100), `.progress-fill`,
//! `.progress-label`.

use leptos::prelude::*;

/// A labelled bar filled to `value` (a fraction, clamped to `0..=1`).
#[component]
pub fn ProgressBar(
    /// How far along, `0.0..=1.0`.
    #[prop(into)]
    value: Signal<f64>,
    /// What is progressing, shown above the bar and used as its accessible name.
    #[prop(into)]
    label: Signal<String>,
) -> impl IntoView {
    let percent = move || {
        let v = value.get();
        let v = if v.is_finite() {
            v.clamp(0.0, 1.0)
        } else {
            0.0
        };
        (v * 100.0).round()
    };
    view! {
        <div class="progress-wrap">
            <span class="progress-label">{move || label.get()}</span>
            <div
                class="progress"
                role="progressbar"
                aria-label=move || label.get()
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=move || percent().to_string()
            >
                <div class="progress-fill" style:width=move || format!("{}%", percent())></div>
            </div>
        </div>
    }
}
