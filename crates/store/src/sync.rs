//! The laptop side of the sync server: who this laptop is to the server ([`SyncIdentity`]; the
//! bearer token goes to the OS keyring, never the database), where its pull stands (the opaque
//! cursor), what the server handed it ([`SyncChange`]s applied a page at a time in one
//! transaction, see [`apply`]), and the outbox of usage records to push ([`outbox`]).
//!
//! Nothing here speaks HTTP or knows the wire types: `pf-client` maps the server's changes into
//! [`SyncChange`] and the outbox into usage pushes.

mod apply;
mod outbox;

pub use apply::{ApplyReport, SyncChange, SyncPage};
pub use outbox::{OutboxEntry, PendingSettlement};

use pf_core::{Role, UserId};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::key::secret;
use crate::{Store, StoreError, ts};

/// The keyring entry holding a store's sync token: `sync-token:<db path>`, so two stores on one
/// machine (profiles, the demo) keep their own logins, and one's logout leaves the other's.
const TOKEN_ENTRY: &str = "sync-token";

/// What the server says about the user (`/v1/me`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncProfile {
    pub user: UserId,
    pub role: Role,
    pub team: Option<String>,
    pub team_name: Option<String>,
    pub display_name: Option<String>,
    pub territories: Vec<String>,
    /// What paid calls may cost while the server cannot be reached.
    pub offline_allowance_micros: u64,
}

/// The configured sync server and who this laptop is there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncIdentity {
    pub server_url: String,
    #[serde(flatten)]
    pub profile: SyncProfile,
    #[serde(with = "time::serde::rfc3339")]
    pub logged_in_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_sync_at: Option<OffsetDateTime>,
}

