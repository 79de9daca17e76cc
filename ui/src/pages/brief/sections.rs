//! The modules' cards, the talking points and the next best action.

use leptos::prelude::*;

use crate::api::{BriefFact, BriefSection, TalkingPoint};
use crate::components::card::{IntelligenceCard, IntelligenceGrid};
use crate::components::chart::Sparkline;
use crate::components::freshness::FreshnessIndicator;
use crate::components::source_badges::{SourceBadges, source_ids};
use crate::components::states::EmptyState;

/// One card per section; enriched ones first, in the brief's order.
#[component]
pub fn SectionsGrid(sections: Vec<BriefSection>) -> impl IntoView {
    let (done, todo): (Vec<_>, Vec<_>) = sections.into_iter().partition(|s| s.enriched);
    let cards = done
        .into_iter()
        .chain(todo)
        .map(|section| view! { <SectionCard section /> })
        .collect::<Vec<_>>();
    view! {
        <section id="sections" class="brief-sections" aria-labelledby="sections-title">
            <h3 id="sections-title" class="brief-h3">"Intelligence"</h3>
            <IntelligenceGrid>{cards}</IntelligenceGrid>
        </section>
    }
}

#[component]
fn SectionCard(section: BriefSection) -> impl IntoView {
    let BriefSection {
        module,
        title,
        personal,
        enriched,
        stale,
        note,
        facts,
        series,
    } = section;
    // The card shows the age of its freshest fact and every source behind it.
    let age_days = facts.iter().filter_map(|f| f.age_days).min();
    let sources = facts
        .iter()
        .flat_map(|f| source_ids(&f.source))
        .fold(Vec::<String>::new(), |mut all, id| {
            if !all.contains(&id) {
                all.push(id);
            }
            all
        })
        .join(",");
    let body = if !enriched {
        view! {
            <EmptyState title="Not enriched yet" detail="Refresh the account to run this module." />
        }
        .into_any()
    } else {
        let chart = (!series.is_empty()).then(|| {
            let labels: Vec<String> = series.iter().map(|p| p.label.clone()).collect();
            let points: Vec<f64> = series.iter().map(|p| p.value).collect();
            let chart_title = format!("{title}: {} to {}", labels[0], labels[labels.len() - 1]);
            view! {
                <div class="section-chart">
                    <Sparkline points=Signal::stored(points) labels=labels title=chart_title />
                </div>
            }
        });
        let rows = facts
            .into_iter()
            .map(|fact| view! { <FactRow fact /> })
            .collect::<Vec<_>>();
        let list = if rows.is_empty() {
            let text = note.unwrap_or_else(|| "Nothing to report".to_owned());
            view! { <EmptyState title=text /> }.into_any()
        } else {
            view! { <ul class="fact-list">{rows}</ul> }.into_any()
        };
        let mark = personal.then(|| {
            view! {
                <p class="personal-mark" title="Names people: covered by privacy requests and the retention policy">
                    "Personal data"
                </p>
            }
        });
        view! {
            {mark}
            {chart}
            {list}
        }
        .into_any()
    };
    view! {
        <IntelligenceCard
            module
            title
            age_days
            stale
            sources
            attr:data-enriched=enriched.to_string()
        >
            {body}
        </IntelligenceCard>
    }
}

/// Label, value, sources and age of one fact; its conflict below when sources disagree.
#[component]
fn FactRow(fact: BriefFact) -> impl IntoView {
    let BriefFact {
        label,
        value,
        source,
        fetched_at,
        age_days,
        conflict,
    } = fact;
    let has_conflict = conflict.is_some();
    let key = label.clone();
    view! {
        <li class="fact" data-label=key data-conflict=has_conflict.to_string()>
            <span class="fact-label">{label}</span>
            <span class="fact-value">{value}</span>
            <span class="fact-age" data-fetched-at=fetched_at>
                <FreshnessIndicator age_days />
            </span>
            <span class="fact-meta">
                <SourceBadges sources=source />
            </span>
            {conflict.map(|text| view! {
                <p class="fact-conflict">
                    <span class="fact-conflict-label">"Sources disagree: "</span>
                    {text}
                </p>
            })}
        </li>
    }
}

/// What to say on the call, each point with the facts it rests on.
#[component]
pub fn TalkingPoints(points: Vec<TalkingPoint>) -> impl IntoView {
    let body = if points.is_empty() {
        view! { <p class="muted">"No talking points yet: they come with enrichment."</p> }
            .into_any()
    } else {
        let items = points
            .into_iter()
            .map(|p| {
                view! {
                    <li class="talking-point">
                        <p class="talking-point-text">{p.text}</p>
                        <FactCitations facts=p.facts />
                    </li>
                }
            })
            .collect::<Vec<_>>();
        view! { <ol class="talking-points">{items}</ol> }.into_any()
    };
    view! {
        <section id="talking-points" class="brief-panel" aria-labelledby="talking-points-title">
            <h3 id="talking-points-title" class="brief-h3">"Talking points"</h3>
            {body}
        </section>
    }
}

/// The one thing to do next.
#[component]
pub fn NextAction(action: Option<TalkingPoint>) -> impl IntoView {
    action.map(|a| {
        view! {
            <section id="next-action" class="brief-panel next-action" aria-labelledby="next-action-title">
                <h3 id="next-action-title" class="brief-h3">"Next best action"</h3>
                <p class="next-action-text">{a.text}</p>
                <FactCitations facts=a.facts />
            </section>
        }
    })
}

#[component]
fn FactCitations(facts: Vec<String>) -> impl IntoView {
    (!facts.is_empty()).then(|| {
        let items = facts
            .into_iter()
            .map(|f| view! { <li>{f}</li> })
            .collect::<Vec<_>>();
        view! { <ul class="citations">{items}</ul> }
    })
}
