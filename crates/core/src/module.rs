//! Enrichment module identifiers: the built-in M01..M15 and added modules up to M99.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::CoreError;

/// An enrichment module: the fifteen built-in ones (see DESIGN.md) or one added later, up to
/// `M99`. Stored and shown as `M01`..`M99`.
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

    /// The highest number of the built-in modules.
    pub const BUILTIN_COUNT: u8 = 15;

    /// The built-in modules M01-M15, in number order.
    pub fn all() -> impl Iterator<Item = ModuleId> {
        (1..=Self::BUILTIN_COUNT).map(ModuleId)
    }

    /// A module by number, 1..=99.
    pub fn new(number: u8) -> Result<ModuleId, CoreError> {
        if (1..=99).contains(&number) {
            Ok(ModuleId(number))
        } else {
            Err(CoreError::UnknownModule(format!("M{number:02}")))
        }
    }

    /// The module number, 1..=99.
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
            15 => "Talking points",
            _ => "Added module",
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
            Ok(n @ 1..=99) => Ok(ModuleId(n)),
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
        assert_eq!(
            "M16".parse::<ModuleId>().ok(),
            ModuleId::new(16).ok(),
            "added modules go up to M99"
        );
        assert!(ModuleId::new(100).is_err());
        for bad in ["M00", "M100", "M6", "6", "X01", "M1a", ""] {
            assert!(bad.parse::<ModuleId>().is_err(), "{bad} must be rejected");
        }
        assert_eq!(ModuleId::all().count(), 15);
    }
}
