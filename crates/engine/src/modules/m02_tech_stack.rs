//! M02 Technology stack: the website's own detection (with evidence) and BuiltWith's history
//! (first/last seen) merged as one list, each technology naming every source that saw it; the
//! search provider resolved between them, conflicts kept.

use pf_core::ModuleId;
use serde_json::Value;

use crate::fact::fields;
use crate::module::{Module, ModuleInput, ModuleOutput, ModuleSpec, Policy};
use crate::modules::{fed, run_fed};

pub struct TechStack {
    spec: ModuleSpec,
}

impl TechStack {
    pub fn new() -> Self {
        Self {
            spec: fed(
                ModuleId::TECH_STACK,
                &[],
                &["website", "builtwith"],
                Policy::Merge,
                7,
            ),
        }
    }
}

impl Default for TechStack {
    fn default() -> Self {
        Self::new()
    }
}

impl Module for TechStack {
    fn spec(&self) -> &ModuleSpec {
        &self.spec
    }

    fn run(&self, input: &ModuleInput<'_>) -> ModuleOutput {
        run_fed(
            input,
            &["tech.", "search."],
            &[fields::TECH_TECHNOLOGIES],
            |data| {
                let count = data
                    .get("tech_technologies")
                    .and_then(Value::as_array)
                    .map(Vec::len)
                    .unwrap_or(0);
                data.insert("technology_count".into(), Value::from(count));
                data.entry("search_provider").or_insert(Value::Null);
            },
        )
    }
}
