//! Intelligence cards: one module's findings with where they came from and how old they are,
//! laid out by [`IntelligenceGrid`].
//!
//! Hooks: `.intel-grid`, `article.intel-card[data-module="M03"][data-stale]`, `.intel-card-title`,
//! `.intel-card-body`; the header holds a `.freshness` and a `.source-badges`.

use leptos::prelude::*;

use super::freshness::FreshnessIndicator;
use super::source_badges::SourceBadges;

/// The stroke paths (20x20 box) of a module's icon; drawn inline, no fonts or remote images.
fn icon_paths(module: &str) -> &'static [&'static str] {
    const CIRCLE: &str = "M10 3a7 7 0 1 0 0 14a7 7 0 1 0 0-14z";
    match module {
        // Company profile: a building.
        "M01" => &["M4 17V4h8v13M12 8h4v9M2 17h16", "M7 7h2M7 10h2M7 13h2"],
        // Technology stack: layers.
        "M02" => &["M10 3l7 4-7 4-7-4z", "M3 10.5l7 4 7-4", "M3 14l7 4 7-4"],
        // Traffic: a rising line.
        "M03" => &["M3 16h14", "M4 13l4-4 3 3 5-6"],
        // Hiring: a briefcase.
        "M04" => &["M3 7h14v9H3z", "M7 7V5h6v2", "M3 11h14"],
        // Domain family: a globe.
        "M05" => &[
            CIRCLE,
            "M3 10h14",
            "M10 3c2.5 2.5 2.5 11.5 0 14",
            "M10 3c-2.5 2.5-2.5 11.5 0 14",
        ],
        // Search provider: a magnifier.
        "M06" => &[
            "M8.5 3a5.5 5.5 0 1 0 0 11a5.5 5.5 0 1 0 0-11z",
            "M12.6 12.6L17 17",
        ],
        // Financials: bars.
        "M07" => &["M4 16v-6M8 16V6M12 16V9M16 16V4", "M2 17h16"],
        // Executives: two people.
        "M08" => &[
            "M7 9a2.5 2.5 0 1 0 0-5a2.5 2.5 0 1 0 0 5z",
            "M2.5 16c0-2.5 2-4.5 4.5-4.5s4.5 2 4.5 4.5",
            "M13.5 9a2 2 0 1 0 0-4",
            "M14 11.5c2 .3 3.5 2 3.5 4.5",
        ],
        // Competitors: crossed arrows.
        "M09" => &["M4 4l12 12M16 4L4 16", "M4 8V4h4M16 8V4h-4"],
        // Strategic initiatives: a flag.
        "M10" => &["M5 17V3", "M5 4h10l-2.5 3 2.5 3H5"],
        // ICP fit: a target.
        "M11" => &[
            CIRCLE,
            "M10 6.5a3.5 3.5 0 1 0 0 7a3.5 3.5 0 1 0 0-7z",
            "M10 9.5v1",
        ],
        // Intent and timing: a clock.
        "M12" => &[CIRCLE, "M10 6v4l3 2"],
        // Hot lead: a flame.
        "M13" => &[
            "M10 17c-3 0-5-2-5-4.5C5 9 8 8 8 4c2.5 1.5 4 3.5 4 6c.8-.5 1.3-1.3 1.5-2.2c1 1.2 1.5 2.7 1.5 4.7C15 15 13 17 10 17z",
        ],
        // Pre-call brief: a document.
        "M14" => &["M5 3h7l3 3v11H5z", "M12 3v3h3", "M7.5 10h5M7.5 13h5"],
        // Talking points: a speech bubble.
        "M15" => &["M3 4h14v9H9l-4 3v-3H3z", "M6.5 7.5h7M6.5 10h4"],
        _ => &["M4 4h12v12H4z", "M8 10h4"],
    }
}

/// A module's icon, decorative (`aria-hidden`).
#[component]
pub fn ModuleIcon(
    /// `M01`..`M15`; other ids get a generic square.
    #[prop(into)]
    module: String,
) -> impl IntoView {
    let paths = icon_paths(&module)
        .iter()
        .map(|d| view! { <path d=*d></path> })
        .collect::<Vec<_>>();
    view! {
        <svg class="module-icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
            {paths}
        </svg>
    }
}

/// One module's card: icon, title, freshness and sources in the header, `children` below.
#[component]
pub fn IntelligenceCard(
    /// `M01`..`M15` (`data-module`).
    #[prop(into)]
    module: String,
    #[prop(into)] title: String,
    /// Age of the freshest data on the card, in days.
    age_days: Option<i64>,
    /// Past the module's freshness limit.
    #[prop(optional)]
    stale: bool,
    /// Comma-separated source ids behind the card.
    #[prop(into, optional)]
    sources: String,
    children: Children,
) -> impl IntoView {
    let heading = format!("intel-{}-title", module.to_ascii_lowercase());
    let labelled_by = heading.clone();
    let icon = module.clone();
    view! {
        <article
            class="intel-card"
            data-module=module.clone()
            data-stale=stale.to_string()
            aria-labelledby=labelled_by
        >
            <header class="intel-card-head">
                <span class="intel-card-icon">
                    <ModuleIcon module=icon />
                </span>
                <h3 class="intel-card-title" id=heading>{title}</h3>
                <span class="intel-card-meta">
                    <SourceBadges sources />
                    <FreshnessIndicator age_days stale />
                </span>
            </header>
            <div class="intel-card-body">{children()}</div>
        </article>
    }
}

/// A responsive grid of [`IntelligenceCard`]s (two or three columns at 1280 px, more when wider).
#[component]
pub fn IntelligenceGrid(children: Children) -> impl IntoView {
    view! { <div class="intel-grid">{children()}</div> }
}
