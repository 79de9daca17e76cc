//! M12's signal detectors: competitors' search products removed (from consecutive history
//! snapshots, change summaries, the current stack against the last snapshot, and BuiltWith's
//! `last_seen`), search-related jobs and hiring spikes, traffic jumps, and initiatives. Each
//! signal carries its date and the sources behind it.

use pf_core::ModuleId;
use pf_store::Snapshot;
use serde_json::Value;
use time::{Date, OffsetDateTime};

use super::Signal;
use crate::brief::{Cited, clip, parse_day, pct, source_ids};
use crate::module::ModuleInput;
use crate::modules::m03_traffic;

/// Names of technologies and the search provider in a tech-stack or search-provider result.
fn stack_of(data: &Value) -> (Vec<String>, Option<String>) {
    let techs = data
        .get("tech_technologies")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|t| t.get("name").and_then(Value::as_str).or_else(|| t.as_str()))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    (
        techs,
        data.get("search_provider")
            .and_then(Value::as_str)
            .map(str::to_owned),
    )
}

/// Removals between two versions of a stack: competitors gone from the list or the provider.
fn compare(
    before: &Value,
    after: &Value,
    input: &ModuleInput<'_>,
    day: Date,
    source: &str,
    out: &mut Vec<Signal>,
) {
    let ((old_techs, old_p), (new_techs, new_p)) = (stack_of(before), stack_of(after));
    for name in old_techs.iter().filter(|n| input.settings.is_competitor(n)) {
        let listed = after.get("tech_technologies").is_some_and(|v| !v.is_null());
        if listed && !new_techs.iter().any(|x| x.eq_ignore_ascii_case(name)) {
            push_removal(
                out,
                name,
                format!("{name} removed from the site"),
                day,
                source,
            );
        }
    }
    if let Some(old) = old_p.filter(|p| input.settings.is_competitor(p))
        && !new_p
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(&old))
    {
        let now = new_p.as_deref().unwrap_or("none");
        push_removal(
            out,
            &old,
            format!("search provider changed: {old} -> {now}"),
            day,
            source,
        );
    }
}

fn push_removal(out: &mut Vec<Signal>, vendor: &str, text: String, day: Date, source: &str) {
    let mut s = Signal::new("competitor_removed", text, Some(day), source.to_owned());
    s.vendor = Some(vendor.to_owned());
    match out.iter_mut().find(|x| {
        x.vendor
            .as_deref()
            .is_some_and(|v| v.eq_ignore_ascii_case(vendor))
    }) {
        Some(existing) if existing.date < s.date => *existing = s,
        Some(_) => {}
        None => out.push(s),
    }
}

/// Removals read from a change summary: `search_provider: Elasticsearch -> none`, `... -Klevu`.
fn from_summary(snap: &Snapshot, input: &ModuleInput<'_>, out: &mut Vec<Signal>) {
    let (day, source) = (
        snap.recorded_at.date(),
        source_ids(&snap.sources).join(", "),
    );
    for part in snap.summary.split("; ") {
        let Some((key, change)) = part.split_once(": ") else {
            continue;
        };
        if key == "search_provider" {
            if let Some((old, new)) = change.split_once(" -> ")
                && input.settings.is_competitor(old)
                && !old.eq_ignore_ascii_case(new)
            {
                push_removal(
                    out,
                    old,
                    format!("search provider changed: {old} -> {new}"),
                    day,
                    &source,
                );
            }
        } else {
            for name in change
                .split_whitespace()
                .filter_map(|t| t.strip_prefix('-'))
            {
                if input.settings.is_competitor(name) {
                    push_removal(
                        out,
                        name,
                        format!("{name} removed from the site"),
                        day,
                        &source,
                    );
                }
            }
        }
    }
}

