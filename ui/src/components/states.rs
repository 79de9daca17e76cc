//! The states a panel can be in besides "here is the data": empty, failed, loading.
//!
//! Hooks: `.empty-state` (`.empty-state-title`, `.empty-state-detail`, `.empty-state-actions`),
//! `.error-state[role="alert"][data-code]` with `.error-retry`, `.skeleton[aria-busy="true"]`
//! with `.skeleton-line` blocks.

use leptos::prelude::*;

use crate::api::ApiError;

/// Nothing to show, and why; `children` (optional) are actions such as a button.
#[component]
pub fn EmptyState(
    #[prop(into)] title: String,
    #[prop(into, optional)] detail: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="empty-state">
            <p class="empty-state-title">{title}</p>
            {(!detail.is_empty()).then(|| view! { <p class="empty-state-detail">{detail}</p> })}
            {children.map(|c| view! { <div class="empty-state-actions">{c()}</div> })}
        </div>
    }
}

/// A failed command: its message and code (`data-code`), with a Retry button when `on_retry`.
#[component]
pub fn ErrorState(
    error: ApiError,
    #[prop(optional, into)] on_retry: Option<Callback<()>>,
) -> impl IntoView {
    let ApiError { code, message } = error;
    let code_attr = code.clone();
    view! {
        <div class="error-state" role="alert" data-code=code_attr>
            <span class="error-state-icon" aria-hidden="true">"!"</span>
            <div class="error-state-text">
                <p class="error-state-message">{message}</p>
                <code class="error-state-code">{code}</code>
            </div>
            {on_retry.map(|retry| view! {
                <button type="button" class="button button-ghost error-retry" on:click=move |_| retry.run(())>
                    "Retry"
                </button>
            })}
        </div>
    }
}

/// `lines` grey placeholder blocks of fixed height, shown while loading.
#[component]
pub fn Skeleton(
    /// How many lines; each is 14 px high with fixed spacing.
    #[prop(default = 3)]
    lines: usize,
) -> impl IntoView {
    let blocks = (0..lines)
        .map(|i| {
            // Varying widths look like text; they never change, so nothing moves.
            let width = ["100%", "92%", "78%", "86%", "64%"][i % 5];
            view! { <span class="skeleton-line" style:width=width></span> }
        })
        .collect::<Vec<_>>();
    view! {
        <div class="skeleton" aria-busy="true" aria-label="Loading">
            {blocks}
        </div>
    }
}
