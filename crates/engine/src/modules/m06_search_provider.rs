//! M06 Search provider and displacement opportunity: which site-search vendor the account runs
//! (from M02, with its evidence and any conflict between sources), and what that means for the AE:
//! displace a competitor, expand an existing home-vendor customer, or sell into a site with no
//! search vendor at all.

use pf_core::ModuleId;
use serde_json::{Value, json};

use crate::module::{Module, ModuleInput, ModuleOutput, ModuleSpec};
use crate::modules::{cited, derived};

pub struct SearchProvider {
    spec: ModuleSpec,
}

impl SearchProvider {
    pub fn new() -> Self {
        Self {
            spec: derived(ModuleId::SEARCH_PROVIDER, &[ModuleId::TECH_STACK], 7),
        }
    }
}

impl Default for SearchProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl Module for SearchProvider {
    fn spec(&self) -> &ModuleSpec {
        &self.spec
    }

    fn run(&self, input: &ModuleInput<'_>) -> ModuleOutput {
        let Some(stack) = input.dep(ModuleId::TECH_STACK) else {
            return ModuleOutput::Skipped("no technology stack to read".into());
        };
        let provider = stack
            .get("search_provider")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let technologies = stack
            .get("tech_technologies")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let evidence = provider.as_ref().and_then(|p| {
            technologies.iter().find(|t| {
                t.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| crate::vendor::canonical(n).eq_ignore_ascii_case(p))
            })
        });
        let (opportunity, status) = match provider.as_deref() {
            None => (
                format!(
                    "greenfield: no site-search vendor detected; pitch {} as the first",
                    input.settings.home_vendor
                ),
                "none",
            ),
            Some(p) if input.settings.is_home(p) => {
                (format!("expand: already runs {p}"), "home_vendor")
            }
            Some(p) if input.settings.is_competitor(p) => (
                format!("displace {p} with {}", input.settings.home_vendor),
                "competitor",
            ),
            Some(p) => (
                format!("runs {p}: qualify whether it meets their needs"),
                "other",
            ),
        };
        let data = json!({
            "search_provider": provider,
            "status": status,
            "opportunity": opportunity,
            "evidence": evidence.cloned(),
            "conflict": stack.get("conflicts").and_then(|c| c.get("search_provider")).cloned(),
        });
        let sources = input.dep_sources(&[ModuleId::TECH_STACK]);
        ModuleOutput::Done(cited(
            data,
            sources,
            input.derived_citation(&[ModuleId::TECH_STACK]),
        ))
    }
}
