//! Where a fact comes from: one small badge per source id.
//!
//! Hooks: `.source-badges` (the wrapper), `.source-badge[data-source="<id>"]`.

use leptos::prelude::*;

/// A source id's name for people; unknown ids are shown as they are.
pub fn source_name(id: &str) -> String {
    match id {
        "builtwith" => "BuiltWith",
        "similarweb" => "SimilarWeb",
        "yahoo_finance" => "Yahoo Finance",
        "sec_edgar" => "SEC EDGAR",
        "job_boards" => "Job boards",
        "website" => "Website detection",
        other => other,
    }
    .to_owned()
}

/// The ids of a comma-separated list, trimmed, empty ones and repeats dropped.
pub fn source_ids(sources: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in sources.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if !out.iter().any(|seen| seen == id) {
            out.push(id.to_owned());
        }
    }
    out
}

/// One badge per source id of `sources` (comma-separated, e.g. `builtwith,website`).
#[component]
pub fn SourceBadges(
    /// Comma-separated source ids.
    #[prop(into)]
    sources: String,
) -> impl IntoView {
    let badges = source_ids(&sources)
        .into_iter()
        .map(|id| {
            let name = source_name(&id);
            view! { <span class="source-badge" data-source=id>{name}</span> }
        })
        .collect::<Vec<_>>();
    view! { <span class="source-badges">{badges}</span> }
}
