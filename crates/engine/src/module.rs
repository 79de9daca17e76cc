//! The `Module` trait: one step of enrichment (M01-M15). A module declares what it needs (other
//! modules), which sources feed it and how (waterfall or merge), and how long its result stays
//! fresh; `run` is a pure function from the gathered facts and its dependencies' results to its
//! own result. The orchestrator does all I/O.

use pf_core::{Intelligence, ModuleId, SourceId, SourceRef};
use pf_store::Snapshot;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::OffsetDateTime;

use crate::settings::EngineSettings;
use crate::{AccountHint, Fact};

/// How a module uses its candidate sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// In order of preference; the first source that answers wins and the rest are not called.
    Waterfall,
    /// Every source is asked; facts are merged and disagreements recorded as conflicts.
    Merge,
}

/// What a module is.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleSpec {
    pub id: ModuleId,
    pub needs: Vec<ModuleId>,
    /// Candidate sources, in order of preference (empty for derived modules).
    pub sources: Vec<SourceId>,
    pub policy: Policy,
    /// How long a result is reused before it is refreshed.
    pub freshness: time::Duration,
}

/// Everything `run` may read.
pub struct ModuleInput<'a> {
    pub account: &'a AccountHint,
    /// Results of the modules this one needs (from this job, or fresh ones from the store).
    pub deps: &'a BTreeMap<ModuleId, Intelligence>,
    /// Facts from this module's sources, per its policy.
    pub facts: &'a [Fact],
    /// Why sources gave nothing, per source id (for the failure reason).
    pub source_errors: &'a [(SourceId, String)],
    /// Each source's trust, 0..=1.
    pub trust: &'a BTreeMap<SourceId, f64>,
    /// Search providers of other accounts PartnerForge knows, by domain (for competitors).
    pub peers: &'a BTreeMap<String, String>,
    /// The account's recorded changes (for intent signals).
    pub history: &'a [Snapshot],
    pub settings: &'a EngineSettings,
    pub now: OffsetDateTime,
}

impl ModuleInput<'_> {
    /// A dependency's data, if it ran.
    pub fn dep(&self, id: ModuleId) -> Option<&serde_json::Value> {
        self.deps.get(&id).map(Intelligence::data)
    }

    /// A citation for a value PartnerForge derived itself from other modules.
    pub fn derived_citation(&self, from: &[ModuleId]) -> SourceRef {
        let endpoint = from
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("+");
        let id = SourceId::new("partnerforge").unwrap_or_else(|_| unreachable_source());
        SourceRef::new(id, &endpoint, None, self.now, 1.0)
            .unwrap_or_else(|_| unreachable_ref(self.now))
    }

    /// The union of the sources behind the given dependencies (for derived results).
    pub fn dep_sources(&self, from: &[ModuleId]) -> Vec<SourceRef> {
        let mut out: Vec<SourceRef> = Vec::new();
        for id in from {
            if let Some(i) = self.deps.get(id) {
                for s in i.sources() {
                    if !out
                        .iter()
                        .any(|o| o.source() == s.source() && o.endpoint() == s.endpoint())
                    {
                        out.push(s.clone());
                    }
                }
            }
        }
        out
    }
}

#[allow(clippy::expect_used)]
fn unreachable_source() -> SourceId {
    SourceId::new("unknown").expect("a valid literal source name")
}

#[allow(clippy::expect_used)]
fn unreachable_ref(now: OffsetDateTime) -> SourceRef {
    SourceRef::new(unreachable_source(), "unknown", None, now, 1.0)
        .expect("a valid literal citation")
}

/// What a module produced.
#[derive(Debug, Clone, PartialEq)]
pub enum ModuleOutput {
    Done(Intelligence),
    /// Not run, on purpose (no source configured, budget, nothing to derive from).
    Skipped(String),
    /// Its sources all failed.
    Failed(String),
}

/// One enrichment step. Adding a module is one file and one line in [`crate::registry::builtin`].
pub trait Module: Send + Sync {
    fn spec(&self) -> &ModuleSpec;
    fn run(&self, input: &ModuleInput<'_>) -> ModuleOutput;
}
