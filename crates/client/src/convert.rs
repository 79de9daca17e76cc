//! The wire types of `pf-sync` in the store's terms, and back: a pulled change becomes a
//! [`SyncChange`], an outbox entry becomes a [`UsageRecord`] to push.

use pf_core::NewAccount;
use pf_store::{OutboxEntry, SyncChange, SyncProfile};
use pf_sync::{ChangeItem, Me, ReservationId, UsageId, UsageRecord};

use crate::ClientError;

/// Kinds of synced items, as stored (`synced_items.kind`).
pub mod kind {
    pub const TERRITORY: &str = "territory";
    pub const BUDGET: &str = "budget";
    pub const BUDGET_ALERT: &str = "budget_alert";
    pub const PRICE: &str = "price";
    pub const SOURCE_LIMIT: &str = "source_limit";
    pub const FLAG: &str = "flag";
    pub const RETENTION: &str = "retention";
    /// An open privacy request to carry out here (names the subject: deleted once reported).
    pub const PRIVACY_ORDER: &str = "privacy_order";
}

/// What `/v1/me` says, as the store keeps it.
pub fn profile(me: &Me) -> SyncProfile {
    SyncProfile {
        user: me.user.clone(),
        role: me.role,
        team: me.team.map(|t| t.to_string()),
        team_name: me.team_name.clone(),
        display_name: me.display_name.clone(),
        territories: me.territories.clone(),
        offline_allowance_micros: me.offline_allowance_micros,
    }
}

fn item<T: serde::Serialize>(
    kind: &str,
    key: impl Into<String>,
    data: &T,
) -> Result<SyncChange, ClientError> {
    Ok(SyncChange::Item {
        kind: kind.to_owned(),
        key: key.into(),
        data: serde_json::to_value(data).map_err(|e| ClientError::Protocol(e.to_string()))?,
    })
}

fn removed(kind: &str, key: impl Into<String>) -> SyncChange {
    SyncChange::ItemRemoved {
        kind: kind.to_owned(),
        key: key.into(),
    }
}

/// One pulled change as the store applies it.
pub fn change(item_in: &ChangeItem) -> Result<SyncChange, ClientError> {
    Ok(match item_in {
        ChangeItem::Me(me) => SyncChange::Profile(profile(me)),
        ChangeItem::Account(a) => SyncChange::Account {
            server_id: a.id,
            account: NewAccount {
                domain: Some(a.domain.clone()),
                name: Some(a.name.clone()),
                region: a.attrs.region.clone(),
                country: a.attrs.country.clone(),
                segment: a.attrs.segment.clone(),
                industry: a.attrs.industry.clone(),
                employees: a.attrs.employees,
                revenue_usd: a.attrs.revenue_usd,
                owner: a.owner.clone(),
                territory: a.territory.clone(),
                tags: a.attrs.tags.clone(),
            },
            data: serde_json::to_value(a).map_err(|e| ClientError::Protocol(e.to_string()))?,
        },
        ChangeItem::AccountRemoved { id } => SyncChange::AccountRemoved { server_id: *id },
        ChangeItem::Territory(t) => item(kind::TERRITORY, t.id.to_string(), t)?,
        ChangeItem::TerritoryRemoved { id } => removed(kind::TERRITORY, id.to_string()),
        ChangeItem::Budget(b) => item(kind::BUDGET, b.team.to_string(), b)?,
        ChangeItem::BudgetAlert(a) => {
            item(kind::BUDGET_ALERT, format!("{}/{}", a.team, a.month), a)?
        }
        ChangeItem::Price(p) => item(kind::PRICE, format!("{}/{}", p.source, p.endpoint), p)?,
        ChangeItem::PriceRemoved { source, endpoint } => {
            removed(kind::PRICE, format!("{source}/{endpoint}"))
        }
        ChangeItem::SourceLimit(l) => item(kind::SOURCE_LIMIT, l.source.clone(), l)?,
        ChangeItem::Flag(f) => item(kind::FLAG, f.key.clone(), f)?,
        ChangeItem::FlagRemoved { key } => removed(kind::FLAG, key.clone()),
        ChangeItem::Retention(r) => item(kind::RETENTION, "policy", r)?,
        ChangeItem::PrivacyOrder(o) => item(kind::PRIVACY_ORDER, o.id.to_string(), o)?,
        ChangeItem::PrivacyOrderRemoved { id } => removed(kind::PRIVACY_ORDER, id.to_string()),
    })
}

/// An outbox entry as the server takes it.
pub fn usage(e: &OutboxEntry) -> UsageRecord {
    UsageRecord {
        id: UsageId::from_uuid(e.id),
        source: e.source.to_string(),
        endpoint: e.endpoint.clone(),
        domain: e.domain.as_ref().map(ToString::to_string),
        cost_micros: e.cost_micros,
        status: e.status.as_str().to_owned(),
        duration_ms: e.duration_ms,
        at: e.at,
        reservation: e.reservation.map(ReservationId::from_uuid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pf_sync::{FlagState, PriceEntry};

    #[test]
    fn items_are_keyed_so_a_removal_finds_what_the_upsert_stored() {
        let price = change(&ChangeItem::Price(PriceEntry {
            source: "builtwith".into(),
            endpoint: "domain-api".into(),
            price_micros: 40_000,
        }))
        .expect("price");
        let gone = change(&ChangeItem::PriceRemoved {
            source: "builtwith".into(),
            endpoint: "domain-api".into(),
        })
        .expect("removal");
        let (
            SyncChange::Item {
                kind: k1, key: a, ..
            },
            SyncChange::ItemRemoved { kind: k2, key: b },
        ) = (price, gone)
        else {
            panic!("wrong shapes");
        };
        assert_eq!((k1.as_str(), a.as_str()), (k2.as_str(), b.as_str()));
        let flag = change(&ChangeItem::Flag(FlagState {
            key: "ops_page".into(),
            on: false,
        }))
        .expect("flag");
        assert!(
            matches!(flag, SyncChange::Item { ref kind, ref key, ref data } if kind == "flag" && key == "ops_page" && data["on"] == false)
        );
    }
}
