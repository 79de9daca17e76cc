//! The brief's header: the account, its score and priority, why now, the score's parts.

use leptos::prelude::*;

use super::format::{capitalised, day, why_now};
use crate::api::{BriefView, ScorePart};
use crate::components::score_badge::{ScoreBadge, priority_class};
use crate::components::states::Skeleton;
use crate::route::{Route, use_route};

/// The back link to the accounts list.
#[component]
pub fn BackLink() -> impl IntoView {
    let route = use_route();
    view! {
        <button
            id="brief-back"
            type="button"
            class="link-button brief-back"
            on:click=move |_| route.set(Route::Accounts)
        >
            "\u{2190} My accounts"
        </button>
    }
}

/// The header before the first brief arrives: the domain as the title, and placeholders below
/// while `loading` (none once the request failed).
#[component]
pub fn HeaderPlaceholder(domain: String, loading: bool) -> impl IntoView {
    view! {
        <header class="brief-head">
            <div class="brief-head-main">
                <div class="brief-id">
                    <h2 id="brief-title" class="page-title">{domain.clone()}</h2>
                    <span id="brief-domain" class="brief-domain">{domain}</span>
                </div>
                {loading.then(|| view! { <Skeleton lines=3 /> })}
            </div>
        </header>
    }
}

/// The loaded header.
#[component]
pub fn BriefHeader(view: BriefView) -> impl IntoView {
    let brief = view.brief;
    let account = brief.account;
    let why = why_now(&brief.headline, &account.name, &account.domain);
    let priority = brief.priority.clone();
    let priority_label = priority.as_deref().map(|p| {
        let class = match priority_class(Some(p)) {
            Some(t) => format!("priority-label {t}"),
            None => "priority-label".to_owned(),
        };
        view! { <span id="brief-priority" class=class data-priority=p.to_owned()>{capitalised(p)}</span> }
    });
    let meta = [
        account.industry.clone(),
        account.country.clone(),
        account.owner.as_ref().map(|o| format!("Owner: {o}")),
        Some(format!("Generated {}", day(&brief.generated_at))),
    ]
    .into_iter()
    .flatten()
    .map(|text| view! { <li>{text}</li> })
    .collect::<Vec<_>>();
    let tags = account
        .tags
        .iter()
        .map(|t| view! { <li class="badge">{t.clone()}</li> })
        .collect::<Vec<_>>();
    let missing = brief.missing.len();
    view! {
        <header class="brief-head">
            <div class="brief-head-main">
                <div class="brief-id">
                    <h2 id="brief-title" class="page-title">{account.name}</h2>
                    <span id="brief-domain" class="brief-domain">{account.domain}</span>
                    <ScoreBadge score=brief.score priority=priority />
                    {priority_label}
                </div>
                <ul class="brief-meta">{meta}</ul>
                {(!tags.is_empty()).then(|| view! { <ul class="brief-tags">{tags}</ul> })}
                <p id="why-now" class="why-now">
                    <span class="why-now-label">"Why now"</span>
                    <span class="why-now-text">
                        {why.unwrap_or_else(|| "No opening identified yet.".to_owned())}
                    </span>
                </p>
                {(missing > 0).then(|| view! {
                    <p class="brief-missing muted">
                        {if missing == 1 {
                            "1 module is not enriched yet.".to_owned()
                        } else {
                            format!("{missing} modules are not enriched yet.")
                        }}
                    </p>
                })}
            </div>
            <ScoreParts parts=brief.score_parts />
        </header>
    }
}

/// Each part of the score as a small bar (points of max) with its reason, folded away
/// under a `<details>` (closed at first) so what changed stays in view.
#[component]
fn ScoreParts(parts: Vec<ScorePart>) -> impl IntoView {
    if parts.is_empty() {
        return ().into_any();
    }
    let summary = format!("How the score is made ({} parts)", parts.len());
    let items = parts
        .into_iter()
        .map(|part| {
            let fraction = if part.max > 0.0 {
                (part.points / part.max).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let amount = format!("{} / {}", trim_number(part.points), trim_number(part.max));
            let aria = format!("{}: {amount} points", part.name);
            let key = part.name.clone();
            let facts = (!part.facts.is_empty()).then(|| {
                let facts = part
                    .facts
                    .into_iter()
                    .map(|f| view! { <li>{f}</li> })
                    .collect::<Vec<_>>();
                view! { <ul class="score-part-facts">{facts}</ul> }
            });
            view! {
                <li class="score-part" data-part=key>
                    <div class="score-part-head">
                        <span class="score-part-name">{part.name}</span>
                        <span class="score-part-points">{amount}</span>
                    </div>
                    <div class="score-part-bar" role="img" aria-label=aria>
                        <div
                            class="score-part-fill"
                            style:width=format!("{:.0}%", fraction * 100.0)
                        ></div>
                    </div>
                    <p class="score-part-reason">{part.reason}</p>
                    {facts}
                </li>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <details class="score-parts-wrap">
            <summary class="score-parts-summary">{summary}</summary>
            <ul id="score-parts" class="score-parts">{items}</ul>
        </details>
    }
    .into_any()
}

/// `12.0` → `12`, `7.5` → `7.5`.
fn trim_number(value: f64) -> String {
    if value.fract().abs() < 0.05 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}
