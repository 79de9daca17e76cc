//! Readable change summaries between two versions of a module's JSON:
//! `search_provider: Elasticsearch -> none; technologies: +Algolia -Klevu`.

use serde_json::Value;
use std::collections::BTreeMap;

/// At most this many changes are spelled out; the rest are counted.
const MAX_SHOWN: usize = 12;
/// At most this many list items are named in one change.
const MAX_ITEMS: usize = 8;

/// Bookkeeping, not a change a person cares about: which source backs each value
/// (`attribution`) and any key starting with `_`.
fn is_metadata(path: &str) -> bool {
    let first = path.split('.').next().unwrap_or(path);
    first == "attribution" || first.starts_with('_')
}

/// What names a list item: its `name`, `domain`, `title` or `url`.
fn item_label(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Object(o) => ["name", "domain", "title", "url"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str))
            .map(str::to_owned),
        _ => None,
    }
}

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
        Some(Value::String(s)) if s.chars().count() > 80 => {
            format!("{}…", s.chars().take(79).collect::<String>())
        }
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

/// The labels of a list's items, when every item has one.
fn scalar_items(v: Option<&Value>) -> Option<Vec<String>> {
    match v {
        None | Some(Value::Null) => Some(Vec::new()),
        Some(Value::Array(items)) => items.iter().map(item_label).collect(),
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
        let same_order = o == n;
        let mut changes: Vec<String> = added.into_iter().chain(removed).collect();
        if changes.is_empty() {
            return format!(
                "{path}: {}",
                if same_order {
                    "details updated"
                } else {
                    "reordered"
                }
            );
        }
        let extra = changes.len().saturating_sub(MAX_ITEMS);
        changes.truncate(MAX_ITEMS);
        if extra > 0 {
            changes.push(format!("(+{extra} more)"));
        }
        return format!("{path}: {}", changes.join(" "));
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
        .filter(|p| !is_metadata(p))
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
    fn lists_of_named_objects_change_by_name_and_bookkeeping_is_not_a_change() {
        let old = json!({"tech": [{"name": "Shopify", "c": 1}, {"name": "Klevu"}], "attribution": {"tech": ["website"]}});
        let new = json!({"tech": [{"name": "Shopify", "c": 2}, {"name": "Algolia"}], "attribution": {"tech": ["builtwith"]}});
        assert_eq!(
            summarise(Some(&old), &new).as_deref(),
            Some("tech: +Algolia -Klevu")
        );
        let detail = json!({"tech": [{"name": "Shopify", "c": 3}, {"name": "Klevu"}]});
        let old_plain = json!({"tech": [{"name": "Shopify", "c": 1}, {"name": "Klevu"}]});
        assert_eq!(
            summarise(Some(&old_plain), &detail).as_deref(),
            Some("tech: details updated")
        );
        let only_meta = json!({"tech": [{"name": "Shopify", "c": 1}, {"name": "Klevu"}], "attribution": {"tech": ["x"]}});
        assert_eq!(summarise(Some(&old), &only_meta), None);
        let many: Vec<Value> = (0..20)
            .map(|i| json!({"name": format!("T{i:02}")}))
            .collect();
        let s = summarise(None, &json!({"tech": many})).unwrap_or_default();
        assert!(s.ends_with("(+12 more)"), "{s}");
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
