//! EDGAR's `submissions/CIK##########.json` into profile facts, former names and the recent
//! 10-K/10-Q/8-K filings. `filings.recent` is columnar (parallel arrays); rows whose arrays are
//! short are read with blanks rather than rejected, and unknown keys are ignored.

use serde_json::{Value, json};
use url::Url;

use super::{Listed, SUBMISSIONS};
use crate::fact::fields;
use crate::{Fact, SourceContext, SourceDescriptor, SourceError};

/// The recent filings reported (newest first).
const MAX_FILINGS: usize = 20;
/// The forms kept from the recent filings (amendments included).
const FORMS: &[&str] = &["10-K", "10-Q", "8-K", "10-K/A", "10-Q/A", "8-K/A"];
/// Recent filings: array of {form, filed, report_date, accession, items, url}.
pub const FILINGS_RECENT: &str = "filings.recent";
/// The company's website as EDGAR records it (often empty).
pub const PROFILE_WEBSITE: &str = "profile.website";

pub fn facts(
    body: &[u8],
    listed: &Listed,
    cx: &SourceContext<'_>,
    d: &SourceDescriptor,
    url: &Url,
) -> Result<Vec<Fact>, SourceError> {
    let root: Value = serde_json::from_slice(body)
        .map_err(|e| SourceError::Malformed(format!("SEC submissions body is not JSON ({e})")))?;
    if !root.is_object() {
        return Err(SourceError::Malformed(
            "SEC submissions body is not an object".into(),
        ));
    }
    let text = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let cite = |c: f64| cx.cite(d, SUBMISSIONS, Some(url), c);
    let mut out = Vec::new();

    let name = text(root.get("name")).unwrap_or_else(|| listed.title.clone());
    if !name.is_empty() {
        out.push(Fact::new(fields::PROFILE_NAME, json!(name), cite(0.95)));
    }
    let cik = root
        .get("cik")
        .and_then(|c| {
            c.as_u64()
                .or_else(|| c.as_str().and_then(|s| s.trim().parse().ok()))
        })
        .unwrap_or(listed.cik);
    out.push(Fact::new(fields::PROFILE_CIK, json!(cik), cite(0.95)));
    if let Some(industry) = text(root.get("sicDescription")) {
        out.push(Fact::new(
            fields::PROFILE_INDUSTRY,
            json!(industry),
            cite(0.8),
        ));
    }
    let ticker = root
        .get("tickers")
        .and_then(Value::as_array)
        .and_then(|t| t.iter().find_map(|t| text(Some(t))))
        .or_else(|| (!listed.ticker.is_empty()).then(|| listed.ticker.clone()));
    if let Some(t) = ticker {
        out.push(Fact::new(fields::PROFILE_TICKER, json!(t), cite(0.95)));
    }
    if let Some(site) = text(root.get("website")) {
        out.push(Fact::new(PROFILE_WEBSITE, json!(site), cite(0.8)));
    }

    let former: Vec<Value> = root
        .get("formerNames")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .filter_map(|f| {
            let name = text(f.get("name"))?;
            Some(json!({"name": name, "from": day(f.get("from")), "to": day(f.get("to"))}))
        })
        .collect();
    if !former.is_empty() {
        out.push(Fact::new(
            fields::PROFILE_FORMER_NAMES,
            Value::Array(former),
            cite(0.95),
        ));
    }

    let filings = recent_filings(root.get("filings").and_then(|f| f.get("recent")), cik);
    if !filings.is_empty() {
        out.push(Fact::new(FILINGS_RECENT, Value::Array(filings), cite(0.95)));
    }
    Ok(out)
}

/// `2007-01-04` from `2007-01-04T00:00:00.000Z` (or the text as given).
fn day(v: Option<&Value>) -> Option<String> {
    let s = v?.as_str()?.trim();
    if s.is_empty() {
        return None;
    }
    Some(
        s.get(..10)
            .filter(|d| d.as_bytes().get(4) == Some(&b'-'))
            .unwrap_or(s)
            .to_owned(),
    )
}

/// The newest [`MAX_FILINGS`] 10-K/10-Q/8-K rows of the columnar `recent` object.
fn recent_filings(recent: Option<&Value>, cik: u64) -> Vec<Value> {
    let Some(recent) = recent else {
        return Vec::new();
    };
    let column = |k: &str| {
        recent
            .get(k)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    };
    let (forms, filed, reports, accessions, docs, items) = (
        column("form"),
        column("filingDate"),
        column("reportDate"),
        column("accessionNumber"),
        column("primaryDocument"),
        column("items"),
    );
    let cell = |col: &[Value], i: usize| {
        col.get(i)
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or("")
            .to_owned()
    };
    let mut rows: Vec<Value> = Vec::new();
    for i in 0..forms.len() {
        let form = cell(forms, i);
        if !FORMS.contains(&form.as_str()) {
            continue;
        }
        let accession = cell(accessions, i);
        let doc = cell(docs, i);
        let url = (!accession.is_empty() && !doc.is_empty()).then(|| {
            format!(
                "https://www.sec.gov/Archives/edgar/data/{cik}/{}/{doc}",
                accession.replace('-', "")
            )
        });
        let nonempty = |s: String| (!s.is_empty()).then_some(s);
        rows.push(json!({
            "form": form,
            "filed": nonempty(cell(filed, i)),
            "report_date": nonempty(cell(reports, i)),
            "accession": nonempty(accession),
            "items": nonempty(cell(items, i)),
            "url": url,
        }));
    }
    // EDGAR lists newest first already; sort anyway so the cut keeps the newest.
    rows.sort_by(|a, b| {
        b["filed"]
            .as_str()
            .unwrap_or("")
            .cmp(a["filed"].as_str().unwrap_or(""))
    });
    rows.truncate(MAX_FILINGS);
    rows
}
