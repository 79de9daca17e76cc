//! M10 Strategic initiatives and executive quotes, from a web search source when one is
//! configured (optional; without one the module is skipped, not failed).

use pf_core::ModuleId;

use crate::module::{Module, ModuleInput, ModuleOutput, ModuleSpec, Policy};
use crate::modules::{fed, run_fed};

pub struct Initiatives {
    spec: ModuleSpec,
}

impl Initiatives {
    pub fn new() -> Self {
        Self {
            spec: fed(
                ModuleId::INITIATIVES,
                &[ModuleId::COMPANY_PROFILE],
                &["websearch"],
                Policy::Waterfall,
                14,
            ),
        }
    }
}

impl Default for Initiatives {
    fn default() -> Self {
        Self::new()
    }
}

impl Module for Initiatives {
    fn spec(&self) -> &ModuleSpec {
        &self.spec
    }

    fn run(&self, input: &ModuleInput<'_>) -> ModuleOutput {
        run_fed(input, &["initiatives."], &["initiatives.items"], |_| {})
    }
}
