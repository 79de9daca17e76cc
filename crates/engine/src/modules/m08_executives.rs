//! M08 Executives: officers with titles (personal data: covered by privacy requests).

use pf_core::ModuleId;

use crate::module::{Module, ModuleInput, ModuleOutput, ModuleSpec, Policy};
use crate::modules::{fed, run_fed};

pub struct Executives {
    spec: ModuleSpec,
}

impl Executives {
    pub fn new() -> Self {
        Self {
            spec: fed(
                ModuleId::EXECUTIVES,
                &[ModuleId::COMPANY_PROFILE],
                &["yahoo_finance"],
                Policy::Waterfall,
                30,
            ),
        }
    }
}

impl Default for Executives {
    fn default() -> Self {
        Self::new()
    }
}

impl Module for Executives {
    fn spec(&self) -> &ModuleSpec {
        &self.spec
    }

    fn run(&self, input: &ModuleInput<'_>) -> ModuleOutput {
        run_fed(input, &["executives."], &["executives.officers"], |_| {})
    }
}
