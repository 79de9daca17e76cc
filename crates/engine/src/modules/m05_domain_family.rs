//! M05 Domain family: related domains (subsidiary, regional, brand, redirect, shared tracking
//! ids) from BuiltWith relationships and the redirects the website source observed, and the
//! company's corporate events (renames, mergers) from SEC former names, so history follows the
//! company when its name or domain changes.

use pf_core::ModuleId;
use serde_json::{Value, json};

use crate::module::{Module, ModuleInput, ModuleOutput, ModuleSpec, Policy};
use crate::modules::{fed, run_fed};

pub struct DomainFamily {
    spec: ModuleSpec,
}

impl DomainFamily {
    pub fn new() -> Self {
        Self {
            spec: fed(
                ModuleId::DOMAIN_FAMILY,
                &[],
                &["builtwith", "website", "sec_edgar"],
                Policy::Merge,
                30,
            ),
        }
    }
}

impl Default for DomainFamily {
    fn default() -> Self {
        Self::new()
    }
}

/// Corporate events from former names: each former name is a rename (or the trace of a merger).
pub fn company_events(former: &Value) -> Vec<Value> {
    former
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| {
            let name = f.get("name")?.as_str()?;
            Some(json!({
                "kind": "renamed",
                "former_name": name,
                "until": f.get("to").cloned().unwrap_or(Value::Null),
            }))
        })
        .collect()
}

impl Module for DomainFamily {
    fn spec(&self) -> &ModuleSpec {
        &self.spec
    }

    fn run(&self, input: &ModuleInput<'_>) -> ModuleOutput {
        run_fed(
            input,
            &["family.", "profile.former_names"],
            &["family.related_domains", "profile.former_names"],
            |data| {
                if let Some(former) = data.remove("profile_former_names") {
                    data.insert(
                        "company_events".into(),
                        Value::Array(company_events(&former)),
                    );
                }
                let related = data
                    .get("family_related_domains")
                    .and_then(Value::as_array)
                    .map(Vec::len)
                    .unwrap_or(0);
                data.insert("related_count".into(), Value::from(related));
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn former_names_become_rename_events() {
        let ev = company_events(
            &json!([{"name": "Facebook Inc", "from": "2004-07-29", "to": "2021-10-28"}]),
        );
        assert_eq!(
            ev,
            vec![json!({"kind": "renamed", "former_name": "Facebook Inc", "until": "2021-10-28"})]
        );
    }
}
