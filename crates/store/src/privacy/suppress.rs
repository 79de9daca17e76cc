//! Erasures that stick: an erased person is remembered only as one-way digests of their
//! normalised e-mail and name, and every later write of intelligence or cached source answers
//! drops the records (objects in lists: an officer, a contact, a quote) one of whose own text
//! fields names such a person, and replaces other mentions in free text with
//! [`ERASED`](pf_core::privacy::ERASED), as the erasure itself did. A source that still lists or quotes
//! the person cannot bring them back by a refresh.
//!
//! A digest cannot be searched for inside a text, so a text is cut into candidates (every run of
//! one to [`MAX_NAME_WORDS`] words, its end punctuation trimmed, and every e-mail address in it)
//! and each candidate's digest is looked up.

use pf_core::Subject;
use pf_core::privacy::ERASED;
use rusqlite::{Connection, params};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashSet;

use crate::{Store, StoreError, ts};

/// The digest of a text as suppression compares it: lower-cased, spacing collapsed.
pub(crate) fn digest(text: &str) -> String {
    let norm = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    Sha256::digest(norm.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Remembers an erased subject (inside the erasure's transaction).
pub(crate) fn remember(conn: &Connection, s: &Subject) -> Result<(), StoreError> {
    let now = ts::format(ts::now());
    let add = |text: &str, kind: &str| {
        conn.execute(
            "INSERT INTO privacy_suppressions (digest, kind, at) VALUES (?1, ?2, ?3)
             ON CONFLICT (digest) DO NOTHING",
            params![digest(text), kind, now],
        )
    };
    add(s.email(), "email")?;
    if let Some(n) = s.name() {
        add(n, "name")?;
    }
    Ok(())
}

/// The longest name (in words) looked for inside a text.
pub(crate) const MAX_NAME_WORDS: usize = 8;

/// The byte ranges of `text` that name a suppressed person, in order, not overlapping (the
/// longest wins where two start together).
fn mentions(text: &str, set: &HashSet<String>) -> Vec<(usize, usize)> {
    let words: Vec<(usize, usize)> = word_spans(text);
    let mut found: Vec<(usize, usize)> = Vec::new();
    for i in 0..words.len() {
        for k in (1..=MAX_NAME_WORDS.min(words.len() - i)).rev() {
            let (start, end) = trim_span(text, words[i].0, words[i + k - 1].1);
            if start < end && set.contains(&digest(&text[start..end])) {
                found.push((start, end));
                break;
            }
        }
    }
    found.extend(
        email_spans(text)
            .into_iter()
            .filter(|&(a, b)| set.contains(&digest(&text[a..b]))),
    );
    found.sort_by_key(|&(a, b)| (a, std::cmp::Reverse(b)));
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(found.len());
    for span in found {
        if out.last().is_none_or(|last| span.0 >= last.1) {
            out.push(span);
        }
    }
    out
}

/// The whitespace-separated words of `text` as byte ranges.
fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    spans
}

/// `start..end` without the punctuation around it (`"Doe,"` -> `Doe`, `(Jane` -> `Jane`).
fn trim_span(text: &str, start: usize, end: usize) -> (usize, usize) {
    let part = &text[start..end];
    let lead = part.len()
        - part
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .len();
    let body = part.trim_matches(|c: char| !c.is_alphanumeric());
    (start + lead, start + lead + body.len())
}

/// Every e-mail address in `text` (`mailto:jane@acme.com.` -> `jane@acme.com`).
fn email_spans(text: &str) -> Vec<(usize, usize)> {
    let local = |c: char| c.is_alphanumeric() || "._-+".contains(c);
    let host = |c: char| c.is_alphanumeric() || ".-".contains(c);
    let mut out = Vec::new();
    for (at, _) in text.match_indices('@') {
        let start = text[..at]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| local(c))
            .last()
            .map_or(at, |(i, _)| i);
        let end = text[at + 1..]
            .char_indices()
            .take_while(|&(_, c)| host(c))
            .last()
            .map_or(at + 1, |(i, c)| at + 1 + i + c.len_utf8());
        let (start, end) = trim_span(text, start, end);
        if start < at && end > at + 1 {
            out.push((start, end));
        }
    }
    out
}

/// `text` with every mention of a suppressed person replaced by [`ERASED`]; `None` if none.
pub(crate) fn redact(text: &str, set: &HashSet<String>) -> Option<String> {
    let spans = mentions(text, set);
    if spans.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (a, b) in spans {
        out.push_str(&text[last..a]);
        out.push_str(ERASED);
        last = b;
    }
    out.push_str(&text[last..]);
    Some(out)
}

/// Removes the records of suppressed people from `value` (a record goes whole when one of its
/// own texts names them) and redacts mentions elsewhere; answers how many records and
/// mentions went.
pub(crate) fn drop_suppressed(value: &mut Value, set: &HashSet<String>) -> usize {
    match value {
        Value::Array(items) => {
            let before = items.len();
            items.retain(|it| match it {
                Value::Object(m) => !m
                    .values()
                    .any(|v| v.as_str().is_some_and(|t| !mentions(t, set).is_empty())),
                _ => true,
            });
            let removed = before - items.len();
            // A kept record's own texts were just found clean: only what nests in it is left.
            removed
                + items
                    .iter_mut()
                    .map(|v| match v {
                        Value::Object(m) => m
                            .values_mut()
                            .filter(|x| !x.is_string())
                            .map(|x| drop_suppressed(x, set))
                            .sum(),
                        other => drop_suppressed(other, set),
                    })
                    .sum::<usize>()
        }
        Value::Object(m) => m.values_mut().map(|v| drop_suppressed(v, set)).sum(),
        Value::String(t) => match redact(t, set) {
            Some(r) => {
                *t = r;
                1
            }
            None => 0,
        },
        _ => 0,
    }
}

impl Store {
    /// The digests of every erased person (empty on most laptops: then nothing is checked).
    pub(crate) fn suppressed(&self) -> Result<HashSet<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT digest FROM privacy_suppressions")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<HashSet<_>, _>>()?)
    }

    /// `value` without the records of erased people (borrowed as is when there are none).
    pub(crate) fn without_suppressed<'a>(
        &self,
        value: &'a Value,
    ) -> Result<std::borrow::Cow<'a, Value>, StoreError> {
        let set = self.suppressed()?;
        if set.is_empty() {
            return Ok(std::borrow::Cow::Borrowed(value));
        }
        let mut owned = value.clone();
        let n = drop_suppressed(&mut owned, &set);
        if n > 0 {
            tracing::info!(
                records = n,
                "records of erased people dropped before storing"
            );
        }
        Ok(std::borrow::Cow::Owned(owned))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn suppressed_records_are_dropped_by_digest_and_others_kept() {
        let set: HashSet<String> = [digest("Jane   DOE")].into_iter().collect();
        let mut v = json!({"officers": [{"name": "Jane Doe", "title": "CFO"}, {"name": "John Roe"}],
                           "nested": [[{"contact": "jane doe"}]]});
        assert_eq!(drop_suppressed(&mut v, &set), 2);
        assert_eq!(v["officers"].as_array().map(Vec::len), Some(1));
        assert_eq!(v["officers"][0]["name"], "John Roe");
        assert_eq!(digest("a").len(), 64);
    }

    #[test]
    fn mentions_in_free_text_are_found_by_digest_and_redacted() {
        let set: HashSet<String> = [digest("Jane Doe"), digest("jane.doe@acme.com")]
            .into_iter()
            .collect();
        assert_eq!(
            redact("\"Search first\", said JANE  Doe, our CFO.", &set).as_deref(),
            Some("\"Search first\", said [erased], our CFO.")
        );
        assert_eq!(
            redact(
                "mail (mailto:Jane.Doe@Acme.com) or jane.doe@acme.com.",
                &set
            )
            .as_deref(),
            Some("mail (mailto:[erased]) or [erased].")
        );
        assert_eq!(
            redact("Jane Doering and mary.jane.doe@acme.com.au", &set),
            None
        );
        assert_eq!(redact("", &set), None);
        assert_eq!(redact("日本語 テキスト @ @@ a@ @b", &set), None);
    }

    #[test]
    fn a_quote_naming_a_suppressed_person_goes_and_a_summary_is_redacted() {
        let set: HashSet<String> = [digest("Jane Doe")].into_iter().collect();
        let mut v = json!({"items": [{"kind": "quote", "text": "Jane Doe: search matters"},
                                     {"kind": "quote", "text": "John Roe: so does speed"}],
                           "summary": "Hired by Jane Doe in May", "tags": ["Jane Doe"]});
        assert_eq!(drop_suppressed(&mut v, &set), 3);
        assert_eq!(v["items"].as_array().map(Vec::len), Some(1));
        assert_eq!(v["summary"], "Hired by [erased] in May");
        assert_eq!(v["tags"][0], "[erased]");
    }
}
