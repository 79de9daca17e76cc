//! `GET /v1/me` and `GET /v1/changes`: who the caller is, and what changed that they may see.

use pf_core::{AccountId, PrivacyRequestId, Role, TeamId, TerritoryId, UserId};
use serde::{Deserialize, Serialize};

use super::Micros;
use super::account::SyncedAccount;
use super::admin::{RetentionPolicy, Territory};
use super::privacy::PrivacyOrder;
use super::spend::{BudgetAlert, BudgetView, PriceEntry, SourceLimit};
use crate::Cursor;

/// The caller as the server knows them (`GET /v1/me`, and a `me` change when it changes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub user: UserId,
    pub role: Role,
    pub team: Option<TeamId>,
    pub team_name: Option<String>,
    pub display_name: Option<String>,
    /// Names of the territories the caller owns or belongs to.
    pub territories: Vec<String>,
    /// What the caller's laptop may spend on paid calls while it cannot reach the server.
    pub offline_allowance_micros: Micros,
}

/// A feature flag as it applies to the caller: the server evaluates rollout and allow-lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagState {
    pub key: String,
    pub on: bool,
}

/// One thing that changed. The newest state only: an account edited three times since the
/// cursor comes once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum ChangeItem {
    /// The caller's identity, role, team or territories changed.
    Me(Me),
    /// An account the caller may see was added or changed.
    Account(SyncedAccount),
    /// An account the caller could see no longer is theirs: drop its local data.
    AccountRemoved {
        id: AccountId,
    },
    Territory(Territory),
    TerritoryRemoved {
        id: TerritoryId,
    },
    /// The caller's team budget (managers and admins).
    Budget(BudgetView),
    /// A team crossed its budget's alert threshold (shown to the team's managers).
    BudgetAlert(BudgetAlert),
    Price(PriceEntry),
    PriceRemoved {
        source: String,
        endpoint: String,
    },
    SourceLimit(SourceLimit),
    Flag(FlagState),
    FlagRemoved {
        key: String,
    },
    Retention(RetentionPolicy),
    /// A privacy request to carry out on this laptop, then report (`/v1/privacy/{id}/report`).
    PrivacyOrder(PrivacyOrder),
    /// The request completed everywhere: forget the order.
    PrivacyOrderRemoved {
        id: PrivacyRequestId,
    },
}

/// A change with its position in the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub seq: u64,
    #[serde(flatten)]
    pub item: ChangeItem,
}

/// A page of `GET /v1/changes?since=CURSOR&limit=N`. Pull again with `next` while `more` is true.
/// A pull with nothing new returns no changes and the same cursor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangesPage {
    pub changes: Vec<Change>,
    pub next: Cursor,
    pub more: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_is_flat_json_with_seq_kind_and_data() {
        let c = Change {
            seq: 7,
            item: ChangeItem::PriceRemoved {
                source: "builtwith".into(),
                endpoint: "domain".into(),
            },
        };
        let json = serde_json::to_value(&c).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"seq": 7, "kind": "price_removed",
                "data": {"source": "builtwith", "endpoint": "domain"}})
        );
        assert_eq!(serde_json::from_value::<Change>(json).ok(), Some(c));
    }
}
