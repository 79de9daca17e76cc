//! Reading a module's result with its citations: which sources stand behind a key (its
//! `attribution`, else every source of the result), how old they are, what the sources disagree
//! on, and how values read to a person (`316,000`, `$1.2B`, `12.3M`, `+25%`).

use pf_core::{Intelligence, SourceRef};
use serde_json::Value;
use time::{Date, OffsetDateTime};

/// A module's data with the citations of its result.
#[derive(Debug, Clone, Copy)]
pub struct Cited<'a> {
    pub data: &'a Value,
    pub sources: &'a [SourceRef],
}

impl<'a> Cited<'a> {
    pub fn new(intel: &'a Intelligence) -> Self {
        Self {
            data: intel.data(),
            sources: intel.sources(),
        }
    }

    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.data.get(key).filter(|v| !v.is_null())
    }

    pub fn str(&self, key: &str) -> Option<&'a str> {
        self.get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
    }

    pub fn f64(&self, key: &str) -> Option<f64> {
        self.get(key).and_then(Value::as_f64)
    }

    pub fn list(&self, key: &str) -> &'a [Value] {
        self.get(key)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The ids of the sources behind `key`: its attribution, else every non-derived source.
    pub fn ids(&self, key: &str) -> Vec<String> {
        let attributed: Vec<String> = self
            .data
            .get("attribution")
            .and_then(|a| a.get(key))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        if attributed.is_empty() {
            all_ids(self.sources)
        } else {
            attributed
        }
    }

    /// `text (source, source)`: a fact as score parts and talking points cite it.
    pub fn cite(&self, key: &str, text: &str) -> String {
        format!("{text} ({})", self.ids(key).join(", "))
    }

    /// When the newest of the given sources fetched its answer (else the newest of all).
    pub fn fetched(&self, ids: &[String]) -> Option<OffsetDateTime> {
        let backers = self
            .sources
            .iter()
            .filter(|s| ids.iter().any(|i| i == s.source().as_str()));
        backers
            .map(SourceRef::fetched_at)
            .max()
            .or_else(|| self.sources.iter().map(SourceRef::fetched_at).max())
    }

    /// The conflict on `key`, in words, if the sources disagreed.
    pub fn conflict(&self, key: &str) -> Option<String> {
        self.data
            .get("conflicts")
            .and_then(|c| c.get(key))
            .and_then(conflict_text)
    }
}

/// The distinct source ids of a result; derived citations (`partnerforge`) only if nothing else.
pub fn all_ids(sources: &[SourceRef]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for s in sources {
        let id = s.source().as_str();
        if id != "partnerforge" && !ids.iter().any(|i| i == id) {
            ids.push(id.to_owned());
        }
    }
    if ids.is_empty() {
        ids = sources
            .iter()
            .map(|s| format!("{} ({})", s.source(), s.endpoint()))
            .take(1)
            .collect();
    }
    ids
}

/// `builtwith says Elasticsearch, website says Algolia (confidence 0.53)`, sources in name order.
pub fn conflict_text(conflict: &Value) -> Option<String> {
    let mut values: Vec<(String, String)> = conflict
        .get("values")?
        .as_array()?
        .iter()
        .map(|v| {
            (
                v.get("source")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_owned(),
                display(v.get("value").unwrap_or(&Value::Null)),
            )
        })
        .collect();
    if values.len() < 2 {
        return None;
    }
    values.sort();
    let said: Vec<String> = values
        .iter()
        .map(|(s, v)| format!("{s} says {v}"))
        .collect();
    let confidence = conflict
        .get("confidence")
        .and_then(Value::as_f64)
        .unwrap_or(0.0);
    Some(format!("{} (confidence {confidence:.2})", said.join(", ")))
}

/// Whole days from `at` to `now` (never negative).
pub fn age_days(at: OffsetDateTime, now: OffsetDateTime) -> i64 {
    (now - at).whole_days().max(0)
}

/// A count with thousands separators: `316,000`.
pub fn count(n: f64) -> String {
    let whole = n.round().abs() as u64;
    let digits = whole.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0.0 { format!("-{out}") } else { out }
}

/// A large number in short form: `12.3M`, `4.5B`, `870K`.
pub fn compact(n: f64) -> String {
    let a = n.abs();
    if a >= 1e9 {
        format!("{:.1}B", n / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M", n / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}K", n / 1e3)
    } else {
        count(n)
    }
}

/// US dollars in short form: `$1.2B`.
pub fn usd(n: f64) -> String {
    format!("${}", compact(n))
}

/// A fraction as a signed percentage: `+25%`.
pub fn pct(f: f64) -> String {
    format!("{:+.0}%", f * 100.0)
}

/// A value as one line of text.
pub fn display(v: &Value) -> String {
    let text = match v {
        Value::Null => "none".to_owned(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.to_owned(),
        Value::Number(n) if n.is_i64() || n.is_u64() => count(n.as_f64().unwrap_or(0.0)),
        Value::Number(n) => format!("{:.2}", n.as_f64().unwrap_or(0.0)),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.is_empty() => "none".to_owned(),
        Value::Array(items) => items.iter().map(display).collect::<Vec<_>>().join(", "),
        Value::Object(map) => ["name", "domain", "title", "text", "url", "value", "matched"]
            .iter()
            .find_map(|k| map.get(*k).and_then(Value::as_str))
            .map_or_else(|| v.to_string(), str::to_owned),
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Shortens text to `max` characters, on a character boundary, with an ellipsis.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// A day from a date string (`2026-11-20`, RFC 3339) or a Unix time in seconds or milliseconds.
pub fn parse_day(v: &Value) -> Option<Date> {
    match v {
        Value::String(s) => {
            let head = s.get(..10)?;
            let fmt = time::macros::format_description!("[year]-[month]-[day]");
            Date::parse(head, fmt).ok()
        }
        Value::Number(n) => {
            let raw = n.as_f64()?;
            let secs = if raw > 1e11 { raw / 1000.0 } else { raw };
            OffsetDateTime::from_unix_timestamp(secs as i64)
                .ok()
                .map(OffsetDateTime::date)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_read_like_a_person_writes_them() {
        assert_eq!(count(316_000.0), "316,000");
        assert_eq!(count(999.0), "999");
        assert_eq!(compact(12_345_678.0), "12.3M");
        assert_eq!(usd(1.2e9), "$1.2B");
        assert_eq!(pct(0.25), "+25%");
        assert_eq!(
            display(&json!([{"name": "Shopify"}, "Algolia"])),
            "Shopify, Algolia"
        );
        assert_eq!(clip("abcdef", 4), "abc…");
    }

    #[test]
    fn conflicts_name_every_source_in_order_with_the_confidence() {
        let c = json!({"values": [{"value": "Algolia", "source": "website"}, {"value": "Elasticsearch", "source": "builtwith"}], "confidence": 0.526});
        assert_eq!(
            conflict_text(&c).as_deref(),
            Some("builtwith says Elasticsearch, website says Algolia (confidence 0.53)")
        );
    }

    #[test]
    fn days_parse_from_text_and_unix_times() {
        let d = time::macros::date!(2026 - 11 - 20);
        assert_eq!(parse_day(&json!("2026-11-20T10:00:00Z")), Some(d));
        assert_eq!(parse_day(&json!(1_795_132_800_000_i64)), Some(d));
        assert_eq!(parse_day(&json!("soon")), None);
    }
}
