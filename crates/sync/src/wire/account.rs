//! Accounts as the server hands them out, and the territory rule that assigns them.

use pf_core::{AccountId, Domain, TeamId, UserId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The attributes territory rules look at. `revenue_usd` is a financial: it is withheld from
/// roles that may not read financials.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AccountAttrs {
    pub region: Option<String>,
    pub country: Option<String>,
    pub segment: Option<String>,
    pub industry: Option<String>,
    pub employees: Option<u64>,
    /// Annual revenue in whole US dollars (a financial).
    pub revenue_usd: Option<u64>,
    pub tags: Vec<String>,
}

/// Competitive deal intel: who the incumbent is and what the deal looks like. Withheld from roles
/// that may not read it (SDRs).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DealIntel {
    pub incumbent_vendor: Option<String>,
    pub contract_value_usd: Option<u64>,
    pub renewal_date: Option<String>,
    pub notes: Option<String>,
}

/// An account as an admin sends it to the server (`POST /v1/admin/accounts`). The domain is the
/// key: sending a known domain updates that account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountInput {
    pub domain: Domain,
    pub name: String,
    #[serde(default)]
    pub attrs: AccountAttrs,
    #[serde(default)]
    pub deal_intel: Option<DealIntel>,
}

/// Why an account is the caller's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignedBy {
    /// Someone assigned an owner by hand.
    Explicit,
    /// It matches a territory's rule (and nobody owns it by hand).
    Territory,
    /// Neither: only admins and the team see it.
    Unassigned,
}

/// Fields the server left out because the caller's role may not read them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Withheld {
    Financials,
    DealIntel,
}

/// An account in a `/v1/changes` page: its attributes and its assignment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncedAccount {
    pub id: AccountId,
    pub domain: Domain,
    pub name: String,
    pub attrs: AccountAttrs,
    pub deal_intel: Option<DealIntel>,
    pub owner: Option<UserId>,
    /// The territory's name.
    pub territory: Option<String>,
    pub team: Option<TeamId>,
    pub assigned_by: AssignedBy,
    /// What was left out for the caller's role; empty when nothing was.
    #[serde(default)]
    pub withheld: Vec<Withheld>,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// An inclusive range; a missing bound is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NumRange {
    pub min: Option<u64>,
    pub max: Option<u64>,
}

impl NumRange {
    /// True when `value` is known and within the range.
    pub fn contains(&self, value: Option<u64>) -> bool {
        value.is_some_and(|v| self.min.is_none_or(|m| v >= m) && self.max.is_none_or(|m| v <= m))
    }
}

/// Which accounts a territory covers. Every non-empty criterion must hold; a list matches when
/// the account's value is one of it (ASCII case ignored); `tags` matches when the account has
/// any of them. The empty rule matches nothing, so a new territory never swallows every account.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TerritoryRule {
    pub regions: Vec<String>,
    pub countries: Vec<String>,
    pub segments: Vec<String>,
    pub industries: Vec<String>,
    pub employees: Option<NumRange>,
    pub revenue_usd: Option<NumRange>,
    pub tags: Vec<String>,
}

fn one_of(list: &[String], value: Option<&String>) -> bool {
    list.is_empty() || value.is_some_and(|v| list.iter().any(|l| l.eq_ignore_ascii_case(v)))
}

impl TerritoryRule {
    /// True when the rule constrains nothing.
    pub fn is_empty(&self) -> bool {
        *self == TerritoryRule::default()
    }

    /// Whether an account with these attributes lies in the territory.
    pub fn matches(&self, a: &AccountAttrs) -> bool {
        !self.is_empty()
            && one_of(&self.regions, a.region.as_ref())
            && one_of(&self.countries, a.country.as_ref())
            && one_of(&self.segments, a.segment.as_ref())
            && one_of(&self.industries, a.industry.as_ref())
            && self.employees.is_none_or(|r| r.contains(a.employees))
            && self.revenue_usd.is_none_or(|r| r.contains(a.revenue_usd))
            && (self.tags.is_empty()
                || a.tags
                    .iter()
                    .any(|t| self.tags.iter().any(|r| r.eq_ignore_ascii_case(t))))
    }

    /// A description of the first thing wrong with the rule (an inverted range), if any.
    pub fn problem(&self) -> Option<String> {
        for (name, range) in [
            ("employees", self.employees),
            ("revenue_usd", self.revenue_usd),
        ] {
            if let Some(NumRange {
                min: Some(lo),
                max: Some(hi),
            }) = range
                && lo > hi
            {
                return Some(format!("{name}: min {lo} is above max {hi}"));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emea_retail() -> AccountAttrs {
        AccountAttrs {
            region: Some("EMEA".into()),
            country: Some("DE".into()),
            segment: Some("enterprise".into()),
            industry: Some("retail".into()),
            employees: Some(5_000),
            revenue_usd: Some(2_000_000_000),
            tags: vec!["b2c".into()],
        }
    }

    #[test]
    fn a_rule_matches_on_every_criterion_ignoring_case() {
        let rule = TerritoryRule {
            regions: vec!["emea".into()],
            industries: vec!["Retail".into(), "travel".into()],
            employees: Some(NumRange {
                min: Some(1_000),
                max: None,
            }),
            tags: vec!["B2C".into()],
            ..TerritoryRule::default()
        };
        assert!(rule.matches(&emea_retail()));
        let small = AccountAttrs {
            employees: Some(10),
            ..emea_retail()
        };
        assert!(!rule.matches(&small), "below the employee range");
        let unknown = AccountAttrs {
            employees: None,
            ..emea_retail()
        };
        assert!(!rule.matches(&unknown), "a range needs a known value");
    }

    #[test]
    fn the_empty_rule_matches_nothing_and_inverted_ranges_are_reported() {
        assert!(!TerritoryRule::default().matches(&emea_retail()));
        let bad = TerritoryRule {
            revenue_usd: Some(NumRange {
                min: Some(10),
                max: Some(5),
            }),
            ..TerritoryRule::default()
        };
        assert!(bad.problem().is_some_and(|p| p.contains("revenue_usd")));
    }

    #[test]
    fn account_input_refuses_unknown_fields() {
        let ok = r#"{"domain":"costco.com","name":"Costco","attrs":{"region":"NA"}}"#;
        assert!(serde_json::from_str::<AccountInput>(ok).is_ok());
        let typo = r#"{"domain":"costco.com","name":"Costco","atrs":{}}"#;
        let err = serde_json::from_str::<AccountInput>(typo).expect_err("unknown field");
        assert!(err.to_string().contains("unknown field"), "{err}");
    }
}
