//! Full-text search (FTS5) over company names, domains, industries, tags and every text in the
//! stored intelligence (tech names, initiatives, quotes, hiring signals). The index is kept in
//! step by triggers (migration 0001), so every write is searchable at once.
//!
//! User queries are never passed to FTS5 as syntax: they are split into words, each quoted, so
//! `"unclosed`, `AND OR` or `*` are plain words (or nothing), never an error. The last word is
//! prefix-matched (search as you type); the words before it must match whole.

use pf_core::{AccountId, Domain, ModuleId};
use serde::Serialize;

use crate::{Store, StoreError, row};

/// The longest query accepted, in words; the rest is ignored.
const MAX_TERMS: usize = 16;

/// One matching document: an account's company facts or one module's intelligence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub account_id: AccountId,
    pub domain: Domain,
    pub name: String,
    /// `company`, or the module id (`M02`) whose intelligence matched.
    pub field: String,
    /// A human label for `field` (`Company`, `Technology stack`).
    pub field_label: String,
    /// The matching text with matches in `[brackets]`.
    pub snippet: String,
    /// Higher is better.
    pub score: f64,
}

/// Turns free text into a safe FTS5 MATCH expression: every word quoted, all words required,
/// the last one prefix-matched. `None` when the text has no words at all.
pub(crate) fn to_match_expression(query: &str) -> Option<String> {
    to_expression(query, true)
}

/// The same words, the last one matched whole: tried first for a long last word, because a
/// prefix over a common word costs a merge of every term it starts.
fn to_exact_expression(query: &str) -> Option<String> {
    to_expression(query, false)
}

/// A last word at least this long is tried as a whole word first.
const EXACT_FIRST_LEN: usize = 6;

fn to_expression(query: &str, prefix_last: bool) -> Option<String> {
    let words: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_TERMS)
        .map(str::to_lowercase)
        .collect();
    let (last, rest) = words.split_last()?;
    let mut terms: Vec<String> = rest.iter().map(|w| format!("\"{w}\"")).collect();
    terms.push(if prefix_last {
        format!("\"{last}\"*")
    } else {
        format!("\"{last}\"")
    });
    Some(terms.join(" "))
}

fn label(field: &str) -> String {
    match field.parse::<ModuleId>() {
        Ok(m) => m.title().to_owned(),
        Err(_) => "Company".to_owned(),
    }
}

impl Store {
    /// Ranked search. Returns at most `limit` hits, best first; an empty or word-less query
    /// returns nothing.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        let Some(expr) = to_match_expression(query) else {
            return Ok(Vec::new());
        };
        let last_len = query
            .split(|c: char| !c.is_alphanumeric())
            .rfind(|w| !w.is_empty())
            .map(str::len)
            .unwrap_or(0);
        if last_len >= EXACT_FIRST_LEN
            && let Some(exact) = to_exact_expression(query)
        {
            let hits = self.ranked(&exact, limit)?;
            if hits.len() >= limit {
                return Ok(hits);
            }
        }
        self.ranked(&expr, limit)
    }

    fn ranked(&self, expr: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        // Rank first and keep only the best `limit` rows; snippets and joins are then computed
        // for those rows alone, not for every match. `ORDER BY bm25(...) LIMIT n` lets SQLite keep
        // a heap of n rows; FTS5's own `ORDER BY rank` sorts every match (3x slower on broad words).
        let mut stmt = self.conn.prepare_cached(
            "WITH top AS (
                 SELECT rowid AS id, bm25(search_fts) AS rank FROM search_fts WHERE search_fts MATCH ?1
                 ORDER BY 2 LIMIT ?2
             )
             SELECT d.account_id, a.domain, a.name, d.field,
                    snippet(search_fts, 0, '[', ']', '…', 12), top.rank
             FROM top
             JOIN search_fts ON search_fts.rowid = top.id AND search_fts MATCH ?1
             JOIN search_docs d ON d.id = top.id
             JOIN accounts a ON a.id = d.account_id
             ORDER BY top.rank",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(rusqlite::params![expr, limit], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, f64>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, domain, name, field, snippet, rank) = row?;
            out.push(SearchHit {
                account_id: row::account_id(&id)?,
                domain: row::domain(&domain)?,
                name,
                field_label: label(&field),
                field,
                snippet,
                score: -rank,
            });
        }
        Ok(out)
    }

    /// The number of documents in the search index.
    pub fn count_search_documents(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM search_docs", [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts_syntax_becomes_plain_quoted_words() {
        assert_eq!(
            to_match_expression("\"unclosed").as_deref(),
            Some("\"unclosed\"*")
        );
        assert_eq!(
            to_match_expression("AND OR").as_deref(),
            Some("\"and\" \"or\"*")
        );
        assert_eq!(to_match_expression("*"), None);
        assert_eq!(to_match_expression("   "), None);
        assert_eq!(
            to_match_expression("best-buy").as_deref(),
            Some("\"best\" \"buy\"*")
        );
    }

    #[test]
    fn very_long_queries_are_capped() {
        let q = "word ".repeat(100);
        let expr = to_match_expression(&q).unwrap_or_default();
        assert_eq!(expr.matches('"').count(), MAX_TERMS * 2);
    }
}
