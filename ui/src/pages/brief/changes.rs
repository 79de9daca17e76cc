//! "What changed since your last call" and where the sources disagree.

use leptos::prelude::*;

use super::format::day;
use crate::api::{BriefChange, BriefConflict, FieldChange};
use crate::components::change_list::ChangeList;
use crate::components::source_badges::SourceBadges;
use crate::components::states::EmptyState;

/// The comparison used, the field changes and the module-level summaries.
#[component]
pub fn ChangesPanel(
    /// The comparison in words (`Since your last call on 5 Nov 2026`).
    basis: String,
    /// `call` | `opened` | `picked` | `none` (`data-basis`).
    basis_key: String,
    field_changes: Vec<FieldChange>,
    changes: Vec<BriefChange>,
) -> impl IntoView {
    let first_look = basis_key == "none";
    let count = field_changes.len();
    let table = if field_changes.is_empty() {
        let title = if first_look {
            "Nothing to compare yet"
        } else {
            "Nothing changed"
        };
        let detail = if first_look {
            "Log a call and the next brief will show what changed after it."
        } else {
            "No field changed in that time."
        };
        view! { <EmptyState title detail /> }.into_any()
    } else {
        view! { <ChangeList changes=field_changes /> }.into_any()
    };
    let summaries = (!changes.is_empty()).then(|| {
        let total = changes.len();
        let expanded = RwSignal::new(total <= SUMMARIES_SHOWN);
        // Newest first: the store gives them oldest first.
        let items = changes
            .into_iter()
            .rev()
            .enumerate()
            .map(|(i, c)| {
                let hidden = move || i >= SUMMARIES_SHOWN && !expanded.get();
                view! { <ChangeSummary change=c hidden=Signal::derive(hidden) /> }
            })
            .collect::<Vec<_>>();
        let heading = if first_look { "History" } else { "By module" };
        view! {
            <h4 class="brief-h4">{heading}</h4>
            <ul id="change-summaries" class="change-summaries" data-count=total>{items}</ul>
            <Show when=move || !expanded.get()>
                <button
                    id="changes-more"
                    type="button"
                    class="link-button changes-more"
                    on:click=move |_| expanded.set(true)
                >
                    {format!("Show all {total} changes")}
                </button>
            </Show>
        }
    });
    view! {
        <section id="changes" class="brief-panel" data-count=count aria-labelledby="changes-title">
            <h3 id="changes-title" class="brief-h3">"What changed"</h3>
            <p id="since-basis" class="since-basis" data-basis=basis_key>{basis}</p>
            {table}
            {summaries}
        </section>
    }
}

/// How many module summaries show before "Show all".
const SUMMARIES_SHOWN: usize = 5;

#[component]
fn ChangeSummary(change: BriefChange, hidden: Signal<bool>) -> impl IntoView {
    let BriefChange {
        module,
        title,
        recorded_at,
        summary,
        sources,
    } = change;
    view! {
        <li class="change-summary" data-module=module hidden=move || hidden.get()>
            <div class="change-summary-head">
                <span class="change-summary-title">{title}</span>
                <time class="change-summary-when muted" datetime=recorded_at.clone()>
                    {day(&recorded_at)}
                </time>
            </div>
            <p class="change-summary-text">{summary}</p>
            <SourceBadges sources=sources.join(",") />
        </li>
    }
}

/// Fields on which the sources disagree, with both values and the confidence in the winner.
#[component]
pub fn ConflictsPanel(conflicts: Vec<BriefConflict>) -> impl IntoView {
    let count = conflicts.len();
    let body = if conflicts.is_empty() {
        view! { <p class="muted conflicts-none">"The sources agree on everything."</p> }.into_any()
    } else {
        let items = conflicts
            .into_iter()
            .map(|c| {
                let field = c.field.clone();
                let confidence = format!(
                    "confidence {:.0}%",
                    (c.confidence * 100.0).clamp(0.0, 100.0)
                );
                view! {
                    <li class="conflict" data-module=c.module data-field=field>
                        <span class="conflict-field">{c.field}</span>
                        <span class="conflict-text">{c.text}</span>
                        <span class="conflict-confidence muted">{confidence}</span>
                    </li>
                }
            })
            .collect::<Vec<_>>();
        view! { <ul class="conflicts">{items}</ul> }.into_any()
    };
    view! {
        <section id="conflicts" class="brief-panel" data-count=count aria-labelledby="conflicts-title">
            <h3 id="conflicts-title" class="brief-h3">"Sources disagree"</h3>
            {body}
        </section>
    }
}