fn micros(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl Store {
    /// Logs in: the token goes to the OS keyring, the server and the profile to the database
    /// ([`Store::save_sync_identity`]). Answers whether the laptop started over.
    pub fn set_sync_login(
        &self,
        server_url: &str,
        profile: &SyncProfile,
        token: &str,
    ) -> Result<bool, StoreError> {
        let token = token.trim();
        if token.is_empty() {
            return Err(StoreError::EmptySecret);
        }
        secret::set(&self.token_entry(), token)?;
        self.save_sync_identity(server_url, profile)
    }

    /// Records the server and who the user is there (the token is the caller's business).
    /// Another server or another user than before starts over: the cursor, the synced items and
    /// the server-id mapping are forgotten (local accounts and their intelligence stay). Answers
    /// whether it started over.
    pub fn save_sync_identity(
        &self,
        server_url: &str,
        profile: &SyncProfile,
    ) -> Result<bool, StoreError> {
        let before = self.sync_identity()?;
        let fresh = before
            .as_ref()
            .is_none_or(|b| b.server_url != server_url || b.profile.user != profile.user);
        self.write(|conn| {
            if fresh {
                conn.execute_batch("DELETE FROM synced_items; DELETE FROM synced_accounts;")?;
            }
            conn.execute(
                "INSERT INTO sync_identity (id, server_url, user_id, role, logged_in_at, cursor)
                 VALUES (1, ?1, ?2, ?3, ?4, NULL)
                 ON CONFLICT (id) DO UPDATE SET server_url = excluded.server_url,
                   user_id = excluded.user_id, role = excluded.role,
                   logged_in_at = excluded.logged_in_at,
                   cursor = CASE WHEN ?5 THEN NULL ELSE cursor END,
                   last_sync_at = CASE WHEN ?5 THEN NULL ELSE last_sync_at END",
                params![
                    server_url,
                    profile.user.as_str(),
                    profile.role.as_str(),
                    ts::format(ts::now()),
                    fresh
                ],
            )?;
            self.update_sync_profile(profile)
        })?;
        Ok(fresh)
    }

    /// Refreshes what the server says about the user (a `me` change, or `/v1/me`).
    pub fn update_sync_profile(&self, p: &SyncProfile) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE sync_identity SET user_id = ?1, role = ?2, team_id = ?3, team_name = ?4,
               display_name = ?5, territories = ?6, offline_allowance_micros = ?7 WHERE id = 1",
            params![
                p.user.as_str(),
                p.role.as_str(),
                p.team,
                p.team_name,
                p.display_name,
                serde_json::to_string(&p.territories)?,
                micros(p.offline_allowance_micros)
            ],
        )?;
        Ok(())
    }

    /// The configured server and user, if logged in.
    pub fn sync_identity(&self) -> Result<Option<SyncIdentity>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT server_url, user_id, role, team_id, team_name, display_name, territories,
                        offline_allowance_micros, logged_in_at, last_sync_at
                 FROM sync_identity WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, i64>(7)?,
                        r.get::<_, String>(8)?,
                        r.get::<_, Option<String>>(9)?,
                    ))
                },
            )
            .optional()?;
        let Some((url, user, role, team, team_name, display, terr, allowance, at, last)) = row
        else {
            return Ok(None);
        };
        let corrupt = |what: &str| StoreError::Corrupt(format!("sync identity {what}"));
        let role: Role =
            serde_json::from_value(serde_json::Value::String(role)).map_err(|_| corrupt("role"))?;
        Ok(Some(SyncIdentity {
            server_url: url,
            profile: SyncProfile {
                user: UserId::new(&user).map_err(|_| corrupt("user"))?,
                role,
                team,
                team_name,
                display_name: display,
                territories: serde_json::from_str(&terr)?,
                offline_allowance_micros: u64::try_from(allowance).unwrap_or(0),
            },
            logged_in_at: ts::parse(&at)?,
            last_sync_at: last.as_deref().map(ts::parse).transpose()?,
        }))
    }

    /// The sync server's bearer token from the OS keyring.
    pub fn sync_token(&self) -> Result<Option<Zeroizing<String>>, StoreError> {
        secret::get(&self.token_entry())
    }

    fn token_entry(&self) -> String {
        crate::key::per_database(TOKEN_ENTRY, self.path())
    }

    /// Logs out: removes the token from the keyring, then [`Store::forget_sync_identity`].
    /// Answers whether anything was configured.
    pub fn clear_sync_login(&self) -> Result<bool, StoreError> {
        let had_token = secret::delete(&self.token_entry())?;
        Ok(self.forget_sync_identity()? || had_token)
    }

    /// Forgets the identity, cursor and synced items. Local accounts stay, and so does the
    /// outbox: usage not yet pushed is pushed after the next login.
    pub fn forget_sync_identity(&self) -> Result<bool, StoreError> {
        self.write(|conn| {
            let n = conn.execute("DELETE FROM sync_identity", [])?;
            conn.execute_batch("DELETE FROM synced_items;")?;
            Ok(n > 0)
        })
    }

    /// The pull cursor (`None`: pull from the start).
    pub fn sync_cursor(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT cursor FROM sync_identity WHERE id = 1", [], |r| {
                r.get::<_, Option<String>>(0)
            })
            .optional()?
            .flatten())
    }

    /// Forgets the cursor: the next pull starts from the beginning (the server refused it).
    pub fn reset_sync_cursor(&self) -> Result<(), StoreError> {
        self.conn
            .execute("UPDATE sync_identity SET cursor = NULL WHERE id = 1", [])?;
        Ok(())
    }

    /// Records a finished sync.
    pub fn mark_synced(&self, at: OffsetDateTime) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE sync_identity SET last_sync_at = ?1 WHERE id = 1",
            [ts::format(at)],
        )?;
        Ok(())
    }

    /// Every synced item of a kind (`flag`, `price`, `territory`, ...), by key.
    pub fn synced_items(&self, kind: &str) -> Result<Vec<(String, serde_json::Value)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT key, data FROM synced_items WHERE kind = ?1 ORDER BY key")?;
        let rows = stmt.query_map([kind], crate::row::texts::<2>)?;
        rows.map(|r| {
            let [key, data] = r?;
            Ok((key, serde_json::from_str(&data)?))
        })
        .collect()
    }

    /// One synced item.
    pub fn synced_item(
        &self,
        kind: &str,
        key: &str,
    ) -> Result<Option<serde_json::Value>, StoreError> {
        let data: Option<String> = self
            .conn
            .query_row(
                "SELECT data FROM synced_items WHERE kind = ?1 AND key = ?2",
                [kind, key],
                |r| r.get(0),
            )
            .optional()?;
        data.map(|d| serde_json::from_str(&d).map_err(StoreError::from))
            .transpose()
    }

    /// How many local accounts came from the server.
    pub fn count_synced_accounts(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM synced_accounts", [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
