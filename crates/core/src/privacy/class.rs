//! Data classes: what kind of fact a stored row holds, whether it is personal data, and how long
//! it may be kept without being refreshed.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::ModuleId;

/// The class of a stored fact. Every intelligence row, history snapshot and cached source
/// response belongs to one, by the module that wrote it or the key of the fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataClass {
    /// Company profile, domain family, competitors: facts about a company.
    Company,
    /// Technology, search provider, traffic: facts about a website.
    Technology,
    /// Job posts and hiring signals (job-post contacts are personal data).
    HiringSignals,
    /// Revenue, filings, market data.
    Financials,
    /// Officers: names, titles, e-mails, phone numbers, LinkedIn URLs (personal data).
    Executives,
    /// Strategic initiatives with quoted speakers (personal data).
    Quotes,
    /// Scores, intent, briefs and talking points derived from the others.
    Derived,
}

impl DataClass {
    /// Every class, in a stable order.
    pub const ALL: [DataClass; 7] = [
        DataClass::Company,
        DataClass::Technology,
        DataClass::HiringSignals,
        DataClass::Financials,
        DataClass::Executives,
        DataClass::Quotes,
        DataClass::Derived,
    ];

    /// The class of what a module writes.
    pub fn of_module(module: ModuleId) -> DataClass {
        match module {
            ModuleId::HIRING => DataClass::HiringSignals,
            ModuleId::FINANCIALS => DataClass::Financials,
            ModuleId::EXECUTIVES => DataClass::Executives,
            ModuleId::INITIATIVES => DataClass::Quotes,
            ModuleId::TECH_STACK | ModuleId::TRAFFIC | ModuleId::SEARCH_PROVIDER => {
                DataClass::Technology
            }
            ModuleId::COMPANY_PROFILE | ModuleId::DOMAIN_FAMILY | ModuleId::COMPETITORS => {
                DataClass::Company
            }
            _ => DataClass::Derived,
        }
    }

    /// The class of a source fact by its key (`executives.officers`, `jobs.open_roles`, ...).
    pub fn of_fact_key(key: &str) -> DataClass {
        let head = key.split('.').next().unwrap_or(key);
        match head {
            "executives" | "officers" => DataClass::Executives,
            "jobs" | "hiring" => DataClass::HiringSignals,
            "financials" | "finance" | "market" | "filings" => DataClass::Financials,
            "initiatives" | "quotes" => DataClass::Quotes,
            "tech" | "search" | "traffic" | "website" => DataClass::Technology,
            _ => DataClass::Company,
        }
    }

    /// Whether rows of this class may name a person. Privacy requests look everywhere, but these
    /// classes are marked as personal data in the schema, the brief and exports.
    pub fn is_personal(self) -> bool {
        matches!(
            self,
            DataClass::Executives | DataClass::Quotes | DataClass::HiringSignals
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DataClass::Company => "company",
            DataClass::Technology => "technology",
            DataClass::HiringSignals => "hiring_signals",
            DataClass::Financials => "financials",
            DataClass::Executives => "executives",
            DataClass::Quotes => "quotes",
            DataClass::Derived => "derived",
        }
    }
}

impl fmt::Display for DataClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How many days a fact of each class is kept after it was last fetched (refreshed). `None`
/// keeps it until it is refreshed or erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionDays {
    pub executives: u32,
    pub hiring_signals: u32,
    pub financials: u32,
    pub quotes: u32,
    /// History snapshots of any class older than this go.
    pub history: u32,
    /// The usage log.
    pub usage: u32,
}

impl Default for RetentionDays {
    /// Executives 365 days unless refreshed, hiring signals 90, financials 365.
    fn default() -> Self {
        Self {
            executives: 365,
            hiring_signals: 90,
            financials: 365,
            quotes: 365,
            history: 730,
            usage: 400,
        }
    }
}

impl RetentionDays {
    /// The limit for one class, if it has one.
    pub fn for_class(&self, class: DataClass) -> Option<u32> {
        match class {
            DataClass::Executives => Some(self.executives),
            DataClass::HiringSignals => Some(self.hiring_signals),
            DataClass::Financials => Some(self.financials),
            DataClass::Quotes => Some(self.quotes),
            DataClass::Company | DataClass::Technology | DataClass::Derived => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_modules_are_marked_personal() {
        assert!(DataClass::of_module(ModuleId::EXECUTIVES).is_personal());
        assert!(DataClass::of_module(ModuleId::INITIATIVES).is_personal());
        assert!(DataClass::of_module(ModuleId::HIRING).is_personal());
        assert!(!DataClass::of_module(ModuleId::TECH_STACK).is_personal());
        assert!(!DataClass::of_module(ModuleId::FINANCIALS).is_personal());
    }

    #[test]
    fn fact_keys_map_to_their_class() {
        assert_eq!(
            DataClass::of_fact_key("executives.officers"),
            DataClass::Executives
        );
        assert_eq!(
            DataClass::of_fact_key("jobs.open_roles"),
            DataClass::HiringSignals
        );
        assert_eq!(DataClass::of_fact_key("company.name"), DataClass::Company);
    }

    #[test]
    fn default_retention_matches_the_policy() {
        let d = RetentionDays::default();
        assert_eq!(d.for_class(DataClass::Executives), Some(365));
        assert_eq!(d.for_class(DataClass::HiringSignals), Some(90));
        assert_eq!(d.for_class(DataClass::Financials), Some(365));
        assert_eq!(d.for_class(DataClass::Technology), None);
    }
}
