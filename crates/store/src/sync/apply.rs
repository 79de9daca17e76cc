//! Applying what the server sent: one page of changes in one transaction, together with the
//! cursor that follows it, so a crash mid-pull leaves the laptop exactly at an earlier page.

use pf_core::account::normalise_tags;
use pf_core::{AccountId, NewAccount, UserId};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use time::OffsetDateTime;

use super::SyncProfile;
use crate::accounts::COLUMNS;
use crate::{Store, StoreError, ts};

/// One change from the server, in store terms.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncChange {
    /// An account the user may see, added or changed: created locally when new (by domain),
    /// its owner and territory set as the server says. `data` is the server's whole record.
    Account {
        server_id: AccountId,
        account: NewAccount,
        data: serde_json::Value,
    },
    /// The account is no longer the user's: its local data (intelligence, history, call log,
    /// search documents) is deleted with it.
    AccountRemoved {
        server_id: AccountId,
    },
    /// A territory, budget, price, source limit, flag, retention policy, ... by kind and key.
    Item {
        kind: String,
        key: String,
        data: serde_json::Value,
    },
    ItemRemoved {
        kind: String,
        key: String,
    },
    /// The user's identity, role, team or territories changed.
    Profile(SyncProfile),
}

/// One page of changes and the cursor after it.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncPage {
    pub changes: Vec<SyncChange>,
    pub cursor: String,
}

/// What applying a page did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ApplyReport {
    /// Accounts added or updated.
    pub accounts: u32,
    /// Accounts removed with their local data.
    pub removed: u32,
    /// Other items stored or removed.
    pub items: u32,
}

impl Store {
    /// Applies one page and stores its cursor, all or nothing. Refused when no server is
    /// configured (there would be no cursor to keep).
    pub fn apply_sync_page(&self, page: &SyncPage) -> Result<ApplyReport, StoreError> {
        self.write(|conn| {
            let n = conn.execute(
                "UPDATE sync_identity SET cursor = ?1 WHERE id = 1",
                [&page.cursor],
            )?;
            if n == 0 {
                return Err(StoreError::Invalid(
                    "no sync server is configured: log in first".into(),
                ));
            }
            let now = ts::format(ts::now());
            let mut report = ApplyReport::default();
            for change in &page.changes {
                match change {
                    SyncChange::Account {
                        server_id,
                        account,
                        data,
                    } => {
                        self.apply_account(conn, *server_id, account, data, &now)?;
                        report.accounts += 1;
                    }
                    SyncChange::AccountRemoved { server_id } => {
                        if remove_synced(conn, *server_id)? {
                            report.removed += 1;
                        }
                    }
                    SyncChange::Item { kind, key, data } => {
                        audit_item(conn, kind, key, Some(data))?;
                        conn.prepare_cached(
                            "INSERT INTO synced_items (kind, key, data, synced_at) VALUES (?1, ?2, ?3, ?4)
                             ON CONFLICT (kind, key) DO UPDATE SET data = excluded.data, synced_at = excluded.synced_at",
                        )?
                        .execute(params![kind, key, serde_json::to_string(data)?, now])?;
                        report.items += 1;
                    }
                    SyncChange::ItemRemoved { kind, key } => {
                        audit_item(conn, kind, key, None)?;
                        conn.prepare_cached("DELETE FROM synced_items WHERE kind = ?1 AND key = ?2")?
                            .execute([kind, key])?;
                        report.items += 1;
                    }
                    SyncChange::Profile(p) => {
                        let before: Option<String> = conn
                            .query_row("SELECT role FROM sync_identity WHERE id = 1", [], |r| {
                                r.get(0)
                            })
                            .ok();
                        let after = p.role.as_str().to_owned();
                        if before.as_deref() != Some(after.as_str()) {
                            crate::audit::append(
                                conn,
                                ts::now(),
                                Some("server"),
                                "role.change",
                                &format!("user:{}", p.user),
                                &serde_json::json!({ "from": before, "to": after }),
                            )?;
                        }
                        self.update_sync_profile(p)?;
                        report.items += 1;
                    }
                }
            }
            Ok(report)
        })
    }

    fn apply_account(
        &self,
        conn: &Connection,
        server_id: AccountId,
        account: &NewAccount,
        data: &serde_json::Value,
        now: &str,
    ) -> Result<(), StoreError> {
        let id = match insert_new_account(conn, account, now)? {
            Some(id) => id,
            None => self.upsert_account(account)?.id(),
        };
        // The server decides the assignment: an owner or territory it cleared is cleared here.
        conn.prepare_cached(
            "UPDATE accounts SET owner = ?2, territory = ?3, updated_at = ?4
             WHERE id = ?1 AND (owner IS NOT ?2 OR territory IS NOT ?3)",
        )?
        .execute(params![
            id.to_string(),
            account.owner.as_ref().map(UserId::as_str),
            account.territory,
            now
        ])?;
        conn.prepare_cached(
            "INSERT OR REPLACE INTO synced_accounts (server_id, account_id, data, synced_at)
             VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![
            server_id.to_string(),
            id.to_string(),
            serde_json::to_string(data)?,
            now
        ])?;
        Ok(())
    }

