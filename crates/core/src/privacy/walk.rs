//! Finding, erasing and rectifying a subject inside stored JSON. A *record* is an object one of
//! whose own text fields names the subject (an officer `{name, title, email}`, a job-post
//! contact, a quote with its speaker): erasure removes the whole record from its list, so no
//! title or phone number is left behind without its name. A mention in free text elsewhere is
//! replaced by [`ERASED`].

use serde_json::{Map, Value};

use super::{Correction, Subject};

/// What an erased mention in free text becomes.
pub const ERASED: &str = "[erased]";

/// One place that holds the subject: a JSON path (`$.officers[2]`) and what is there.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Found {
    pub path: String,
    pub value: Value,
}

fn record_matches(map: &Map<String, Value>, s: &Subject) -> bool {
    map.values()
        .any(|v| matches!(v, Value::String(t) if s.occurs_in(t)))
}

/// Every record and mention of the subject in `value` (the top-level object is never one
/// record: its parts are looked at one by one).
pub fn find_json(value: &Value, s: &Subject) -> Vec<Found> {
    let mut out = Vec::new();
    find_at(value, s, "$", &mut out);
    out
}

fn find_at(value: &Value, s: &Subject, path: &str, out: &mut Vec<Found>) {
    match value {
        Value::Object(map) if path != "$" && record_matches(map, s) => out.push(Found {
            path: path.to_owned(),
            value: value.clone(),
        }),
        Value::Object(map) => {
            for (k, v) in map {
                find_at(v, s, &format!("{path}.{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                find_at(v, s, &format!("{path}[{i}]"), out);
            }
        }
        Value::String(t) if s.occurs_in(t) => out.push(Found {
            path: path.to_owned(),
            value: value.clone(),
        }),
        _ => {}
    }
}

/// Removes every record of the subject from lists and replaces every other mention; returns how
/// many records and mentions went.
pub fn erase_json(value: &mut Value, s: &Subject) -> usize {
    match value {
        Value::Array(items) => {
            let before = items.len();
            items.retain(|it| !matches!(it, Value::Object(m) if record_matches(m, s)));
            let removed = before - items.len();
            removed + items.iter_mut().map(|v| erase_json(v, s)).sum::<usize>()
        }
        Value::Object(map) => map.values_mut().map(|v| erase_json(v, s)).sum(),
        Value::String(t) => match erase_text(s, t) {
            Some(r) => {
                *t = r;
                1
            }
            None => 0,
        },
        _ => 0,
    }
}

/// A free text with every mention of the subject replaced by [`ERASED`]; `None` if unchanged.
pub fn erase_text(s: &Subject, text: &str) -> Option<String> {
    s.replace_in(text, ERASED, ERASED).filter(|r| r != text)
}

/// A free text with the subject's old e-mail and name replaced by the corrected ones (or kept
/// when the correction leaves them out); `None` if unchanged.
pub fn rectify_text(s: &Subject, c: &Correction, text: &str) -> Option<String> {
    let email = c.email.as_deref().unwrap_or(s.email());
    let name = c.name.as_deref().or(s.name()).unwrap_or_default();
    s.replace_in(text, email, name).filter(|r| r != text)
}

/// Puts the corrected values into every record of the subject and replaces the old name and
/// e-mail in free text; returns how many values changed.
pub fn rectify_json(value: &mut Value, s: &Subject, c: &Correction) -> usize {
    rectify_at(value, s, c, 0)
}

fn rectify_at(value: &mut Value, s: &Subject, c: &Correction, depth: usize) -> usize {
    match value {
        Value::Array(items) => items
            .iter_mut()
            .map(|v| rectify_at(v, s, c, depth + 1))
            .sum(),
        Value::Object(map) => {
            let mut changed = 0;
            if depth > 0 && record_matches(map, s) {
                for (k, v) in map.iter_mut() {
                    if let Some(new) = c.for_field(k)
                        && v.as_str() != Some(new)
                    {
                        *v = Value::String(new.to_owned());
                        changed += 1;
                    }
                }
            }
            changed
                + map
                    .values_mut()
                    .map(|v| rectify_at(v, s, c, depth + 1))
                    .sum::<usize>()
        }
        Value::String(t) => match rectify_text(s, c, t) {
            Some(r) => {
                *t = r;
                1
            }
            None => 0,
        },
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn jane() -> Subject {
        Subject::new("jane.doe@acme.com", Some("Jane Doe")).expect("valid")
    }

    fn officers() -> Value {
        json!({"officers": [
            {"name": "Jane Doe", "title": "CFO", "phone": "+1 555 0100", "linkedin": "https://linkedin.com/in/janedoe"},
            {"name": "John Roe", "title": "CEO", "email": "john@acme.com"}
        ], "quote": "\"We will rebuild search\", said Jane Doe, CFO.", "count": 2})
    }

    #[test]
    fn erasure_removes_whole_records_and_mentions() {
        let mut v = officers();
        let n = erase_json(&mut v, &jane());
        assert_eq!(n, 2, "one record and one mention");
        let text = v.to_string();
        assert!(!text.contains("Jane"), "{text}");
        assert!(
            !text.contains("555 0100"),
            "the record's phone went with it"
        );
        assert!(text.contains("John Roe"), "other people stay");
        assert_eq!(
            v["quote"],
            "\"We will rebuild search\", said [erased], CFO."
        );
    }

    #[test]
    fn finding_returns_records_with_their_paths() {
        let found = find_json(&officers(), &jane());
        let paths: Vec<_> = found.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, vec!["$.officers[0]", "$.quote"]);
        assert_eq!(found[0].value["title"], "CFO");
        assert!(find_json(&json!({"a": "nobody"}), &jane()).is_empty());
    }

    #[test]
    fn rectification_replaces_values_everywhere() {
        let mut v = officers();
        let c = Correction {
            name: Some("Jane Smith".into()),
            title: Some("CEO".into()),
            ..Correction::default()
        };
        let n = rectify_json(&mut v, &jane(), &c);
        assert_eq!(n, 3, "name and title in the record, the quote");
        assert_eq!(v["officers"][0]["name"], "Jane Smith");
        assert_eq!(v["officers"][0]["title"], "CEO");
        assert_eq!(
            v["officers"][0]["phone"], "+1 555 0100",
            "unlisted fields stay"
        );
        assert!(
            v["quote"]
                .as_str()
                .is_some_and(|q| q.contains("said Jane Smith"))
        );
        assert!(!v.to_string().contains("Jane Doe"));
    }
}
