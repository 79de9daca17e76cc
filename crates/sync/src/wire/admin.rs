//! Admin bodies: users and tokens, teams, territories, accounts and assignments, flags,
//! retention. Budgets, prices and source limits are in [`super::spend`].

use pf_core::{
    AccountId, CoreError, FeatureFlag, RetentionDays, Role, TeamId, TerritoryId, UserId,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::account::{AccountInput, TerritoryRule};

/// `POST /v1/admin/users` (create or replace by id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    pub id: UserId,
    pub role: Role,
    #[serde(default)]
    pub team: Option<TeamId>,
    #[serde(default)]
    pub display_name: Option<String>,
}

/// A user as the admin API lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub role: Role,
    pub team: Option<TeamId>,
    pub display_name: Option<String>,
    /// False once deleted: the user's tokens stop working.
    pub active: bool,
}

/// `POST /v1/admin/users/{id}/tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TokenRequest {
    /// Lifetime; none means the token lasts until the user is deleted.
    pub expires_in_secs: Option<u64>,
}

/// A new token. The server keeps only its hash: this is the one time it is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedToken {
    pub user: UserId,
    pub token: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
}

/// `POST /v1/admin/teams` and `PUT /v1/admin/teams/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamInput {
    pub name: String,
}

/// A team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: TeamId,
    pub name: String,
}

/// `POST /v1/admin/territories` and `PUT /v1/admin/territories/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TerritoryInput {
    pub name: String,
    /// The manager (or AE) who owns it.
    pub owner: UserId,
    #[serde(default)]
    pub members: Vec<UserId>,
    pub rule: TerritoryRule,
    /// When an account matches several territories, the highest priority wins (then the name).
    #[serde(default)]
    pub priority: i32,
}

/// A territory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Territory {
    pub id: TerritoryId,
    pub name: String,
    pub owner: UserId,
    pub members: Vec<UserId>,
    pub rule: TerritoryRule,
    pub priority: i32,
}

/// `POST /v1/admin/accounts`: add or update accounts by domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountsInput {
    pub accounts: Vec<AccountInput>,
}

/// The ids of the accounts written, in input order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountsAck {
    pub ids: Vec<AccountId>,
}

/// `PUT /v1/admin/assignments`: give an account an owner by hand, or take it back (`null`: the
/// territory rule alone decides).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignmentInput {
    pub account: AccountId,
    pub owner: Option<UserId>,
}

/// `PUT /v1/admin/flags`: a feature flag, checked like pf-core's `FeatureFlag`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagInput {
    pub key: String,
    pub enabled: bool,
    pub rollout_percent: u8,
    #[serde(default)]
    pub allowed_users: Vec<UserId>,
    #[serde(default)]
    pub allowed_teams: Vec<TeamId>,
}

impl TryFrom<FlagInput> for FeatureFlag {
    type Error = CoreError;
    fn try_from(input: FlagInput) -> Result<Self, Self::Error> {
        let mut flag = FeatureFlag::new(input.key, input.rollout_percent)?;
        flag.enabled = input.enabled;
        flag.allowed_users = input.allowed_users;
        flag.allowed_teams = input.allowed_teams;
        Ok(flag)
    }
}

impl From<FeatureFlag> for FlagInput {
    fn from(f: FeatureFlag) -> Self {
        Self {
            key: f.key,
            enabled: f.enabled,
            rollout_percent: f.rollout_percent,
            allowed_users: f.allowed_users,
            allowed_teams: f.allowed_teams,
        }
    }
}

/// How long data is kept after it was last fetched (`PUT /v1/admin/retention`), per data class;
/// every laptop and the server purge daily by it. Zero means keep forever. Fields left out of a
/// request take their defaults: executives 365 days unless refreshed, hiring signals 90,
/// financials 365.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionPolicy {
    /// Officers: names, titles, contact details (personal data).
    pub executives_days: u32,
    /// Job posts and job-post contacts.
    pub hiring_signals_days: u32,
    pub financials_days: u32,
    /// Initiatives with quoted speakers (personal data).
    pub quotes_days: u32,
    /// History snapshots of any class.
    pub history_days: u32,
    /// Usage records (laptops' usage log, the server's pushed usage).
    pub usage_days: u32,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        RetentionDays::default().into()
    }
}

impl From<RetentionDays> for RetentionPolicy {
    fn from(d: RetentionDays) -> Self {
        Self {
            executives_days: d.executives,
            hiring_signals_days: d.hiring_signals,
            financials_days: d.financials,
            quotes_days: d.quotes,
            history_days: d.history,
            usage_days: d.usage,
        }
    }
}

impl From<RetentionPolicy> for RetentionDays {
    fn from(p: RetentionPolicy) -> Self {
        Self {
            executives: p.executives_days,
            hiring_signals: p.hiring_signals_days,
            financials: p.financials_days,
            quotes: p.quotes_days,
            history: p.history_days,
            usage: p.usage_days,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_input_is_checked_like_a_core_feature_flag() {
        let ok: FlagInput =
            serde_json::from_str(r#"{"key":"new-brief","enabled":true,"rollout_percent":30}"#)
                .expect("valid");
        let flag = FeatureFlag::try_from(ok.clone()).expect("valid rollout");
        assert_eq!(FlagInput::from(flag), ok);
        let too_much = FlagInput {
            rollout_percent: 101,
            ..ok
        };
        assert!(FeatureFlag::try_from(too_much).is_err());
        let typo = r#"{"key":"x","enabled":true,"rollout":30}"#;
        assert!(serde_json::from_str::<FlagInput>(typo).is_err());
    }
}
