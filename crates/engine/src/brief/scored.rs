//! The score modules' sections (M11 ICP fit, M12 intent, M13 hot lead): the total, the priority,
//! the signals, and each part with its points and the sources its facts cite.

use pf_core::ModuleId;
use serde_json::Value;

use super::cite;
use super::sections::{Rows, text, titled};

/// The source ids a score part's facts cite: `employees 316,000 (sec_edgar)` -> `sec_edgar`.
fn cited_ids(facts: &[Value]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for f in facts.iter().filter_map(Value::as_str) {
        let head = f.split(" [conflict: ").next().unwrap_or(f);
        let inner = head
            .rfind('(')
            .and_then(|i| head[i + 1..].strip_suffix(')'));
        for id in inner.into_iter().flat_map(|x| x.split(", ")) {
            if !ids.iter().any(|x| x == id) {
                ids.push(id.to_owned());
            }
        }
    }
    if ids.is_empty() {
        ids.push("derived".to_owned());
    }
    ids
}

/// The score modules: the total, then each part (or reason) with the sources its facts cite.
pub(super) fn scored(module: ModuleId, r: &mut Rows<'_>) {
    let c = r.c;
    let ids = cite::all_ids(c.sources);
    let total = c
        .get("score")
        .or_else(|| c.get("intent_score"))
        .map(text)
        .unwrap_or_else(|| "0".into());
    r.with("Score", format!("{total}/100"), ids.clone(), None);
    let parts = c.list("parts");
    if module == ModuleId::HOT_LEAD {
        r.key("Priority", "priority", text);
        for reason in c.list("reasons") {
            let part = parts.iter().find(|p| p.get("reason") == Some(reason));
            let facts = part
                .and_then(|p| p.get("facts"))
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            r.with("Reason", text(reason), cited_ids(facts), None);
        }
        return;
    }
    for s in c.list("signals") {
        let date = s
            .get("date")
            .and_then(Value::as_str)
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        let source: Vec<String> = s
            .get("source")
            .and_then(Value::as_str)
            .map(|x| vec![x.to_owned()])
            .unwrap_or_else(|| ids.clone());
        let kind = s.get("kind").and_then(Value::as_str).unwrap_or("signal");
        r.with(
            &format!("Signal: {}", titled(kind)),
            format!("{}{date}", s.get("text").map(text).unwrap_or_default()),
            source,
            None,
        );
    }
    for p in parts {
        let points = p.get("points").and_then(Value::as_f64).unwrap_or(0.0);
        let max = p.get("max").and_then(Value::as_f64).unwrap_or(0.0);
        let reason = p.get("reason").map(text).unwrap_or_default();
        let name = p.get("name").map(text).unwrap_or_default();
        let facts = p
            .get("facts")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        r.with(
            &titled(&name),
            format!("{points:.1} of {max:.1} points: {reason}"),
            cited_ids(facts),
            None,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn score_parts_are_sourced_by_the_facts_they_cite() {
        let facts = [
            json!("employees 316,000 (sec_edgar)"),
            json!("search provider X (website, builtwith) [conflict: a says (b)]"),
        ];
        assert_eq!(cited_ids(&facts), vec!["sec_edgar", "website", "builtwith"]);
        assert_eq!(cited_ids(&[]), vec!["derived"]);
    }
}
