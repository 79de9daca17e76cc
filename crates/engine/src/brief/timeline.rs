//! How the account moves over time, for the brief.
//!
//! What changed since a date, field by field: each module's data as it stood at `since` (the
//! latest history snapshot at or before it) against its stored data now, per top-level key,
//! both rendered as the brief's facts render them. Only fields whose display text differs are
//! listed, each with the sources of its new value (of the old one when it is gone) and when it
//! took that value.
//!
//! Numeric series for a section's chart: the traffic card's monthly visits, oldest first, read
//! from M03's stored `traffic_history` (`[{month: "YYYY-MM", visits}]`, as SimilarWeb gives it).

use pf_core::ModuleId;
use pf_store::Snapshot;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeSet;
use time::OffsetDateTime;

use super::cite::{self, Cited};
use super::sections::titled;
use super::{Results, SCORE_KEYS};

/// One field whose value changed since the brief's `since`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub module: ModuleId,
    /// The module's title.
    pub title: String,
    /// The key in the module's data (`traffic_monthly_visits`).
    pub field: String,
    /// What a person calls it (`Monthly visits`).
    pub label: String,
    /// The value at `since` as display text; `None` when it was not known then.
    pub old: Option<String>,
    /// The value now as display text; `None` when it is gone.
    pub new: Option<String>,
    /// The source ids behind the new value (the old one's when gone), comma-separated.
    pub source: String,
    /// When the field took its current value.
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
}

/// How a field's value reads.
#[derive(Debug, Clone, Copy)]
enum Show {
    Text,
    Count,
    Integer,
    Compact,
    Pct,
    Usd,
    Clip(usize),
    Status,
    Evidence,
    Conflict,
    Months,
}

/// The label and rendering of the fields the sections show as facts (same labels and forms).
fn known(module: ModuleId, key: &str) -> Option<(&'static str, Show)> {
    use Show::*;
    let found = match (module, key) {
        (ModuleId::COMPANY_PROFILE, k) => match k {
            "profile_name" => ("Name", Text),
            "profile_industry" => ("Industry", Text),
            "profile_country" => ("Country", Text),
            "profile_employees" => ("Employees", Count),
            "profile_ticker" => ("Ticker", Text),
            "profile_cik" => ("SEC CIK", Integer),
            "profile_description" => ("Description", Clip(240)),
            "profile_former_names" => ("Former names", Text),
            "profile_website" => ("Website", Text),
            _ => return None,
        },
        (ModuleId::TECH_STACK | ModuleId::SEARCH_PROVIDER, "search_provider") => {
            ("Search provider", Text)
        }
        (ModuleId::TECH_STACK, "tech_technologies") => ("Technologies", Text),
        (ModuleId::TRAFFIC, k) => match k {
            "traffic_monthly_visits" => ("Monthly visits", Compact),
            "recent_growth" => ("Recent growth", Pct),
            "traffic_similar_sites" => ("Similar sites", Text),
            "traffic_history" => ("Visits by month", Months),
            _ => return None,
        },
        (ModuleId::HIRING, k) => match k {
            "open_jobs" => ("Open jobs", Text),
            "hiring_jobs" => ("Jobs", Text),
            "search_jobs" => ("Search-related jobs", Text),
            _ => return None,
        },
        (ModuleId::DOMAIN_FAMILY, k) => match k {
            "family_related_domains" => ("Related domains", Text),
            "family_redirects" => ("Redirects", Text),
            "company_events" => ("Company events", Text),
            _ => return None,
        },
        (ModuleId::SEARCH_PROVIDER, k) => match k {
            "status" => ("Status", Status),
            "opportunity" => ("Opportunity", Text),
            "evidence" => ("Evidence", Evidence),
            "conflict" => ("Conflict", Conflict),
            _ => return None,
        },
        (ModuleId::FINANCIALS, k) => match k {
            "financials_revenue_usd" => ("Revenue", Usd),
            "financials_revenue_growth" => ("Revenue growth", Pct),
            "financials_market_cap_usd" => ("Market cap", Usd),
            "filings_recent" => ("Recent filings", Clip(160)),
            _ => return None,
        },
        (ModuleId::EXECUTIVES, "executives_officers") => ("Officers", Text),
        (ModuleId::COMPETITORS, "competitors") => ("Competitors", Text),
        (ModuleId::COMPETITORS, "competitors_on_home_vendor") => {
            ("Competitors on the home vendor", Text)
        }
        (ModuleId::INITIATIVES, "initiatives_items") => ("Initiatives", Text),
        (_, "score") => ("Score", Text),
        (_, "priority") => ("Priority", Text),
        _ => return None,
    };
    Some(found)
}

