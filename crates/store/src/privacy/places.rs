//! Every place in the local database that can hold a person: the table, the column, how to find
//! the row again, and what gives a finding its context (account, date, module or source). An
//! access, erasure or rectification visits exactly these; a new table with free text or JSON
//! must be added here (the catalogue test lists every text column to make that hard to forget).

/// One column that may hold a privacy subject.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place {
    pub table: &'static str,
    /// The columns that identify a row (the primary key).
    pub keys: &'static [&'static str],
    pub column: &'static str,
    /// JSON (walked record by record) or free text.
    pub json: bool,
    /// Context for access exports.
    pub account: Option<&'static str>,
    pub at: Option<&'static str>,
    pub label: Option<&'static str>,
    pub sources: Option<&'static str>,
    /// Rows left out (`kind <> 'privacy_order'`: an open order must survive until reported).
    pub skip: Option<&'static str>,
}

const fn place(table: &'static str, keys: &'static [&'static str], column: &'static str) -> Place {
    Place {
        table,
        keys,
        column,
        json: false,
        account: None,
        at: None,
        label: None,
        sources: None,
        skip: None,
    }
}

const fn skip(mut p: Place, condition: &'static str) -> Place {
    p.skip = Some(condition);
    p
}

const fn json(mut p: Place) -> Place {
    p.json = true;
    p
}

const fn ctx(
    mut p: Place,
    account: Option<&'static str>,
    at: Option<&'static str>,
    label: Option<&'static str>,
    sources: Option<&'static str>,
) -> Place {
    p.account = account;
    p.at = at;
    p.label = label;
    p.sources = sources;
    p
}

const INTEL: &[&str] = &["account_id", "module"];
const FACTS: &[&str] = &["account_id", "source"];
const CHECKPOINT: &[&str] = &["job_id", "domain", "module"];

/// Where people can be, in the order they are visited.
pub(crate) const PLACES: &[Place] = &[
    ctx(
        json(place("intelligence", INTEL, "data")),
        Some("account_id"),
        Some("fetched_at"),
        Some("module"),
        Some("sources"),
    ),
    ctx(
        json(place("intelligence", INTEL, "sources")),
        Some("account_id"),
        Some("fetched_at"),
        Some("module"),
        None,
    ),
    ctx(
        json(place("history", &["id"], "data")),
        Some("account_id"),
        Some("recorded_at"),
        Some("module"),
        Some("sources"),
    ),
    ctx(
        json(place("history", &["id"], "sources")),
        Some("account_id"),
        Some("recorded_at"),
        Some("module"),
        None,
    ),
    ctx(
        place("history", &["id"], "summary"),
        Some("account_id"),
        Some("recorded_at"),
        Some("module"),
        None,
    ),
    ctx(
        json(place("source_facts", FACTS, "facts")),
        Some("account_id"),
        Some("fetched_at"),
        Some("source"),
        None,
    ),
    ctx(
        json(place("job_checkpoints", CHECKPOINT, "result")),
        None,
        Some("updated_at"),
        Some("module"),
        None,
    ),
    ctx(
        place("job_checkpoints", CHECKPOINT, "detail"),
        None,
        Some("updated_at"),
        Some("module"),
        None,
    ),
    ctx(
        place("notifications", &["key"], "title"),
        None,
        Some("created_at"),
        Some("kind"),
        None,
    ),
    ctx(
        place("notifications", &["key"], "body"),
        None,
        Some("created_at"),
        Some("kind"),
        None,
    ),
    ctx(
        place("call_log", &["id"], "note"),
        Some("account_id"),
        Some("at"),
        None,
        None,
    ),
    ctx(
        json(place("synced_accounts", &["server_id"], "data")),
        Some("account_id"),
        Some("synced_at"),
        None,
        None,
    ),
    ctx(
        skip(
            json(place("synced_items", &["kind", "key"], "data")),
            "kind <> 'privacy_order'",
        ),
        None,
        Some("synced_at"),
        Some("kind"),
        None,
    ),
    place("sync_identity", &["id"], "display_name"),
];

/// Text columns that can never hold a person, with the reason: the catalogue test checks that
/// every text column of the schema is either a [`Place`] or listed here.
#[cfg(test)]
pub(crate) const NOT_PERSONAL: &[(&str, &str)] = &[
    (
        "accounts",
        "company records: names, domains, industries, owners (users, not subjects)",
    ),
    (
        "search_docs",
        "derived from intelligence by triggers; rebuilt when intelligence changes",
    ),
    (
        "search_fts",
        "the index of search_docs; merged after every erasure",
    ),
    ("usage_log", "calls: source, endpoint, company domain, cost"),
    (
        "sync_outbox",
        "calls waiting to be pushed: same as usage_log",
    ),
    ("jobs", "job requests: company domains and options"),
    ("enrich_queue", "company domains"),
    (
        "api_key_names",
        "source names (key values live in the OS keyring)",
    ),
    ("brief_views", "timestamps"),
    (
        "privacy_requests",
        "the subject in clear while open, masked once completed",
    ),
    ("audit_log", "actions and targets; never a subject"),
    (
        "exports",
        "file paths; the files themselves are checked by the erasure",
    ),
    ("retention_runs", "counts"),
    (
        "privacy_suppressions",
        "one-way digests of erased people, never their text",
    ),
    ("sync_settlements", "reservation ids"),
    ("domain_aliases", "company domains"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{KeySource, OpenOptions, Store};

    #[test]
    fn every_table_is_either_searched_for_people_or_says_why_not() {
        let dir = tempfile::tempdir().expect("tmp");
        let store =
            Store::open(&OpenOptions::new(dir.path()).key(KeySource::Unencrypted)).expect("open");
        let mut stmt = store
            .conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table'
                 AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_fts_%'",
            )
            .expect("prepare");
        let tables: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert!(tables.len() > 15, "{tables:?}");
        for t in tables {
            let searched = PLACES.iter().any(|p| p.table == t);
            let excused = NOT_PERSONAL.iter().any(|(n, _)| *n == t);
            assert!(
                searched ^ excused,
                "table `{t}` must be a privacy place or listed as not personal (not both)"
            );
        }
    }

    #[test]
    fn places_name_real_columns() {
        let dir = tempfile::tempdir().expect("tmp");
        let store =
            Store::open(&OpenOptions::new(dir.path()).key(KeySource::Unencrypted)).expect("open");
        for p in PLACES {
            let cols = [Some(p.column), p.account, p.at, p.label, p.sources]
                .into_iter()
                .flatten()
                .chain(p.keys.iter().copied())
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!("SELECT {cols} FROM {} LIMIT 0", p.table);
            assert!(store.conn.prepare(&sql).is_ok(), "{sql}");
        }
    }
}
