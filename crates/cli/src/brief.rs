//! `partnerforge brief DOMAIN [--format md|json] [--since DATE]`: the pre-call brief, every fact
//! with its source and age, what changed since the date, conflicts, score and talking points.

use anyhow::{Context, Result};
use pf_core::Domain;
use pf_store::Store;
use time::OffsetDateTime;

pub fn run(
    store: &Store,
    domain: &str,
    format: &str,
    since: Option<OffsetDateTime>,
) -> Result<i32> {
    let domain =
        Domain::parse(domain).with_context(|| format!("`{domain}` is not a company domain"))?;
    let brief = pf_engine::brief::build(store, &domain, since, OffsetDateTime::now_utc())?;
    match format {
        "json" => out!("{}", serde_json::to_string_pretty(&brief)?),
        "md" | "markdown" => out!("{}", brief.to_markdown().trim_end()),
        other => anyhow::bail!("--format {other}: use md or json"),
    }
    Ok(0)
}
