//! The design system's components: every page builds from these, never from raw markup for
//! the same thing. Colours, spacing and radii come from `styles/tokens.css` only.

pub mod card;
pub mod change_list;
pub mod chart;
pub mod freshness;
pub mod progress;
pub mod score_badge;
pub mod source_badges;
pub mod states;
pub mod toast;
