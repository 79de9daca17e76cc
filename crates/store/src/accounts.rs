//! The accounts repository: upsert by domain, list, look up.

use pf_core::account::normalise_tags;
use pf_core::{Account, AccountId, Domain, NewAccount, UserId};
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use crate::{Store, StoreError, row, ts};

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", content = "id", rename_all = "snake_case")]
pub enum UpsertOutcome {
    Inserted(AccountId),
    Updated(AccountId),
    /// The account exists and the new values change nothing.
    Unchanged(AccountId),
}

impl UpsertOutcome {
    pub fn id(&self) -> AccountId {
        match self {
            UpsertOutcome::Inserted(id)
            | UpsertOutcome::Updated(id)
            | UpsertOutcome::Unchanged(id) => *id,
        }
    }
}

pub(crate) const COLUMNS: &str = "id, domain, name, region, country, segment, industry, employees, revenue_usd, \
                       owner, territory, tags, created_at, updated_at";

fn to_u64(v: Option<i64>) -> Option<u64> {
    v.and_then(|n| u64::try_from(n).ok())
}

fn to_i64(v: Option<u64>) -> Option<i64> {
    v.map(|n| i64::try_from(n).unwrap_or(i64::MAX))
}

pub(crate) fn row_to_account(r: &Row<'_>) -> rusqlite::Result<Result<Account, StoreError>> {
    let id: String = r.get(0)?;
    let domain: String = r.get(1)?;
    let owner: Option<String> = r.get(9)?;
    let tags: String = r.get(11)?;
    let created: String = r.get(12)?;
    let updated: String = r.get(13)?;
    let build = || -> Result<Account, StoreError> {
        Ok(Account {
            id: row::account_id(&id)?,
            domain: row::domain(&domain)?,
            name: r.get(2)?,
            region: r.get(3)?,
            country: r.get(4)?,
            segment: r.get(5)?,
            industry: r.get(6)?,
            employees: to_u64(r.get(7)?),
            revenue_usd: to_u64(r.get(8)?),
            owner: owner.as_deref().and_then(|o| UserId::new(o).ok()),
            territory: r.get(10)?,
            tags: serde_json::from_str(&tags)?,
            created_at: ts::parse(&created)?,
            updated_at: ts::parse(&updated)?,
        })
    };
    Ok(build())
}

/// Keeps existing values where the new record leaves a field empty.
fn merge(old: &Account, new: &NewAccount) -> Account {
    let pick = |n: &Option<String>, o: &Option<String>| n.clone().or_else(|| o.clone());
    Account {
        id: old.id,
        domain: old.domain.clone(),
        name: new
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| old.name.clone()),
        region: pick(&new.region, &old.region),
        country: pick(&new.country, &old.country),
        segment: pick(&new.segment, &old.segment),
        industry: pick(&new.industry, &old.industry),
        employees: new.employees.or(old.employees),
        revenue_usd: new.revenue_usd.or(old.revenue_usd),
        owner: new.owner.clone().or_else(|| old.owner.clone()),
        territory: pick(&new.territory, &old.territory),
        tags: if new.tags.is_empty() {
            old.tags.clone()
        } else {
            normalise_tags(new.tags.iter().map(String::as_str))
        },
        created_at: old.created_at,
        updated_at: old.updated_at,
    }
}

