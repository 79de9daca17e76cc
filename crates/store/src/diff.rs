//! Readable change summaries between two versions of a module's JSON:
//! `search_provider: Elasticsearch -> none; technologies: +Algolia -Klevu`.

use serde_json::Value;
use std::collections::BTreeMap;

/// At most this many changes are spelled out; the rest are counted.
const MAX_SHOWN: usize = 12;

fn flatten(prefix: &str, v: &Value, out: &mut BTreeMap<String, Value>) {
    match v {
        Value::Object(map) if !map.is_empty() => {
            for (k, child) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&path, child, out);
            }
        }
        other => {
            let key = if prefix.is_empty() {
                "value".to_owned()
            } else {
                prefix.to_owned()
            };
            out.insert(key, other.clone());
        }
    }
}

fn show(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "none".to_owned(),
        Some(Value::String(s)) if s.is_empty() => "none".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) if items.is_empty() => "none".to_owned(),
        Some(Value::Array(items)) => format!(
            "[{}]",
            items
                .iter()
                .map(|i| show(Some(i)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Some(other) => other.to_string(),
    }
}

fn scalar_items(v: Option<&Value>) -> Option<Vec<String>> {
    match v {
        None | Some(Value::Null) => Some(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Bool(b) => Some(b.to_string()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

fn describe(path: &str, old: Option<&Value>, new: Option<&Value>) -> String {
    let both_lists = matches!(old, Some(Value::Array(_))) || matches!(new, Some(Value::Array(_)));
    if both_lists && let (Some(o), Some(n)) = (scalar_items(old), scalar_items(new)) {
        let added: Vec<String> = n
            .iter()
            .filter(|x| !o.contains(x))
            .map(|x| format!("+{x}"))
            .collect();
        let removed: Vec<String> = o
            .iter()
            .filter(|x| !n.contains(x))
            .map(|x| format!("-{x}"))
            .collect();
        if !added.is_empty() || !removed.is_empty() {
            return format!(
                "{path}: {}",
                added
                    .into_iter()
                    .chain(removed)
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
        return format!("{path}: reordered");
    }
    format!("{path}: {} -> {}", show(old), show(new))
}

/// Summarises what changed from `old` (None for a first record) to `new`.
/// Returns `None` when nothing changed.
pub(crate) fn summarise(old: Option<&Value>, new: &Value) -> Option<String> {
    let mut before = BTreeMap::new();
    if let Some(o) = old {
        flatten("", o, &mut before);
    }
    let mut after = BTreeMap::new();
    flatten("", new, &mut after);
    let mut paths: Vec<&String> = before.keys().chain(after.keys()).collect();
    paths.sort();
    paths.dedup();
    let changes: Vec<String> = paths
        .into_iter()
        .filter(|p| before.get(*p) != after.get(*p))
        .filter(|p| {
            show(before.get(*p)) != show(after.get(*p))
                || matches!(after.get(*p), Some(Value::Array(_)))
        })
        .map(|p| describe(p, before.get(p), after.get(p)))
        .collect();
    if changes.is_empty() {
        return None;
    }
    let extra = changes.len().saturating_sub(MAX_SHOWN);
    let mut text = changes
        .into_iter()
        .take(MAX_SHOWN)
        .collect::<Vec<_>>()
        .join("; ");
    if extra > 0 {
        text.push_str(&format!("; and {extra} more"));
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_removed_provider_reads_as_value_to_none() {
        let s = summarise(
            Some(&json!({"search_provider": "Elasticsearch"})),
            &json!({"search_provider": null}),
        );
        assert_eq!(s.as_deref(), Some("search_provider: Elasticsearch -> none"));
    }

    #[test]
    fn list_changes_show_additions_and_removals() {
        let s = summarise(
            Some(&json!({"technologies": ["Shopify", "Klevu"]})),
            &json!({"technologies": ["Shopify", "Algolia"]}),
        );
        assert_eq!(s.as_deref(), Some("technologies: +Algolia -Klevu"));
    }

    #[test]
    fn nested_fields_use_dotted_paths_and_first_records_start_from_none() {
        let s = summarise(None, &json!({"traffic": {"visits": 1200}}));
        assert_eq!(s.as_deref(), Some("traffic.visits: none -> 1200"));
    }

    #[test]
    fn identical_documents_have_no_summary() {
        let v = json!({"a": 1, "b": ["x"]});
        assert_eq!(summarise(Some(&v), &v), None);
    }

    #[test]
    fn long_change_lists_are_counted_not_spelled_out() {
        let new: serde_json::Map<String, Value> =
            (0..20).map(|i| (format!("f{i:02}"), json!(i))).collect();
        let s = summarise(None, &Value::Object(new)).unwrap_or_default();
        assert!(s.ends_with("; and 8 more"), "{s}");
    }
}
