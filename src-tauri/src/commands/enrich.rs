//! Enrichment from the window: start (or queue while offline) and the cost of a refresh.

use pf_core::Domain;
use pf_engine::CostEstimate;

use super::Shared;
use crate::CommandError;
use crate::jobs::{self, EnrichStarted};

/// Enriches accounts in the background; progress goes out as `pf://enrich-progress`.
#[tauri::command]
pub async fn enrich_accounts(
    state: Shared<'_>,
    domains: Vec<String>,
    force: bool,
) -> Result<EnrichStarted, CommandError> {
    jobs::enrich(&state, &domains, force)
}

/// What refreshing one account (every module, caches bypassed) would cost.
#[tauri::command]
pub async fn estimate_refresh(
    state: Shared<'_>,
    domain: String,
) -> Result<CostEstimate, CommandError> {
    let domain = Domain::parse(&domain)?;
    let engine = state.session()?.engine()?;
    Ok(engine.estimate(&[domain], None, true)?)
}