/// A display name from the domain when none is given: `bestbuy.com` -> `Bestbuy`.
fn name_from_domain(d: &Domain) -> String {
    let first = d.as_str().split('.').next().unwrap_or(d.as_str());
    let mut c = first.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

impl Store {
    /// Inserts the account, or updates the one with the same domain (empty fields keep old values).
    pub fn upsert_account(&self, new: &NewAccount) -> Result<UpsertOutcome, StoreError> {
        let domain = new.domain.clone().ok_or(StoreError::MissingDomain)?;
        self.write(|conn| {
            let existing = self.account_by_domain(&domain)?;
            let now = ts::now();
            match existing {
                Some(old) => {
                    let mut merged = merge(&old, new);
                    if merged == old {
                        return Ok(UpsertOutcome::Unchanged(old.id));
                    }
                    merged.updated_at = now;
                    conn.execute(
                        "UPDATE accounts SET name=?2, region=?3, country=?4, segment=?5, industry=?6, employees=?7,
                         revenue_usd=?8, owner=?9, territory=?10, tags=?11, updated_at=?12 WHERE id=?1",
                        params![
                            old.id.to_string(), merged.name, merged.region, merged.country, merged.segment,
                            merged.industry, to_i64(merged.employees), to_i64(merged.revenue_usd),
                            merged.owner.as_ref().map(UserId::as_str), merged.territory,
                            serde_json::to_string(&merged.tags)?, ts::format(now)
                        ],
                    )?;
                    Ok(UpsertOutcome::Updated(old.id))
                }
                None => {
                    let id = AccountId::new();
                    let name = new.name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| name_from_domain(&domain));
                    let tags = normalise_tags(new.tags.iter().map(String::as_str));
                    conn.execute(
                        &format!("INSERT INTO accounts ({COLUMNS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?13)"),
                        params![
                            id.to_string(), domain.as_str(), name.trim(), new.region, new.country, new.segment,
                            new.industry, to_i64(new.employees), to_i64(new.revenue_usd),
                            new.owner.as_ref().map(UserId::as_str), new.territory,
                            serde_json::to_string(&tags)?, ts::format(now)
                        ],
                    )?;
                    Ok(UpsertOutcome::Inserted(id))
                }
            }
        })
    }

    /// Every account, by name.
    pub fn list_accounts(&self) -> Result<Vec<Account>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM accounts ORDER BY name COLLATE NOCASE, domain"
        ))?;
        let rows = stmt.query_map([], row_to_account)?;
        rows.map(|r| r?).collect()
    }

    /// The number of accounts.
    pub fn count_accounts(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))?;
        Ok(to_u64(Some(n)).unwrap_or(0))
    }

    /// The account with this domain, if any; a former domain (see [`Store::add_domain_alias`])
    /// finds the account it now belongs to.
    pub fn account_by_domain(&self, domain: &Domain) -> Result<Option<Account>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM accounts WHERE domain = ?1"))?;
        if let Some(found) = stmt
            .query_row([domain.as_str()], row_to_account)
            .optional()?
        {
            return found.map(Some);
        }
        let mut alias = self.conn.prepare_cached(&format!(
            "SELECT {} FROM domain_aliases x JOIN accounts a ON a.id = x.account_id WHERE x.domain = ?1",
            COLUMNS.split(", ").map(|c| format!("a.{c}")).collect::<Vec<_>>().join(", ")
        ))?;
        alias
            .query_row([domain.as_str()], row_to_account)
            .optional()?
            .transpose()
    }

    /// Records that `alias` (a former or alternative domain) belongs to `account`: lookups of the
    /// alias find the account, so its history follows the company. An alias that is itself an
    /// account's own domain is not recorded.
    pub fn add_domain_alias(
        &self,
        alias: &Domain,
        account: AccountId,
        reason: &str,
    ) -> Result<bool, StoreError> {
        let own: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM accounts WHERE domain = ?1",
                [alias.as_str()],
                |r| r.get(0),
            )
            .optional()?;
        if own.is_some() {
            return Ok(false);
        }
        let n = self.conn.execute(
            "INSERT INTO domain_aliases (domain, account_id, reason, added_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (domain) DO UPDATE SET account_id = excluded.account_id, reason = excluded.reason",
            params![alias.as_str(), account.to_string(), reason, ts::format(ts::now())],
        )?;
        Ok(n > 0)
    }

    /// An account's former and alternative domains with why each was recorded.
    pub fn domain_aliases(&self, account: AccountId) -> Result<Vec<(Domain, String)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT domain, reason FROM domain_aliases WHERE account_id = ?1 ORDER BY domain",
        )?;
        let rows = stmt.query_map([account.to_string()], row::texts::<2>)?;
        rows.map(|r| {
            let [d, why] = r?;
            Ok((row::domain(&d)?, why))
        })
        .collect()
    }

    /// The account with this id, if any.
    pub fn account(&self, id: AccountId) -> Result<Option<Account>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM accounts WHERE id = ?1"))?;
        stmt.query_row([id.to_string()], row_to_account)
            .optional()?
            .transpose()
    }

    /// Resolves a domain to its account or says it is not there.
    pub fn require_account(&self, domain: &Domain) -> Result<Account, StoreError> {
        self.account_by_domain(domain)?
            .ok_or_else(|| StoreError::AccountNotFound(domain.to_string()))
    }
}