/// Competitors' search products removed, from history, the current stack and `last_seen`.
pub fn removals(input: &ModuleInput<'_>) -> Vec<Signal> {
    let mut out = Vec::new();
    for module in [ModuleId::TECH_STACK, ModuleId::SEARCH_PROVIDER] {
        let mut snaps: Vec<&Snapshot> = input
            .history
            .iter()
            .filter(|s| s.module == module)
            .collect();
        snaps.sort_by_key(|s| s.recorded_at);
        for s in &snaps {
            from_summary(s, input, &mut out);
        }
        for pair in snaps.windows(2) {
            let source = source_ids(&pair[1].sources).join(", ");
            compare(
                &pair[0].data,
                &pair[1].data,
                input,
                pair[1].recorded_at.date(),
                &source,
                &mut out,
            );
        }
        if let (Some(last), Some(now)) = (snaps.last(), input.deps.get(&module)) {
            let c = Cited::new(now);
            if last.data != *now.data() {
                let day = c.fetched(&[]).unwrap_or(input.now).date();
                compare(
                    &last.data,
                    now.data(),
                    input,
                    day,
                    &c.ids("search_provider").join(", "),
                    &mut out,
                );
            }
        }
    }
    if let Some(stack) = input.deps.get(&ModuleId::TECH_STACK).map(Cited::new) {
        for t in stack.list("tech_technologies") {
            let Some(name) = t
                .get("name")
                .and_then(Value::as_str)
                .filter(|n| input.settings.is_competitor(n))
            else {
                continue;
            };
            let live = t
                .get("sources")
                .and_then(Value::as_array)
                .is_some_and(|s| s.iter().any(|x| x == "website"));
            let Some(seen) = t.get("last_seen").and_then(parse_day) else {
                continue;
            };
            if !live && (input.now.date() - seen).whole_days() > 30 {
                push_removal(
                    &mut out,
                    name,
                    format!("{name} no longer detected (last seen)"),
                    seen,
                    "builtwith",
                );
            }
        }
        // A competitor that is back as the search provider was not removed after all.
        if let Some(current) = stack.str("search_provider") {
            out.retain(|s| {
                !s.vendor
                    .as_deref()
                    .is_some_and(|v| v.eq_ignore_ascii_case(current))
            });
        }
    }
    out
}

/// Search-related jobs posted, and a hiring spike against the last recorded count.
pub(super) fn hiring(input: &ModuleInput<'_>) -> Vec<Signal> {
    let Some(h) = input.deps.get(&ModuleId::HIRING).map(Cited::new) else {
        return Vec::new();
    };
    let mut out: Vec<Signal> = h
        .list("hiring_jobs")
        .iter()
        .filter(|j| j.get("search_related").and_then(Value::as_bool) == Some(true))
        .map(|j| {
            let title = j
                .get("title")
                .and_then(Value::as_str)
                .unwrap_or("a search role");
            let ids: Vec<String> = j
                .get("sources")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            let source = if ids.is_empty() {
                h.ids("hiring_jobs")
            } else {
                ids
            }
            .join(", ");
            Signal::new(
                "search_job",
                format!("posted '{title}'"),
                j.get("posted_at").and_then(parse_day),
                source,
            )
        })
        .collect();
    if out.is_empty() {
        for title in h.list("search_jobs").iter().filter_map(Value::as_str) {
            out.push(Signal::new(
                "search_job",
                format!("posted '{title}'"),
                None,
                h.ids("hiring_jobs").join(", "),
            ));
        }
    }
    let current = h.f64("open_jobs").unwrap_or(0.0);
    let mut before: Vec<&Snapshot> = input
        .history
        .iter()
        .filter(|s| s.module == ModuleId::HIRING)
        .collect();
    before.sort_by_key(|s| s.recorded_at);
    if before.last().is_some_and(|s| s.data == *h.data) {
        before.pop();
    }
    let previous = before
        .last()
        .and_then(|s| s.data.get("open_jobs"))
        .and_then(Value::as_f64);
    if let Some(prev) = previous.filter(|p| *p > 0.0 && current >= 5.0 && current / p - 1.0 >= 0.5)
    {
        let mut s = Signal::new(
            "hiring_spike",
            format!("open jobs up from {prev} to {current}"),
            h.fetched(&h.ids("open_jobs")).map(OffsetDateTime::date),
            h.ids("open_jobs").join(", "),
        );
        s.growth = Some(current / prev - 1.0);
        out.push(s);
    }
    out
}

