//! The read commands (`accounts`, `search`, `history`) and `keys`: tables for people, JSON for
//! scripts. JSON shapes are documented in the README and are a contract.

use anyhow::{Context, Result};
use pf_core::{Domain, SourceId};
use pf_store::Store;
use std::io::Read;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use crate::table;

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

pub fn accounts(store: &Store, json: bool) -> Result<i32> {
    let all = store.list_accounts()?;
    if json {
        out!("{}", serde_json::to_string_pretty(&all)?);
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = all
        .iter()
        .map(|a| {
            vec![
                a.name.clone(),
                a.domain.to_string(),
                opt(&a.region),
                opt(&a.segment),
                opt(&a.industry),
                a.owner
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            ]
        })
        .collect();
    out!(
        "{}",
        table::render(
            &["NAME", "DOMAIN", "REGION", "SEGMENT", "INDUSTRY", "OWNER"],
            &rows
        )
        .trim_end()
    );
    out!("{} accounts", all.len());
    Ok(0)
}

pub fn search(store: &Store, query: &str, limit: usize, json: bool) -> Result<i32> {
    let hits = store.search(query, limit)?;
    if json {
        out!("{}", serde_json::to_string_pretty(&hits)?);
        return Ok(0);
    }
    if hits.is_empty() {
        out!("no matches for {query:?}");
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = hits
        .iter()
        .map(|h| {
            vec![
                h.name.clone(),
                h.domain.to_string(),
                h.field_label.clone(),
                h.snippet.clone(),
            ]
        })
        .collect();
    out!(
        "{}",
        table::render(&["NAME", "DOMAIN", "MATCHED IN", "SNIPPET"], &rows).trim_end()
    );
    Ok(0)
}

/// `YYYY-MM-DD` (midnight UTC) or a full RFC 3339 instant.
pub fn parse_since(s: &str) -> Result<OffsetDateTime> {
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Ok(t);
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let d = Date::parse(s.trim(), fmt)
        .with_context(|| format!("--since `{s}`: expected YYYY-MM-DD or an RFC 3339 time"))?;
    Ok(d.midnight().assume_utc())
}

pub fn history(store: &Store, domain: &str, since: Option<&str>, json: bool) -> Result<i32> {
    let domain =
        Domain::parse(domain).with_context(|| format!("`{domain}` is not a company domain"))?;
    let since = since.map(parse_since).transpose()?;
    let account = store.require_account(&domain)?;
    let changes = store.history(account.id, since)?;
    if json {
        out!("{}", serde_json::to_string_pretty(&changes)?);
        return Ok(0);
    }
    if changes.is_empty() {
        out!("no recorded changes for {domain}");
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = changes
        .iter()
        .map(|c| {
            let sources: Vec<&str> = c.sources.iter().map(|s| s.source().as_str()).collect();
            vec![
                c.recorded_at.format(&Rfc3339).unwrap_or_default(),
                format!("{} {}", c.module, c.module.title()),
                c.summary.clone(),
                sources.join(", "),
            ]
        })
        .collect();
    out!(
        "{}",
        table::render(&["WHEN", "MODULE", "CHANGE", "SOURCES"], &rows).trim_end()
    );
    Ok(0)
}

fn source_id(s: &str) -> Result<SourceId> {
    SourceId::new(s).map_err(|_| {
        anyhow::anyhow!("`{s}` is not a source name (lower-case letters, digits and _)")
    })
}

pub fn keys_set(store: &Store, source: &str) -> Result<i32> {
    let source = source_id(source)?;
    let mut secret = zeroize::Zeroizing::new(String::new());
    std::io::stdin()
        .read_to_string(&mut secret)
        .context("reading the key from standard input")?;
    store.set_api_key(&source, secret.trim())?;
    out!("stored the {source} key in the OS keyring");
    Ok(0)
}

pub fn keys_list(store: &Store, json: bool) -> Result<i32> {
    let names = store.api_key_names()?;
    if json {
        let out: Vec<serde_json::Value> = names
            .iter()
            .map(|(s, at)| serde_json::json!({"source": s, "set_at": at.format(&Rfc3339).unwrap_or_default()}))
            .collect();
        out!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(0);
    }
    if names.is_empty() {
        out!("no API keys stored");
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = names
        .iter()
        .map(|(s, at)| vec![s.to_string(), at.format(&Rfc3339).unwrap_or_default()])
        .collect();
    out!("{}", table::render(&["SOURCE", "SET AT"], &rows).trim_end());
    Ok(0)
}

pub fn keys_delete(store: &Store, source: &str) -> Result<i32> {
    let source = source_id(source)?;
    if store.delete_api_key(&source)? {
        out!("removed the {source} key");
        Ok(0)
    } else {
        out!("no key stored for {source}");
        Ok(1)
    }
}
