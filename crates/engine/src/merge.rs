//! Merging facts from several sources into one module result. Where sources agree the value is
//! kept with every source behind it; where they disagree all values are kept as a conflict and
//! the resolved value is the one with the highest trust x freshness (or the newest, or a manual
//! one, where the field's strategy says so), with a confidence.

use pf_core::{SourceId, SourceRef};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use time::OffsetDateTime;

use crate::Fact;

/// How a field's conflicts are resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Highest source trust x fact confidence x freshness.
    TrustFreshness,
    /// The most recently fetched value.
    Newest,
    /// A value from the `manual` source wins; otherwise trust x freshness.
    Manual,
}

/// The data key of a fact field: `search.provider` -> `search_provider`.
pub fn key_of(field: &str) -> String {
    field.replace('.', "_")
}

/// How much a fact's age lowers its weight: 1.0 today, 0.5 at 90 days.
fn freshness(fetched: OffsetDateTime, now: OffsetDateTime) -> f64 {
    let days = (now - fetched).as_seconds_f64().max(0.0) / 86_400.0;
    1.0 / (1.0 + days / 90.0)
}

/// The merged result of one module's facts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Merged {
    /// key -> resolved value
    pub values: Map<String, Value>,
    /// key -> the source ids behind the resolved value
    pub attribution: Map<String, Value>,
    /// key -> every disagreeing value with its source and weight
    pub conflicts: Map<String, Value>,
    /// The citations of every fact used.
    pub sources: Vec<SourceRef>,
}

impl Merged {
    /// The module data: resolved values, plus `attribution` and `conflicts` when present.
    pub fn into_data(self) -> Value {
        let mut data = self.values;
        if !self.attribution.is_empty() {
            data.insert("attribution".into(), Value::Object(self.attribution));
        }
        if !self.conflicts.is_empty() {
            data.insert("conflicts".into(), Value::Object(self.conflicts));
        }
        Value::Object(data)
    }
}

/// Merges facts field by field. `union_fields` are lists merged as a union by each item's
/// `name` (or `domain`/`title`), recording every source that reported an item.
pub fn merge(
    facts: &[Fact],
    trust: &BTreeMap<SourceId, f64>,
    strategy: impl Fn(&str) -> Strategy,
    union_fields: &[&str],
    now: OffsetDateTime,
) -> Merged {
    let mut out = Merged::default();
    let mut by_field: BTreeMap<&str, Vec<&Fact>> = BTreeMap::new();
    for f in facts {
        by_field.entry(f.field.as_str()).or_default().push(f);
        if !out
            .sources
            .iter()
            .any(|s| s.source() == f.source.source() && s.endpoint() == f.source.endpoint())
        {
            out.sources.push(f.source.clone());
        }
    }
    for (field, group) in by_field {
        let key = key_of(field);
        if union_fields.contains(&field) {
            let (list, who) = union(&group);
            out.values.insert(key.clone(), list);
            out.attribution.insert(key, who);
            continue;
        }
        let weight = |f: &Fact| {
            let t = trust.get(f.source.source()).copied().unwrap_or(0.5);
            t * f.source.confidence() * freshness(f.source.fetched_at(), now)
        };
        let mut distinct: Vec<(&Value, Vec<&Fact>)> = Vec::new();
        for f in &group {
            match distinct.iter_mut().find(|(v, _)| **v == f.value) {
                Some((_, fs)) => fs.push(f),
                None => distinct.push((&f.value, vec![f])),
            }
        }
        let score = |fs: &Vec<&Fact>| -> f64 {
            match strategy(field) {
                Strategy::Newest => fs
                    .iter()
                    .map(|f| f.source.fetched_at().unix_timestamp() as f64)
                    .fold(f64::MIN, f64::max),
                Strategy::Manual if fs.iter().any(|f| f.source.source().as_str() == "manual") => {
                    f64::MAX
                }
                _ => fs.iter().map(|f| weight(f)).fold(0.0, f64::max),
            }
        };
        distinct.sort_by(|a, b| score(&b.1).total_cmp(&score(&a.1)));
        let Some((winner, backers)) = distinct.first() else {
            continue;
        };
        out.values.insert(key.clone(), (*winner).clone());
        let ids: Vec<Value> = backers
            .iter()
            .map(|f| json!(f.source.source().as_str()))
            .collect();
        out.attribution.insert(key.clone(), Value::Array(ids));
        if distinct.len() > 1 {
            let total: f64 = distinct
                .iter()
                .map(|(_, fs)| fs.iter().map(|f| weight(f)).sum::<f64>())
                .sum();
            let win: f64 = backers.iter().map(|f| weight(f)).sum();
            let all: Vec<Value> = distinct
                .iter()
                .flat_map(|(v, fs)| {
                    fs.iter()
                        .map(move |f| json!({"value": v, "source": f.source.source().as_str()}))
                })
                .collect();
            let confidence = if total > 0.0 {
                (win / total * 100.0).round() / 100.0
            } else {
                0.0
            };
            out.conflicts
                .insert(key, json!({"values": all, "confidence": confidence}));
        }
    }
    out
}