/// A value as one line: the brief's display form, and `key value` pairs for an object that has
/// no name-like key (instead of its JSON).
fn plain(v: &Value) -> String {
    match v {
        Value::Object(map)
            if !["name", "domain", "title", "text", "url", "value", "matched"]
                .iter()
                .any(|k| map.get(*k).is_some_and(Value::is_string)) =>
        {
            map.iter()
                .filter(|(_, x)| !x.is_null())
                .map(|(k, x)| format!("{}: {}", k.replace('_', " "), cite::display(x)))
                .collect::<Vec<_>>()
                .join(", ")
        }
        other => cite::display(other),
    }
}

fn num(v: &Value, f: fn(f64) -> String) -> String {
    v.as_f64().map_or_else(|| plain(v), f)
}

/// The field's value as display text; `None` when absent, null or empty.
fn render(show: Show, v: Option<&Value>) -> Option<String> {
    let v = v.filter(|v| !v.is_null())?;
    let text = match show {
        Show::Text => cite::clip(&plain(v), 200),
        Show::Count => num(v, cite::count),
        Show::Integer => v.as_u64().map_or_else(|| plain(v), |n| n.to_string()),
        Show::Compact => num(v, cite::compact),
        Show::Pct => num(v, cite::pct),
        Show::Usd => num(v, cite::usd),
        Show::Clip(n) => cite::clip(&plain(v), n),
        Show::Status => plain(v).replace('_', " "),
        Show::Evidence => v
            .get("evidence")
            .map(|e| cite::clip(&plain(e), 160))
            .unwrap_or_else(|| plain(v)),
        Show::Conflict => cite::conflict_text(v)?,
        Show::Months => {
            let months = v.as_array().map(Vec::as_slice).unwrap_or(&[]);
            let latest = months
                .iter()
                .filter_map(|m| Some((m.get("month")?.as_str()?, m.get("visits")?.as_f64()?)))
                .max_by(|a, b| a.0.cmp(b.0));
            match latest {
                Some((month, visits)) => format!(
                    "{} months, latest {month}: {}",
                    months.len(),
                    cite::compact(visits)
                ),
                None => plain(v),
            }
        }
    };
    let text = text.trim();
    (!text.is_empty() && text != "none").then(|| text.to_owned())
}

/// The sources behind a field, as the sections cite them.
fn ids(module: ModuleId, c: &Cited<'_>, key: &str) -> Vec<String> {
    if module == ModuleId::SEARCH_PROVIDER && key == "search_provider" {
        let evidence: Vec<String> = c
            .get("evidence")
            .and_then(|e| e.get("sources"))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        if !evidence.is_empty() {
            return evidence;
        }
    }
    c.ids(key)
}

/// Whether a key is bookkeeping rather than a fact: `attribution`, `_`-prefixed keys (as the
/// store's change summaries have it) and `conflicts` (the brief lists those on their own).
fn is_metadata(key: &str) -> bool {
    key == "attribution" || key == "conflicts" || key.starts_with('_')
}

