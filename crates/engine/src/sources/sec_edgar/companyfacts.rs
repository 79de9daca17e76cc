//! EDGAR's `api/xbrl/companyfacts/CIK##########.json` into the latest fiscal year's revenue.
//!
//! Revenue sits under `us-gaap` `Revenues` or `RevenueFromContractWithCustomerExcludingAssessedTax`
//! (or, before 2018, `SalesRevenueNet`), in `units.USD`. Only annual durations from annual
//! reports count (`form` 10-K/20-F/40-F and a period of 350-380 days: a 10-K also carries
//! quarterly values tagged with its own `fy`/`fp`). The same period repeats across later filings:
//! per period the latest `filed` wins. The latest period's value is `financials.revenue_usd`, and
//! the growth over the period a year before is `financials.revenue_growth`.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use time::Date;
use time::macros::format_description;
use url::Url;

use super::COMPANY_FACTS;
use crate::fact::fields;
use crate::{Fact, SourceContext, SourceDescriptor, SourceError};

/// The concepts read, in order of preference when two give the same period.
const CONCEPTS: &[&str] = &[
    "Revenues",
    "RevenueFromContractWithCustomerExcludingAssessedTax",
    "SalesRevenueNet",
];
/// The period behind `financials.revenue_usd`: {concept, start, end, fiscal_year, form, filed, accession}.
pub const REVENUE_PERIOD: &str = "financials.revenue_period";

#[derive(Debug, Clone)]
struct Annual {
    concept: &'static str,
    start: Date,
    end: Date,
    val: i64,
    fy: Option<i64>,
    form: String,
    filed: String,
    accession: String,
}

pub fn facts(
    body: &[u8],
    cx: &SourceContext<'_>,
    d: &SourceDescriptor,
    url: &Url,
) -> Result<Vec<Fact>, SourceError> {
    let root: Value = serde_json::from_slice(body)
        .map_err(|e| SourceError::Malformed(format!("SEC companyfacts body is not JSON ({e})")))?;
    let gaap = root.get("facts").and_then(|f| f.get("us-gaap"));
    // Per period end: the preferred concept's latest filing.
    let mut periods: BTreeMap<Date, Annual> = BTreeMap::new();
    for (rank, concept) in CONCEPTS.iter().enumerate() {
        let rows = gaap
            .and_then(|g| g.get(*concept))
            .and_then(|c| c.get("units"))
            .and_then(|u| u.get("USD"))
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for row in rows.iter().filter_map(|r| annual(r, concept)) {
            let keep = match periods.get(&row.end) {
                None => true,
                Some(old) => {
                    let old_rank = CONCEPTS
                        .iter()
                        .position(|c| *c == old.concept)
                        .unwrap_or(usize::MAX);
                    (rank, std::cmp::Reverse(row.filed.as_str()))
                        < (old_rank, std::cmp::Reverse(old.filed.as_str()))
                }
            };
            if keep {
                periods.insert(row.end, row);
            }
        }
    }
    let Some(latest) = periods.values().next_back().cloned() else {
        return Ok(Vec::new());
    };
    let cite = |c: f64| cx.cite(d, COMPANY_FACTS, Some(url), c);
    let fmt = |d: Date| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
    let mut out = vec![
        Fact::new(fields::FIN_REVENUE_USD, json!(latest.val), cite(0.95)),
        Fact::new(
            REVENUE_PERIOD,
            json!({
                "concept": latest.concept,
                "start": fmt(latest.start),
                "end": fmt(latest.end),
                "fiscal_year": latest.fy,
                "form": latest.form,
                "filed": latest.filed,
                "accession": latest.accession,
            }),
            cite(0.95),
        ),
    ];
    let year_before = periods.values().rev().skip(1).find(|p| {
        let gap = (latest.end - p.end).whole_days();
        (345..=385).contains(&gap)
    });
    if let Some(prev) = year_before.filter(|p| p.val > 0) {
        let growth = (latest.val - prev.val) as f64 / prev.val as f64;
        out.push(Fact::new(
            fields::FIN_REVENUE_GROWTH,
            json!((growth * 10_000.0).round() / 10_000.0),
            cite(0.9),
        ));
    }
    Ok(out)
}

/// One row if it is an annual duration from an annual report.
fn annual(row: &Value, concept: &'static str) -> Option<Annual> {
    let text = |k: &str| {
        row.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or("")
            .to_owned()
    };
    let form = text("form");
    let base_form = form.trim_end_matches("/A");
    if !["10-K", "20-F", "40-F", "10-KT"].contains(&base_form) {
        return None;
    }
    let date = |k: &str| Date::parse(&text(k), format_description!("[year]-[month]-[day]")).ok();
    let (start, end) = (date("start")?, date("end")?);
    if !(350..=380).contains(&(end - start).whole_days()) {
        return None;
    }
    let val = row.get("val").and_then(|v| {
        v.as_i64()
            .or_else(|| v.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
    })?;
    Some(Annual {
        concept,
        start,
        end,
        val,
        fy: row.get("fy").and_then(Value::as_i64),
        form,
        filed: text("filed"),
        accession: text("accn"),
    })
}
