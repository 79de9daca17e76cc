//! M04 Hiring signals: open jobs from public job boards, with the search-related ones counted.

use pf_core::ModuleId;
use serde_json::Value;

use crate::module::{Module, ModuleInput, ModuleOutput, ModuleSpec, Policy};
use crate::modules::{fed, run_fed};

pub struct Hiring {
    spec: ModuleSpec,
}

impl Hiring {
    pub fn new() -> Self {
        Self {
            spec: fed(ModuleId::HIRING, &[], &["job_boards"], Policy::Waterfall, 3),
        }
    }
}

impl Default for Hiring {
    fn default() -> Self {
        Self::new()
    }
}

impl Module for Hiring {
    fn spec(&self) -> &ModuleSpec {
        &self.spec
    }

    fn run(&self, input: &ModuleInput<'_>) -> ModuleOutput {
        run_fed(input, &["hiring."], &["hiring.jobs"], |data| {
            let jobs = data
                .get("hiring_jobs")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let search: Vec<Value> = jobs
                .iter()
                .filter(|j| {
                    j.get("search_related")
                        .and_then(Value::as_bool)
                        .unwrap_or(false)
                })
                .filter_map(|j| j.get("title").cloned())
                .collect();
            data.insert("open_jobs".into(), Value::from(jobs.len()));
            data.insert("search_jobs".into(), Value::Array(search));
        })
    }
}
