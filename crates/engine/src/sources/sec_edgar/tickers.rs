//! `company_tickers.json` (`{"0":{"cik_str":320193,"ticker":"AAPL","title":"Apple Inc."}}`) and
//! how an account is matched against it: by ticker (`BRK.B` and `BRK-B` alike), else by its exact
//! company name, else by one unambiguous normalised name (EDGAR's `COSTCO WHOLESALE CORP /NEW`
//! and a CRM's `Costco Wholesale Corporation` both give `costco wholesale`). Rows without a CIK
//! are skipped; an array instead of the usual object is accepted too.

use serde_json::Value;

use crate::SourceError;

/// One row of `company_tickers.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub cik: u64,
    pub ticker: String,
    pub title: String,
}

/// Every row of the file that has a CIK.
pub fn parse_tickers(body: &[u8]) -> Result<Vec<Listed>, SourceError> {
    let root: Value = serde_json::from_slice(body).map_err(|e| {
        SourceError::Malformed(format!("SEC company_tickers.json is not JSON ({e})"))
    })?;
    let rows: Box<dyn Iterator<Item = &Value>> = match &root {
        Value::Object(m) => Box::new(m.values()),
        Value::Array(a) => Box::new(a.iter()),
        _ => {
            return Err(SourceError::Malformed(
                "SEC company_tickers.json is neither an object nor an array".into(),
            ));
        }
    };
    Ok(rows
        .filter_map(|r| {
            let cik = r.get("cik_str").or_else(|| r.get("cik"))?;
            let cik = cik
                .as_u64()
                .or_else(|| cik.as_str().and_then(|s| s.trim().parse().ok()))?;
            let text = |k: &str| {
                r.get(k)
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .unwrap_or("")
                    .to_owned()
            };
            Some(Listed {
                cik,
                ticker: text("ticker"),
                title: text("title"),
            })
        })
        .collect())
}

/// A company name reduced for matching: lower case, EDGAR's `/STATE/` tags and punctuation and
/// corporate suffixes dropped (`COSTCO WHOLESALE CORP /NEW` and `Costco Wholesale Corporation`
/// both give `costco wholesale`).
pub fn normalise_name(name: &str) -> String {
    const SUFFIXES: &[&str] = &[
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "ltd",
        "limited",
        "plc",
        "llc",
        "lp",
        "sa",
        "ag",
        "nv",
        "the",
    ];
    let head = name
        .split(" /")
        .next()
        .unwrap_or(name)
        .to_lowercase()
        .replace('&', " and ");
    let cleaned: String = head
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut words: Vec<&str> = cleaned.split_whitespace().collect();
    if words.first() == Some(&"the") {
        words.remove(0);
    }
    while words.len() > 1 && words.last().is_some_and(|w| SUFFIXES.contains(w)) {
        words.pop();
    }
    words.join(" ")
}

/// The listed company for a ticker (`BRK.B` and `BRK-B` alike), else for a name: an exact title
/// match, else one unambiguous normalised match.
pub fn find<'a>(
    rows: &'a [Listed],
    ticker: Option<&str>,
    name: Option<&str>,
) -> Option<&'a Listed> {
    let canon = |t: &str| t.trim().to_ascii_uppercase().replace('.', "-");
    if let Some(t) = ticker.map(canon).filter(|t| !t.is_empty())
        && let Some(hit) = rows.iter().find(|r| canon(&r.ticker) == t)
    {
        return Some(hit);
    }
    let name = name?.trim();
    if let Some(hit) = rows.iter().find(|r| r.title.eq_ignore_ascii_case(name)) {
        return Some(hit);
    }
    let wanted = normalise_name(name);
    if wanted.is_empty() {
        return None;
    }
    let mut hits = rows.iter().filter(|r| normalise_name(&r.title) == wanted);
    let first = hits.next()?;
    // Several tickers of one company share a CIK; several companies do not.
    hits.all(|h| h.cik == first.cik).then_some(first)
}
