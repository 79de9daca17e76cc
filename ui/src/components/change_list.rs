//! Field-by-field changes: what a field was, what it is now and which source says so.
//!
//! Hooks: `table.change-list`, `tr.change[data-field="<field>"][data-module="M06"]`
//! with `data-kind="changed|added|removed"`, cells `.change-old` and `.change-new`.

use leptos::prelude::*;

use super::source_badges::SourceBadges;
use crate::api::FieldChange;

/// Whether a field changed, appeared or went away.
fn change_kind(change: &FieldChange) -> &'static str {
    match (&change.old, &change.new) {
        (None, _) => "added",
        (Some(_), None) => "removed",
        (Some(_), Some(_)) => "changed",
    }
}

/// A table Field | Was | Now | Source, one row per change; old values struck through.
#[component]
pub fn ChangeList(changes: Vec<FieldChange>) -> impl IntoView {
    let rows = changes
        .into_iter()
        .map(|change| view! { <ChangeRow change /> })
        .collect::<Vec<_>>();
    view! {
        <table class="table change-list">
            <thead>
                <tr>
                    <th scope="col" class="col-field">"Field"</th>
                    <th scope="col">"Was"</th>
                    <th scope="col">"Now"</th>
                    <th scope="col" class="col-source">"Source"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

#[component]
fn ChangeRow(change: FieldChange) -> impl IntoView {
    let kind = change_kind(&change);
    let FieldChange {
        module,
        title,
        field,
        label,
        old,
        new,
        source,
        recorded_at,
    } = change;
    let old = match old {
        Some(text) => view! { <del class="change-old">{text}</del> }.into_any(),
        None => view! { <span class="change-old change-none">"new"</span> }.into_any(),
    };
    let new = match new {
        Some(text) => view! { <strong class="change-new">{text}</strong> }.into_any(),
        None => view! { <span class="change-new change-none">"removed"</span> }.into_any(),
    };
    let when = format!(
        "{title}, recorded {}",
        recorded_at.get(..10).unwrap_or(&recorded_at)
    );
    view! {
        <tr class="change" data-field=field data-module=module data-kind=kind>
            <th scope="row" class="change-field" title=when>{label}</th>
            <td>{old}</td>
            <td>{new}</td>
            <td>
                <SourceBadges sources=source />
            </td>
        </tr>
    }
}
