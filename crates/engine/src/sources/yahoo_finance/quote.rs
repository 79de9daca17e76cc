//! Parsing Yahoo's quoteSummary (`price`, `summaryDetail`, `financialData`, `assetProfile`)
//! into facts. Numbers are read plain (`formatted=false`) or as `{raw, fmt}` objects; money in
//! USD fields only when the quote or financial currency is USD (or not stated); an empty result
//! with a "Not Found" error, or a `quoteType` of `NONE`, is `NoData`. Unknown modules and keys
//! are ignored.

use serde_json::{Map, Value, json};
use url::Url;

use super::QUOTE_SUMMARY;
use crate::fact::fields;
use crate::gateway::snippet;
use crate::{Fact, SourceContext, SourceDescriptor, SourceError};

/// A number given plain or as `{"raw": .., "fmt": ..}`.
fn num(v: Option<&Value>) -> Option<f64> {
    let v = v?;
    v.as_f64()
        .or_else(|| v.get("raw").and_then(Value::as_f64))
        .filter(|f| f.is_finite())
}

/// `key` of a module object, if both exist.
fn get<'a>(module: Option<&'a Value>, key: &str) -> Option<&'a Value> {
    module?.get(key)
}

fn text(v: Option<&Value>) -> Option<String> {
    v?.as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Yahoo's figures kept under `financials.figures`: (module, Yahoo name, our name).
const FIGURES: &[(&str, &str, &str)] = &[
    ("price", "regularMarketPrice", "price"),
    ("summaryDetail", "trailingPE", "trailing_pe"),
    ("summaryDetail", "fiftyTwoWeekLow", "fifty_two_week_low"),
    ("summaryDetail", "fiftyTwoWeekHigh", "fifty_two_week_high"),
    ("financialData", "ebitda", "ebitda"),
    ("financialData", "grossMargins", "gross_margins"),
    ("financialData", "operatingMargins", "operating_margins"),
    ("financialData", "profitMargins", "profit_margins"),
    ("financialData", "freeCashflow", "free_cashflow"),
    ("financialData", "totalCash", "total_cash"),
    ("financialData", "totalDebt", "total_debt"),
    ("financialData", "earningsGrowth", "earnings_growth"),
    (
        "financialData",
        "numberOfAnalystOpinions",
        "analyst_opinions",
    ),
];

pub fn facts(
    body: &[u8],
    cx: &SourceContext<'_>,
    d: &SourceDescriptor,
    url: &Url,
) -> Result<Vec<Fact>, SourceError> {
    let root: Value = serde_json::from_slice(body).map_err(|e| {
        SourceError::Malformed(format!("Yahoo quoteSummary body is not JSON ({e})"))
    })?;
    let summary = root
        .get("quoteSummary")
        .ok_or_else(|| SourceError::Malformed("Yahoo body has no `quoteSummary`".into()))?;
    let Some(result) = summary
        .get("result")
        .and_then(Value::as_array)
        .and_then(|r| r.first())
    else {
        let code = summary
            .get("error")
            .and_then(|e| e.get("code"))
            .and_then(Value::as_str)
            .unwrap_or("");
        return match code {
            "" | "Not Found" => Err(SourceError::NoData),
            other => Err(SourceError::Upstream {
                status: 200,
                detail: format!("Yahoo error: {}", snippet(other.as_bytes())),
            }),
        };
    };
    let module = |name: &str| result.get(name);
    let (price, detail, fin, profile) = (
        module("price"),
        module("summaryDetail"),
        module("financialData"),
        module("assetProfile"),
    );
    let quote_type = text(price.and_then(|p| p.get("quoteType")))
        .or_else(|| text(module("quoteType").and_then(|q| q.get("quoteType"))));
    if quote_type.as_deref() == Some("NONE") {
        return Err(SourceError::NoData);
    }
    let cite = |c: f64| cx.cite(d, QUOTE_SUMMARY, Some(url), c);
    let usd = |c: Option<String>| c.is_none_or(|c| c.eq_ignore_ascii_case("USD"));
    let mut out = Vec::new();
    let mut push = |field: &str, value: Option<Value>, confidence: f64| {
        if let Some(v) = value {
            out.push(Fact::new(field, v, cite(confidence)));
        }
    };

    push(
        fields::PROFILE_NAME,
        text(get(price, "longName"))
            .or_else(|| text(get(price, "shortName")))
            .map(Value::from),
        0.85,
    );
    push(
        fields::PROFILE_TICKER,
        text(get(price, "symbol")).map(Value::from),
        0.9,
    );
    push(
        fields::PROFILE_INDUSTRY,
        text(get(profile, "industry"))
            .or_else(|| text(get(profile, "sector")))
            .map(Value::from),
        0.8,
    );
    push(
        fields::PROFILE_COUNTRY,
        text(get(profile, "country")).map(Value::from),
        0.8,
    );
    push(
        fields::PROFILE_EMPLOYEES,
        num(get(profile, "fullTimeEmployees"))
            .filter(|n| *n > 0.0)
            .map(|n| json!(n as u64)),
        0.8,
    );
    push(
        fields::PROFILE_DESCRIPTION,
        text(get(profile, "longBusinessSummary")).map(Value::from),
        0.8,
    );
    push(
        "profile.website",
        text(get(profile, "website")).map(Value::from),
        0.8,
    );

    let quote_currency = text(get(price, "currency")).or_else(|| text(get(detail, "currency")));
    let cap = num(get(price, "marketCap"))
        .or_else(|| num(get(detail, "marketCap")))
        .filter(|_| usd(quote_currency.clone()));
    push(
        fields::FIN_MARKET_CAP_USD,
        cap.filter(|c| *c > 0.0).map(|c| json!(c.round() as u64)),
        0.8,
    );
    let revenue =
        num(get(fin, "totalRevenue")).filter(|_| usd(text(get(fin, "financialCurrency"))));
    push(
        fields::FIN_REVENUE_USD,
        revenue
            .filter(|r| *r > 0.0)
            .map(|r| json!(r.round() as u64)),
        0.75,
    );
    push(
        fields::FIN_REVENUE_GROWTH,
        num(get(fin, "revenueGrowth")).map(|g| json!(g)),
        0.75,
    );

    let mut figures = Map::new();
    for (m, yahoo, ours) in FIGURES {
        if let Some(n) = num(get(module(m), yahoo)) {
            figures.insert((*ours).to_owned(), json!(n));
        }
    }
    push(
        fields::FIN_FIGURES,
        (!figures.is_empty()).then_some(Value::Object(figures)),
        0.75,
    );

    let officers: Vec<Value> = get(profile, "companyOfficers")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .filter_map(|o| {
            let name = text(o.get("name"))?;
            Some(json!({
                "name": name,
                "title": text(o.get("title")),
                "age": num(o.get("age")).map(|a| a as u64),
                "pay": num(o.get("totalPay")).map(|p| p.round() as u64),
            }))
        })
        .collect();
    push(
        fields::EXECUTIVES,
        (!officers.is_empty()).then_some(Value::Array(officers)),
        0.75,
    );

    if out.is_empty() {
        Err(SourceError::NoData)
    } else {
        Ok(out)
    }
}