fn item_name(v: &Value) -> String {
    for k in ["name", "domain", "title", "url"] {
        if let Some(s) = v.get(k).and_then(Value::as_str) {
            return s.to_lowercase();
        }
    }
    v.to_string()
}

/// A union of list items by name, each item tagged with the sources that reported it.
fn union(group: &[&Fact]) -> (Value, Value) {
    let mut items: Vec<(String, Map<String, Value>, Vec<String>)> = Vec::new();
    let mut who: Vec<String> = Vec::new();
    for f in group {
        let src = f.source.source().to_string();
        if !who.contains(&src) {
            who.push(src.clone());
        }
        for item in f.value.as_array().into_iter().flatten() {
            let name = item_name(item);
            let obj = item.as_object().cloned().unwrap_or_else(|| {
                let mut m = Map::new();
                m.insert("name".into(), item.clone());
                m
            });
            match items.iter_mut().find(|(n, _, _)| *n == name) {
                Some((_, existing, srcs)) => {
                    for (k, v) in obj {
                        existing.entry(k).or_insert(v);
                    }
                    if !srcs.contains(&src) {
                        srcs.push(src.clone());
                    }
                }
                None => items.push((name, obj, vec![src.clone()])),
            }
        }
    }
    items.sort_by(|a, b| a.0.cmp(&b.0));
    let list = items
        .into_iter()
        .map(|(_, mut obj, srcs)| {
            obj.insert("sources".into(), json!(srcs));
            Value::Object(obj)
        })
        .collect();
    (Value::Array(list), json!(who))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn fact(field: &str, value: Value, source: &str, at: OffsetDateTime) -> Fact {
        let r =
            SourceRef::new(SourceId::new(source).expect("id"), "t", None, at, 1.0).expect("ref");
        Fact::new(field, value, r)
    }

    fn trust() -> BTreeMap<SourceId, f64> {
        [("website", 1.0), ("builtwith", 0.9)]
            .into_iter()
            .map(|(s, t)| (SourceId::new(s).expect("id"), t))
            .collect()
    }

    #[test]
    fn disagreeing_sources_become_a_conflict_resolved_by_trust_and_freshness() {
        let now = datetime!(2026-11-20 00:00 UTC);
        let facts = [
            fact("search.provider", json!("Elasticsearch"), "builtwith", now),
            fact("search.provider", json!("Algolia"), "website", now),
        ];
        let m = merge(&facts, &trust(), |_| Strategy::TrustFreshness, &[], now);
        assert_eq!(m.values["search_provider"], json!("Algolia"));
        let c = &m.conflicts["search_provider"];
        assert_eq!(c["values"].as_array().map(Vec::len), Some(2));
        assert!(
            c["confidence"].as_f64().is_some_and(|x| x > 0.5 && x < 0.6),
            "{c}"
        );
        // A year-old website answer loses to a fresh BuiltWith one.
        let stale = [
            fact("search.provider", json!("Elasticsearch"), "builtwith", now),
            fact(
                "search.provider",
                json!("Algolia"),
                "website",
                datetime!(2025-11-01 00:00 UTC),
            ),
        ];
        let m = merge(&stale, &trust(), |_| Strategy::TrustFreshness, &[], now);
        assert_eq!(m.values["search_provider"], json!("Elasticsearch"));
    }

    #[test]
    fn newest_and_manual_strategies() {
        let now = datetime!(2026-11-20 00:00 UTC);
        let facts = [
            fact(
                "profile.name",
                json!("Old Name"),
                "website",
                datetime!(2026-01-01 00:00 UTC),
            ),
            fact("profile.name", json!("New Name"), "builtwith", now),
            fact(
                "profile.name",
                json!("Hand Name"),
                "manual",
                datetime!(2026-01-01 00:00 UTC),
            ),
        ];
        let m = merge(&facts[..2], &trust(), |_| Strategy::Newest, &[], now);
        assert_eq!(m.values["profile_name"], json!("New Name"));
        let m = merge(&facts, &trust(), |_| Strategy::Manual, &[], now);
        assert_eq!(m.values["profile_name"], json!("Hand Name"));
    }

    #[test]
    fn tech_lists_merge_as_a_union_with_their_sources() {
        let now = datetime!(2026-11-20 00:00 UTC);
        let facts = [
            fact(
                "tech.technologies",
                json!([{"name": "Shopify"}, {"name": "Algolia"}]),
                "website",
                now,
            ),
            fact(
                "tech.technologies",
                json!([{"name": "Shopify", "first_seen": "2020-01-01"}]),
                "builtwith",
                now,
            ),
        ];
        let m = merge(
            &facts,
            &trust(),
            |_| Strategy::TrustFreshness,
            &["tech.technologies"],
            now,
        );
        let list = m.values["tech_technologies"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(list.len(), 2);
        let shopify = list
            .iter()
            .find(|t| t["name"] == "Shopify")
            .expect("shopify");
        assert_eq!(shopify["sources"], json!(["website", "builtwith"]));
        assert_eq!(shopify["first_seen"], json!("2020-01-01"));
        assert!(m.conflicts.is_empty());
    }
}
