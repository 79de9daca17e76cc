//! Accounts: the companies an AE sells to, keyed by their registrable domain.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{AccountId, Domain, UserId};

/// The attributes of an account as imported or edited; the store gives it an id.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NewAccount {
    pub domain: Option<Domain>,
    pub name: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    pub segment: Option<String>,
    pub industry: Option<String>,
    pub employees: Option<u64>,
    /// Annual revenue in whole US dollars.
    pub revenue_usd: Option<u64>,
    pub owner: Option<UserId>,
    pub territory: Option<String>,
    pub tags: Vec<String>,
}

/// A stored account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub id: AccountId,
    pub domain: Domain,
    pub name: String,
    pub region: Option<String>,
    pub country: Option<String>,
    pub segment: Option<String>,
    pub industry: Option<String>,
    pub employees: Option<u64>,
    /// Annual revenue in whole US dollars.
    pub revenue_usd: Option<u64>,
    pub owner: Option<UserId>,
    pub territory: Option<String>,
    pub tags: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// Tags are trimmed, lower-cased, de-duplicated and sorted, so `"Retail, retail ,B2C"` and
/// `"b2c;retail"` are the same set.
pub fn normalise_tags<'a>(raw: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut tags: Vec<String> = raw
        .into_iter()
        .flat_map(|t| t.split([',', ';', '|']))
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    tags.sort();
    tags.dedup();
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_normalised_to_a_sorted_set() {
        assert_eq!(
            normalise_tags(["Retail, retail ,B2C"]),
            vec!["b2c", "retail"]
        );
        assert_eq!(normalise_tags(["b2c;retail|"]), vec!["b2c", "retail"]);
        assert!(normalise_tags([" , "]).is_empty());
    }
}
