//! M14 Pre-call brief: the structured summary of every module that ran — a headline, one
//! section per module with each fact's value, source, fetch time and conflict, the modules not
//! enriched yet, the conflicts, and the score with its priority and explanation. It is the
//! same structure as [`crate::brief::Brief`] without the parts that change with the clock
//! (generation time, ages, changes since a date, in summary and field by field): those are
//! added when the brief is rendered with [`crate::brief::build`], so storing M14 records a
//! change only when a fact changed.

use pf_core::ModuleId;
use serde_json::Value;
use time::OffsetDateTime;

use crate::brief::{Brief as Full, BriefAccount, Entry, Results};
use crate::module::{Module, ModuleInput, ModuleOutput, ModuleSpec};
use crate::modules::{cited, derived};

/// Everything before M14: the orchestrator passes those that ran.
const NEEDS: [ModuleId; 13] = [
    ModuleId::COMPANY_PROFILE,
    ModuleId::TECH_STACK,
    ModuleId::TRAFFIC,
    ModuleId::HIRING,
    ModuleId::DOMAIN_FAMILY,
    ModuleId::SEARCH_PROVIDER,
    ModuleId::FINANCIALS,
    ModuleId::EXECUTIVES,
    ModuleId::COMPETITORS,
    ModuleId::INITIATIVES,
    ModuleId::ICP_FIT,
    ModuleId::INTENT,
    ModuleId::HOT_LEAD,
];

/// Keys of the full brief left out of M14's stored form (they change with the clock).
const VOLATILE: [&str; 6] = [
    "generated_at",
    "since",
    "changes",
    "field_changes",
    "talking_points",
    "next_best_action",
];

pub struct Brief {
    spec: ModuleSpec,
}

impl Brief {
    pub fn new() -> Self {
        Self {
            spec: derived(ModuleId::BRIEF, &NEEDS, 1),
        }
    }
}

impl Default for Brief {
    fn default() -> Self {
        Self::new()
    }
}

/// The brief's structured summary from a job's module results.
pub fn summary(input: &ModuleInput<'_>) -> Value {
    let results: Results<'_> = input
        .deps
        .iter()
        .map(|(m, intel)| {
            let at = intel
                .sources()
                .iter()
                .map(|s| s.fetched_at())
                .max()
                .unwrap_or(input.now);
            (
                *m,
                Entry {
                    intel,
                    fetched_at: at,
                    stale: false,
                },
            )
        })
        .collect();
    let profile_name = input
        .dep(ModuleId::COMPANY_PROFILE)
        .and_then(|p| p.get("profile_name"))
        .and_then(Value::as_str);
    let name = profile_name
        .map(str::to_owned)
        .or_else(|| input.account.name.clone())
        .unwrap_or_else(|| input.account.domain.to_string());
    let account = BriefAccount {
        name,
        domain: input.account.domain.clone(),
        industry: None,
        country: None,
        owner: None,
        tags: Vec::new(),
    };
    let mut full = Full::assemble(account, &results, &[], None, OffsetDateTime::UNIX_EPOCH);
    for f in full.sections.iter_mut().flat_map(|s| s.facts.iter_mut()) {
        f.age_days = None;
    }
    let mut data = serde_json::to_value(&full).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut data {
        for k in VOLATILE {
            map.remove(k);
        }
    }
    data
}

impl Module for Brief {
    fn spec(&self) -> &ModuleSpec {
        &self.spec
    }

    fn run(&self, input: &ModuleInput<'_>) -> ModuleOutput {
        if input.deps.is_empty() {
            return ModuleOutput::Skipped("no module has a result to brief on".into());
        }
        let data = summary(input);
        if data.is_null() {
            return ModuleOutput::Failed("the brief could not be put together".into());
        }
        ModuleOutput::Done(cited(
            data,
            input.dep_sources(&NEEDS),
            input.derived_citation(&NEEDS),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AccountHint;
    use crate::settings::EngineSettings;
    use pf_core::{Domain, Intelligence, SourceId, SourceRef};
    use serde_json::json;
    use std::collections::BTreeMap;
    use time::macros::datetime;

    #[test]
    fn summary_cites_every_fact_and_leaves_out_the_clock() {
        let now = datetime!(2026-11-20 00:00 UTC);
        let at = datetime!(2026-11-10 00:00 UTC);
        let src = SourceRef::new(
            SourceId::new("sec_edgar").expect("id"),
            "submissions",
            None,
            at,
            1.0,
        )
        .expect("ref");
        let profile = json!({"profile_name": "Acme Corp", "profile_employees": 316000, "attribution": {"profile_name": ["sec_edgar"], "profile_employees": ["sec_edgar"]}});
        let deps: BTreeMap<ModuleId, Intelligence> = [(
            ModuleId::COMPANY_PROFILE,
            Intelligence::new(profile, src, []),
        )]
        .into();
        let account = AccountHint {
            domain: Domain::parse("acme.com").expect("domain"),
            name: None,
            ticker: None,
        };
        let settings = EngineSettings::default();
        let input = ModuleInput {
            account: &account,
            deps: &deps,
            facts: &[],
            source_errors: &[],
            trust: &BTreeMap::new(),
            peers: &BTreeMap::new(),
            history: &[],
            settings: &settings,
            now,
        };
        let ModuleOutput::Done(intel) = Brief::new().run(&input) else {
            panic!("the brief runs")
        };
        let data = intel.data();
        assert_eq!(data["account"]["name"], "Acme Corp");
        assert!(data.get("generated_at").is_none() && data.get("changes").is_none());
        let sections = data["sections"].as_array().expect("sections");
        let profile = sections.iter().find(|s| s["module"] == "M01").expect("M01");
        let employees = profile["facts"]
            .as_array()
            .expect("facts")
            .iter()
            .find(|f| f["label"] == "Employees")
            .expect("employees");
        assert_eq!(employees["value"], "316,000");
        assert_eq!(employees["source"], "sec_edgar");
        assert_eq!(employees["fetched_at"], "2026-11-10T00:00:00Z");
        assert!(employees.get("age_days").is_none());
        let missing = data["missing"].as_array().expect("missing");
        assert_eq!(
            missing.len(),
            12,
            "every other module is listed as not enriched yet"
        );
    }
}
