//! M09 Competitors and their search providers: the account's similar sites (from M03), each
//! with the search vendor PartnerForge knows it runs when that site is an account too.

use pf_core::ModuleId;
use serde_json::{Value, json};

use crate::module::{Module, ModuleInput, ModuleOutput, ModuleSpec};
use crate::modules::{cited, derived};

pub struct Competitors {
    spec: ModuleSpec,
}

impl Competitors {
    pub fn new() -> Self {
        Self {
            spec: derived(ModuleId::COMPETITORS, &[ModuleId::TRAFFIC], 30),
        }
    }
}

impl Default for Competitors {
    fn default() -> Self {
        Self::new()
    }
}

impl Module for Competitors {
    fn spec(&self) -> &ModuleSpec {
        &self.spec
    }

    fn run(&self, input: &ModuleInput<'_>) -> ModuleOutput {
        let Some(traffic) = input.dep(ModuleId::TRAFFIC) else {
            return ModuleOutput::Skipped("no traffic data to find similar sites in".into());
        };
        let similar = traffic
            .get("traffic_similar_sites")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if similar.is_empty() {
            return ModuleOutput::Skipped("no similar sites known".into());
        }
        let mut list: Vec<Value> = similar
            .iter()
            .filter_map(|s| {
                let domain = s
                    .get("domain")
                    .or_else(|| s.get("url"))
                    .and_then(Value::as_str)?;
                let provider = input.peers.get(domain).cloned();
                Some(json!({
                    "domain": domain,
                    "score": s.get("score").cloned().unwrap_or(Value::Null),
                    "search_provider": provider,
                }))
            })
            .collect();
        list.sort_by(|a, b| {
            let s = |v: &Value| v.get("score").and_then(Value::as_f64).unwrap_or(0.0);
            s(b).total_cmp(&s(a))
        });
        list.truncate(10);
        let home_users = list
            .iter()
            .filter(|c| {
                c["search_provider"]
                    .as_str()
                    .is_some_and(|p| input.settings.is_home(p))
            })
            .count();
        let data = json!({ "competitors": list, "competitors_on_home_vendor": home_users });
        let sources = input.dep_sources(&[ModuleId::TRAFFIC]);
        ModuleOutput::Done(cited(
            data,
            sources,
            input.derived_citation(&[ModuleId::TRAFFIC]),
        ))
    }
}