/// A traffic jump (> 20% over the three months before), from M03 when present, else its history.
pub(super) fn traffic(input: &ModuleInput<'_>) -> Option<Signal> {
    let (data, sources, day) = match input.deps.get(&ModuleId::TRAFFIC) {
        Some(t) => (
            t.data(),
            t.sources(),
            Cited::new(t).fetched(&[]).unwrap_or(input.now).date(),
        ),
        None => {
            let s = input
                .history
                .iter()
                .filter(|s| s.module == ModuleId::TRAFFIC)
                .max_by_key(|s| s.recorded_at)?;
            (&s.data, s.sources.as_slice(), s.recorded_at.date())
        }
    };
    let growth = data
        .get("recent_growth")
        .and_then(Value::as_f64)
        .or_else(|| {
            data.get("traffic_history")
                .and_then(m03_traffic::recent_growth)
        })?;
    (growth > 0.2).then(|| {
        let c = Cited { data, sources };
        let mut s = Signal::new(
            "traffic_jump",
            format!("traffic {} over the previous three months", pct(growth)),
            Some(day),
            c.ids("traffic_history").join(", "),
        );
        s.growth = Some(growth);
        s
    })
}

pub(super) fn initiatives(input: &ModuleInput<'_>) -> Vec<Signal> {
    let Some(i) = input.deps.get(&ModuleId::INITIATIVES).map(Cited::new) else {
        return Vec::new();
    };
    i.list("initiatives_items")
        .iter()
        .map(|item| {
            let text = item
                .get("text")
                .and_then(Value::as_str)
                .unwrap_or("an initiative");
            Signal::new(
                "initiative",
                clip(text, 160),
                item.get("date").and_then(parse_day),
                i.ids("initiatives_items").join(", "),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AccountHint, EngineSettings};
    use pf_core::{Domain, Intelligence, SourceId, SourceRef};
    use serde_json::json;
    use std::collections::BTreeMap;
    use time::macros::datetime;

    fn removals_for(stack: Value) -> Vec<Signal> {
        let at = datetime!(2026-11-20 00:00 UTC);
        let src = SourceRef::new(SourceId::new("builtwith").expect("id"), "t", None, at, 1.0)
            .expect("ref");
        let deps: BTreeMap<ModuleId, Intelligence> =
            [(ModuleId::TECH_STACK, Intelligence::new(stack, src, []))].into();
        let account = AccountHint {
            domain: Domain::parse("acme.com").expect("domain"),
            name: None,
            ticker: None,
        };
        let settings = EngineSettings::default();
        let (trust, peers) = (BTreeMap::new(), BTreeMap::new());
        let input = ModuleInput {
            account: &account,
            deps: &deps,
            facts: &[],
            source_errors: &[],
            trust: &trust,
            peers: &peers,
            history: &[],
            settings: &settings,
            now: at,
        };
        removals(&input)
    }

    #[test]
    fn a_competitor_last_seen_long_ago_only_by_builtwith_was_removed() {
        let gone = json!({"tech_technologies": [
            {"name": "Klevu", "last_seen": "2026-08-01", "sources": ["builtwith"]},
            {"name": "Coveo", "last_seen": "2026-11-15", "sources": ["builtwith"]},
            {"name": "Elasticsearch", "last_seen": "2026-01-01", "sources": ["builtwith", "website"]}
        ], "search_provider": null});
        let found = removals_for(gone);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].vendor.as_deref(), Some("Klevu"));
        assert_eq!(found[0].date.as_deref(), Some("2026-08-01"));
        let back = json!({"tech_technologies": [{"name": "Klevu", "last_seen": "2026-08-01", "sources": ["builtwith"]}],
                          "search_provider": "Klevu"});
        assert!(
            removals_for(back).is_empty(),
            "still the provider: not removed"
        );
    }
}