/// Every field whose display value changed since `since`, by module then field; nothing
/// without a date. `baseline` is each module's latest snapshot at or before `since`, `after`
/// the history recorded since. The brief (M14) and its talking points (M15) restate the other
/// modules and are left out; the score modules (M11-M13) show their totals and priority only.
pub(super) fn field_changes(
    results: &Results<'_>,
    baseline: &[Snapshot],
    after: &[Snapshot],
    since: Option<OffsetDateTime>,
) -> Vec<FieldChange> {
    let Some(since) = since else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (module, entry) in results {
        let module = *module;
        if module == ModuleId::BRIEF || module == ModuleId::TALKING_POINTS {
            continue;
        }
        let scored = [ModuleId::ICP_FIT, ModuleId::INTENT, ModuleId::HOT_LEAD].contains(&module);
        let now = Cited::new(entry.intel);
        let then = baseline.iter().find(|s| s.module == module).map(|s| Cited {
            data: &s.data,
            sources: &s.sources,
        });
        let later: Vec<&Snapshot> = after
            .iter()
            .filter(|s| s.module == module && s.recorded_at > since)
            .collect();
        let keys: BTreeSet<&String> = [Some(now.data), then.map(|c| c.data)]
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .flat_map(|m| m.keys())
            .filter(|k| !is_metadata(k))
            .filter(|k| !scored || SCORE_KEYS.contains(&k.as_str()))
            .collect();
        for key in keys {
            let (label, show) = known(module, key)
                .map(|(l, s)| (l.to_owned(), s))
                .unwrap_or_else(|| (titled(key), Show::Text));
            let old = render(show, then.and_then(|c| c.get(key)));
            let new = render(show, now.get(key));
            if old == new {
                continue;
            }
            // When the field took its current value: the last snapshot since the date at which
            // its display text moved.
            let mut shown = old.clone();
            let mut recorded_at = None;
            for s in &later {
                let v = render(show, s.data.get(key));
                if v != shown {
                    recorded_at = Some(s.recorded_at);
                    shown = v;
                }
            }
            let source = match (&new, then) {
                (None, Some(t)) => ids(module, &t, key),
                _ => ids(module, &now, key),
            };
            out.push(FieldChange {
                module,
                title: module.title().to_owned(),
                field: key.clone(),
                label,
                old,
                new,
                source: source.join(", "),
                recorded_at: recorded_at.unwrap_or(entry.fetched_at),
            });
        }
    }
    out
}

/// One point of a section's series: `{"label": "2026-09", "value": 12300000.0}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesPoint {
    pub label: String,
    pub value: f64,
}

/// The series a module's section charts: monthly visits for the traffic module (M03), oldest
/// first; nothing for the others.
pub(super) fn series(module: ModuleId, data: &Value) -> Vec<SeriesPoint> {
    if module != ModuleId::TRAFFIC {
        return Vec::new();
    }
    let mut points: Vec<SeriesPoint> = data
        .get("traffic_history")
        .and_then(Value::as_array)
        .map(|months| {
            months
                .iter()
                .filter_map(|m| {
                    let label = m.get("month").and_then(Value::as_str)?.trim();
                    let value = m.get("visits").and_then(Value::as_f64)?;
                    (!label.is_empty() && value.is_finite()).then(|| SeriesPoint {
                        label: label.to_owned(),
                        value,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    // `YYYY-MM` sorts as time does; a stable sort keeps the stored order of equal labels.
    points.sort_by(|a, b| a.label.cmp(&b.label));
    points
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn field_values_read_as_the_facts_do_and_empty_ones_are_absent() {
        let months =
            json!([{"month": "2026-09", "visits": 1.0e7}, {"month": "2026-10", "visits": 1.23e7}]);
        assert_eq!(
            render(Show::Months, Some(&months)).as_deref(),
            Some("2 months, latest 2026-10: 12.3M")
        );
        assert_eq!(
            render(Show::Status, Some(&json!("home_vendor"))).as_deref(),
            Some("home vendor")
        );
        assert_eq!(
            render(Show::Usd, Some(&json!(5.1e9))).as_deref(),
            Some("$5.1B")
        );
        let period = json!({"fiscal_year": 2025, "form": "10-K"});
        assert_eq!(
            render(Show::Text, Some(&period)).as_deref(),
            Some("fiscal year: 2,025, form: 10-K"),
            "an object without a name reads as its pairs, not as JSON"
        );
        for empty in [json!(null), json!([]), json!("")] {
            assert_eq!(render(Show::Text, Some(&empty)), None, "{empty}");
        }
        assert_eq!(
            known(ModuleId::TRAFFIC, "traffic_monthly_visits").map(|k| k.0),
            Some("Monthly visits")
        );
        assert_eq!(titled("monthly_visits"), "Monthly visits");
    }

    #[test]
    fn traffic_history_becomes_monthly_points_oldest_first() {
        let data = json!({"traffic_history": [
            {"month": "2026-10", "visits": 200.0},
            {"month": "2026-09", "visits": 100},
            {"month": "bad"},
            {"visits": 5}
        ]});
        let got = series(ModuleId::TRAFFIC, &data);
        let labels: Vec<&str> = got.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["2026-09", "2026-10"]);
        assert_eq!(got[0].value, 100.0);
        assert!(series(ModuleId::TECH_STACK, &data).is_empty());
        assert!(series(ModuleId::TRAFFIC, &json!({})).is_empty());
    }
}
