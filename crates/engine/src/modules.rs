//! The built-in modules M01-M15, one file each, and the helpers the fact-fed ones share.

pub mod m01_profile;
pub mod m02_tech_stack;
pub mod m03_traffic;
pub mod m04_hiring;
pub mod m05_domain_family;
pub mod m06_search_provider;
pub mod m07_financials;
pub mod m08_executives;
pub mod m09_competitors;
pub mod m10_initiatives;
pub mod m11_icp_fit;
pub mod m12_intent;
pub mod m13_hot_lead;
pub mod m14_brief;
pub mod m15_talking_points;

use pf_core::{Intelligence, ModuleId, SourceId, SourceRef};
use serde_json::Value;

use crate::Fact;
use crate::merge::{Strategy, merge};
use crate::module::{ModuleInput, ModuleOutput, ModuleSpec, Policy};

/// A spec for a module fed by sources.
pub(crate) fn fed(
    id: ModuleId,
    needs: &[ModuleId],
    sources: &[&str],
    policy: Policy,
    days: i64,
) -> ModuleSpec {
    ModuleSpec {
        id,
        needs: needs.to_vec(),
        sources: sources
            .iter()
            .filter_map(|s| SourceId::new(s).ok())
            .collect(),
        policy,
        freshness: time::Duration::days(days),
    }
}

/// A spec for a module derived from other modules only.
pub(crate) fn derived(id: ModuleId, needs: &[ModuleId], days: i64) -> ModuleSpec {
    fed(id, needs, &[], Policy::Merge, days)
}

/// Builds an intelligence value from data and citations (at least one).
pub(crate) fn cited(data: Value, sources: Vec<SourceRef>, fallback: SourceRef) -> Intelligence {
    let mut it = sources.into_iter();
    match it.next() {
        Some(first) => Intelligence::new(data, first, it),
        None => Intelligence::new(data, fallback, []),
    }
}

/// The result for a module whose sources said nothing.
pub(crate) fn no_facts(input: &ModuleInput<'_>) -> ModuleOutput {
    if input.source_errors.is_empty() {
        ModuleOutput::Skipped("no source configured or nothing to say".into())
    } else {
        let why: Vec<String> = input
            .source_errors
            .iter()
            .map(|(s, e)| format!("{s}: {e}"))
            .collect();
        ModuleOutput::Failed(why.join("; "))
    }
}

/// Runs a fact-fed module: merge, then cite every fact's source.
pub(crate) fn run_fed(
    input: &ModuleInput<'_>,
    prefixes: &[&str],
    union_fields: &[&str],
    shape: impl FnOnce(&mut serde_json::Map<String, Value>),
) -> ModuleOutput {
    let facts: Vec<Fact> = input
        .facts
        .iter()
        .filter(|f| prefixes.iter().any(|p| f.field.as_str().starts_with(p)))
        .cloned()
        .collect();
    if facts.is_empty() {
        return no_facts(input);
    }
    let merged = merge(
        &facts,
        input.trust,
        |field| {
            input
                .settings
                .strategies
                .get(field)
                .copied()
                .unwrap_or(Strategy::TrustFreshness)
        },
        union_fields,
        input.now,
    );
    let sources = merged.sources.clone();
    let mut data = merged.into_data();
    if let Value::Object(map) = &mut data {
        shape(map);
    }
    let fallback = input.derived_citation(&[]);
    ModuleOutput::Done(cited(data, sources, fallback))
}
