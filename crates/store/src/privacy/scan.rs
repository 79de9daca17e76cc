//! One pass over every [`Place`] for a subject: find (access), erase or rectify. Rows are picked
//! by a cheap SQL pre-filter on the subject's e-mail and the rarest word of their name, then
//! checked exactly in Rust with the pure rules of `pf_core::privacy`, so the laptop and the
//! server recognise a person the same way.

use pf_core::privacy::{self, Correction, Subject};
use rusqlite::Connection;
use rusqlite::types::Value as SqlValue;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

use super::places::{PLACES, Place};
use crate::StoreError;

/// What to do with each finding.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Op<'a> {
    Find,
    Erase,
    Rectify(&'a Correction),
}

/// One place that holds the subject, for an access export.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubjectRecord {
    /// Table and column (`intelligence.data`).
    pub place: String,
    /// The company the record is about, when there is one.
    pub domain: Option<String>,
    /// Module, source or kind that wrote it.
    pub label: Option<String>,
    /// When it was fetched or recorded.
    pub at: Option<String>,
    /// Where in the JSON (`$.officers[0]`), for JSON columns.
    pub path: Option<String>,
    pub value: Value,
    /// The sources the row cites.
    pub sources: Option<Value>,
}

/// Counts per `table.column` and the findings (for [`Op::Find`]).
#[derive(Debug, Default)]
pub(crate) struct ScanResult {
    pub records: BTreeMap<String, u64>,
    pub found: Vec<SubjectRecord>,
}

/// The pre-filter needles: the e-mail and the longest word of the name, lower-cased.
fn needles(s: &Subject) -> (String, String) {
    let word = s
        .name()
        .and_then(|n| n.split(' ').max_by_key(|w| w.chars().count()))
        .map(str::to_lowercase)
        .unwrap_or_else(|| s.email().to_owned());
    (s.email().to_owned(), word)
}

pub(crate) fn scan(conn: &Connection, s: &Subject, op: Op<'_>) -> Result<ScanResult, StoreError> {
    let mut out = ScanResult::default();
    let (email, word) = needles(s);
    for p in PLACES {
        visit(conn, p, s, op, &email, &word, &mut out)?;
    }
    Ok(out)
}

fn opt(col: Option<&str>) -> String {
    col.map_or_else(|| "NULL".to_owned(), str::to_owned)
}

fn visit(
    conn: &Connection,
    p: &Place,
    s: &Subject,
    op: Op<'_>,
    email: &str,
    word: &str,
    out: &mut ScanResult,
) -> Result<(), StoreError> {
    let keys = p.keys.join(", ");
    let sql = format!(
        "SELECT {keys}, {col}, {account}, {at}, {label}, {sources} FROM {table}
         WHERE {col} IS NOT NULL AND {skip}
           AND (instr(lower({col}), ?1) > 0 OR instr(lower({col}), ?2) > 0)",
        skip = p.skip.unwrap_or("1"),
        col = p.column,
        account = opt(p.account),
        at = opt(p.at),
        label = opt(p.label),
        sources = opt(p.sources),
        table = p.table,
    );
    let n = p.keys.len();
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt
        .query_map([email, word], |r| {
            let mut key = Vec::with_capacity(n);
            for i in 0..n {
                key.push(r.get::<_, SqlValue>(i)?);
            }
            Ok((
                key,
                r.get::<_, String>(n)?,
                r.get::<_, Option<String>>(n + 1)?,
                r.get::<_, Option<String>>(n + 2)?,
                r.get::<_, Option<String>>(n + 3)?,
                r.get::<_, Option<String>>(n + 4)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let name = format!("{}.{}", p.table, p.column);
    for (key, text, account, at, label, sources) in rows {
        let changed: Option<(String, u64)> = if p.json {
            let mut v: Value = serde_json::from_str(&text)?;
            match op {
                Op::Find => {
                    let found = privacy::find_json(&v, s);
                    if !found.is_empty() {
                        *out.records.entry(name.clone()).or_default() += found.len() as u64;
                        let domain = domain_of(conn, account.as_deref())?;
                        let sources = sources.as_deref().map(serde_json::from_str).transpose()?;
                        for f in found {
                            out.found.push(SubjectRecord {
                                place: name.clone(),
                                domain: domain.clone(),
                                label: label.clone(),
                                at: at.clone(),
                                path: Some(f.path),
                                value: f.value,
                                sources: sources.clone(),
                            });
                        }
                    }
                    None
                }
                Op::Erase => {
                    let k = privacy::erase_json(&mut v, s);
                    (k > 0).then(|| (v.to_string(), k as u64))
                }
                Op::Rectify(c) => {
                    let k = privacy::rectify_json(&mut v, s, c);
                    (k > 0).then(|| (v.to_string(), k as u64))
                }
            }
        } else {
            match op {
                Op::Find => {
                    if s.occurs_in(&text) {
                        *out.records.entry(name.clone()).or_default() += 1;
                        out.found.push(SubjectRecord {
                            place: name.clone(),
                            domain: domain_of(conn, account.as_deref())?,
                            label: label.clone(),
                            at: at.clone(),
                            path: None,
                            value: Value::String(text.clone()),
                            sources: None,
                        });
                    }
                    None
                }
                Op::Erase => privacy::erase_text(s, &text).map(|t| (t, 1)),
                Op::Rectify(c) => privacy::rectify_text(s, c, &text).map(|t| (t, 1)),
            }
        };
        if let Some((new, k)) = changed {
            update(conn, p, &key, &new)?;
            *out.records.entry(name.clone()).or_default() += k;
        }
    }
    Ok(())
}

fn update(conn: &Connection, p: &Place, key: &[SqlValue], new: &str) -> Result<(), StoreError> {
    let cond: Vec<String> = p
        .keys
        .iter()
        .enumerate()
        .map(|(i, k)| format!("{k} = ?{}", i + 2))
        .collect();
    let sql = format!(
        "UPDATE {} SET {} = ?1 WHERE {}",
        p.table,
        p.column,
        cond.join(" AND ")
    );
    let mut params: Vec<&dyn rusqlite::ToSql> = vec![&new];
    for k in key {
        params.push(k);
    }
    conn.execute(&sql, params.as_slice())?;
    Ok(())
}

fn domain_of(conn: &Connection, account: Option<&str>) -> Result<Option<String>, StoreError> {
    let Some(id) = account else {
        return Ok(None);
    };
    let d = conn
        .query_row("SELECT domain FROM accounts WHERE id = ?1", [id], |r| {
            r.get::<_, String>(0)
        })
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })?;
    Ok(d)
}