    /// After a pull from the start: accounts the server sent earlier but not in this pull
    /// (taken away while this laptop was logged out, or before a cursor reset) are removed like
    /// an `account_removed`. Answers how many.
    pub fn prune_synced_accounts(&self, not_seen_since: OffsetDateTime) -> Result<u32, StoreError> {
        self.write(|conn| {
            let stale: Vec<String> = conn
                .prepare("SELECT server_id FROM synced_accounts WHERE synced_at < ?1")?
                .query_map([ts::format(not_seen_since)], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut removed = 0;
            for id in stale {
                let id = crate::row::account_id(&id)?;
                if remove_synced(conn, id)? {
                    removed += 1;
                }
            }
            Ok(removed)
        })
    }

    /// The server's record of a synced account (its deal intel, assignment, what was withheld).
    pub fn synced_account_data(
        &self,
        account: AccountId,
    ) -> Result<Option<serde_json::Value>, StoreError> {
        let data: Option<String> = self
            .conn
            .query_row(
                "SELECT data FROM synced_accounts WHERE account_id = ?1",
                [account.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        data.map(|d| serde_json::from_str(&d).map_err(StoreError::from))
            .transpose()
    }
}

/// The common case of a first pull: an account whose domain (or alias) is not here yet is
/// inserted with cached statements inside the page's transaction. `None` (nothing written) when
/// the domain is known or the record needs [`Store::upsert_account`]'s defaults (no domain, no
/// name): the caller merges it the usual way. Going through `upsert_account` for every row
/// re-prepared its INSERT (with the search-index triggers it fires) each time and cost about
/// 120 us an account.
fn insert_new_account(
    conn: &Connection,
    account: &NewAccount,
    now: &str,
) -> Result<Option<AccountId>, StoreError> {
    let (Some(domain), Some(name)) = (&account.domain, &account.name) else {
        return Ok(None);
    };
    let name = name.trim();
    if name.is_empty() {
        return Ok(None);
    }
    let known = conn
        .prepare_cached(
            "SELECT 1 FROM accounts WHERE domain = ?1
             UNION ALL SELECT 1 FROM domain_aliases WHERE domain = ?1 LIMIT 1",
        )?
        .exists([domain.as_str()])?;
    if known {
        return Ok(None);
    }
    let id = AccountId::new();
    let tags = normalise_tags(account.tags.iter().map(String::as_str));
    let num = |v: Option<u64>| v.map(|n| i64::try_from(n).unwrap_or(i64::MAX));
    conn.prepare_cached(&format!(
        "INSERT INTO accounts ({COLUMNS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?13)"
    ))?
    .execute(params![
        id.to_string(),
        domain.as_str(),
        name,
        account.region,
        account.country,
        account.segment,
        account.industry,
        num(account.employees),
        num(account.revenue_usd),
        account.owner.as_ref().map(UserId::as_str),
        account.territory,
        serde_json::to_string(&tags)?,
        now
    ])?;
    Ok(Some(id))
}

/// Deletes the local account the server knows as `server_id`, with everything hanging off it
/// (foreign keys cascade; the domain-keyed queue and notifications are cleared by hand).
fn remove_synced(conn: &Connection, server_id: AccountId) -> Result<bool, StoreError> {
    let found: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT a.id, a.domain FROM synced_accounts s JOIN accounts a ON a.id = s.account_id
             WHERE s.server_id = ?1",
        )?
        .query_row([server_id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((id, domain)) = found else {
        return Ok(false);
    };
    conn.prepare_cached("DELETE FROM accounts WHERE id = ?1")?
        .execute([&id])?;
    conn.prepare_cached("DELETE FROM enrich_queue WHERE domain = ?1")?
        .execute([&domain])?;
    conn.prepare_cached("DELETE FROM notifications WHERE domain = ?1")?
        .execute([&domain])?;
    Ok(true)
}

/// Kinds whose changes the laptop's audit log keeps (who changed them is on the server's log).
const AUDITED: [&str; 4] = ["territory", "budget", "retention", "flag"];

/// Audits a synced setting that changed: `territory.change`, `budget.change`, ...
fn audit_item(
    conn: &Connection,
    kind: &str,
    key: &str,
    data: Option<&serde_json::Value>,
) -> Result<(), StoreError> {
    if !AUDITED.contains(&kind) {
        return Ok(());
    }
    let before: Option<String> = conn
        .query_row(
            "SELECT data FROM synced_items WHERE kind = ?1 AND key = ?2",
            [kind, key],
            |r| r.get(0),
        )
        .ok();
    let before: Option<serde_json::Value> = before.map(|b| serde_json::from_str(&b)).transpose()?;
    // A budget's spend moves with every call: only its limits are a change worth auditing.
    let settings = |v: Option<&serde_json::Value>| -> Option<serde_json::Value> {
        let v = v?;
        if kind != "budget" {
            return Some(v.clone());
        }
        let pick = [
            "monthly_limit_micros",
            "alert_threshold_pct",
            "hard_cap_micros",
            "offline_allowance_micros",
        ];
        Some(serde_json::Value::Object(
            pick.iter()
                .filter_map(|k| v.get(*k).map(|x| ((*k).to_owned(), x.clone())))
                .collect(),
        ))
    };
    let (before, data) = (settings(before.as_ref()), settings(data));
    if before == data {
        return Ok(());
    }
    crate::audit::append(
        conn,
        ts::now(),
        Some("server"),
        &format!("{kind}.change"),
        &format!("{kind}:{key}"),
        &serde_json::json!({ "from": before, "to": data }),
    )
}
