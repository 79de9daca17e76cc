//! Enrichment module identifiers M01..M15.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::CoreError;

/// One of the fifteen enrichment modules (see DESIGN.md). Stored and shown as `M01`..`M15`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ModuleId(u8);

impl ModuleId {
    pub const COMPANY_PROFILE: ModuleId = ModuleId(1);
    pub const TECH_STACK: ModuleId = ModuleId(2);
    pub const TRAFFIC: ModuleId = ModuleId(3);
    pub const HIRING: ModuleId = ModuleId(4);
    pub const DOMAIN_FAMILY: ModuleId = ModuleId(5);
    pub const SEARCH_PROVIDER: ModuleId = ModuleId(6);
    pub const FINANCIALS: ModuleId = ModuleId(7);
    pub const EXECUTIVES: ModuleId = ModuleId(8);
    pub const COMPETITORS: ModuleId = ModuleId(9);
    pub const INITIATIVES: ModuleId = ModuleId(10);
    pub const ICP_FIT: ModuleId = ModuleId(11);
    pub const INTENT: ModuleId = ModuleId(12);
    pub const HOT_LEAD: ModuleId = ModuleId(13);
    pub const BRIEF: ModuleId = ModuleId(14);
    pub const TALKING_POINTS: ModuleId = ModuleId(15);

    /// All modules, in number order.
    pub fn all() -> impl Iterator<Item = ModuleId> {
        (1..=15).map(ModuleId)
    }

    /// The module number, 1..=15.
    pub fn number(self) -> u8 {
        self.0
    }

    /// A human name for the module.
    pub fn title(self) -> &'static str {
        match self.0 {
            1 => "Company profile",
            2 => "Technology stack",
            3 => "Traffic and engagement",
            4 => "Hiring signals",
            5 => "Domain family",
            6 => "Search provider",
            7 => "Financials",
            8 => "Executives",
            9 => "Competitors",
            10 => "Strategic initiatives",
            11 => "ICP fit score",
            12 => "Intent and timing",
            13 => "Hot lead detection",
            14 => "Pre-call brief",
            _ => "Talking points",
        }
    }
}

impl fmt::Display for ModuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "M{:02}", self.0)
    }
}

impl FromStr for ModuleId {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || CoreError::UnknownModule(s.to_owned());
        let digits = s.strip_prefix(['M', 'm']).ok_or_else(bad)?;
        if digits.len() != 2 {
            return Err(bad());
        }
        match digits.parse::<u8>() {
            Ok(n @ 1..=15) => Ok(ModuleId(n)),
            _ => Err(bad()),
        }
    }
}

impl TryFrom<String> for ModuleId {
    type Error = CoreError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<ModuleId> for String {
    fn from(m: ModuleId) -> String {
        m.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_ids_parse_and_display_as_m_two_digits() {
        assert_eq!(
            "M06".parse::<ModuleId>().ok(),
            Some(ModuleId::SEARCH_PROVIDER)
        );
        assert_eq!(ModuleId::BRIEF.to_string(), "M14");
        for bad in ["M00", "M16", "M6", "6", "X01", "M1a", ""] {
            assert!(bad.parse::<ModuleId>().is_err(), "{bad} must be rejected");
        }
        assert_eq!(ModuleId::all().count(), 15);
    }
}
