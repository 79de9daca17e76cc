//! M01 Company profile: name, industry, country, employees, ticker, CIK, description — merged from
//! SEC EDGAR, Yahoo Finance and BuiltWith, conflicts kept.

use pf_core::ModuleId;

use crate::module::{Module, ModuleInput, ModuleOutput, ModuleSpec, Policy};
use crate::modules::{fed, run_fed};

pub struct CompanyProfile {
    spec: ModuleSpec,
}

impl CompanyProfile {
    pub fn new() -> Self {
        Self {
            spec: fed(
                ModuleId::COMPANY_PROFILE,
                &[],
                &["sec_edgar", "yahoo_finance", "builtwith"],
                Policy::Merge,
                30,
            ),
        }
    }
}

impl Default for CompanyProfile {
    fn default() -> Self {
        Self::new()
    }
}

impl Module for CompanyProfile {
    fn spec(&self) -> &ModuleSpec {
        &self.spec
    }

    fn run(&self, input: &ModuleInput<'_>) -> ModuleOutput {
        run_fed(input, &["profile."], &["profile.former_names"], |_| {})
    }
}
