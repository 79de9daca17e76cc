//! M07 Financials: revenue, growth, market cap and other figures from SEC EDGAR and Yahoo
//! Finance, merged with conflicts kept. Needs the profile (ticker, CIK).

use pf_core::ModuleId;

use crate::module::{Module, ModuleInput, ModuleOutput, ModuleSpec, Policy};
use crate::modules::{fed, run_fed};

pub struct Financials {
    spec: ModuleSpec,
}

impl Financials {
    pub fn new() -> Self {
        Self {
            spec: fed(
                ModuleId::FINANCIALS,
                &[ModuleId::COMPANY_PROFILE],
                &["sec_edgar", "yahoo_finance"],
                Policy::Merge,
                30,
            ),
        }
    }
}

impl Default for Financials {
    fn default() -> Self {
        Self::new()
    }
}

impl Module for Financials {
    fn spec(&self) -> &ModuleSpec {
        &self.spec
    }

    fn run(&self, input: &ModuleInput<'_>) -> ModuleOutput {
        run_fed(
            input,
            &["financials.", "filings."],
            &["filings.recent"],
            |_| {},
        )
    }
}
