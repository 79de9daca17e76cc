//! Identifier newtypes. No bare strings or UUIDs cross a crate API.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

use crate::CoreError;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new, time-ordered (UUID v7) identifier.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
            /// Wraps an existing UUID.
            pub fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }
            /// The underlying UUID.
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = CoreError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self).map_err(|_| CoreError::BadId(s.to_owned()))
            }
        }
    };
}

uuid_id!(
    /// One target account (a company, keyed by its registrable domain).
    AccountId
);
uuid_id!(
    /// A team of users sharing budgets.
    TeamId
);
uuid_id!(
    /// A territory: a named rule over account attributes.
    TerritoryId
);

uuid_id!(
    /// A privacy request (access, erasure, rectification), the same id on the server and on
    /// every laptop that carries it out.
    PrivacyRequestId
);

/// A user, named by the identity the sync server knows them by (an e-mail or login). Read from
/// JSON through [`UserId::new`], so a request body gets the same trimming, lower-casing and checks.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct UserId(String);

impl TryFrom<String> for UserId {
    type Error = CoreError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        UserId::new(&raw)
    }
}

impl From<UserId> for String {
    fn from(id: UserId) -> Self {
        id.0
    }
}

impl UserId {
    /// A user id; surrounding whitespace is trimmed and it is lower-cased.
    pub fn new(raw: &str) -> Result<Self, CoreError> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() || s.len() > 254 || s.chars().any(char::is_whitespace) {
            return Err(CoreError::BadId(raw.to_owned()));
        }
        Ok(Self(s))
    }
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_are_time_ordered_and_round_trip() {
        let a = AccountId::new();
        let b = AccountId::new();
        assert!(a < b, "UUID v7 ids sort by creation time");
        assert_eq!(a.to_string().parse::<AccountId>().ok(), Some(a));
        assert!("not-a-uuid".parse::<AccountId>().is_err());
    }

    #[test]
    fn user_ids_are_normalised_and_reject_blanks() {
        assert_eq!(
            UserId::new(" Ana@Example.COM ").map(|u| u.0).ok(),
            Some("ana@example.com".into())
        );
        assert!(UserId::new("   ").is_err());
        let parsed: UserId = serde_json::from_str(r#"" Alice@X.test ""#).expect("json");
        assert_eq!(
            parsed.as_str(),
            "alice@x.test",
            "JSON goes through the same rules"
        );
        assert!(serde_json::from_str::<UserId>(r#""two words""#).is_err());
        assert!(UserId::new("two words").is_err());
    }
}
