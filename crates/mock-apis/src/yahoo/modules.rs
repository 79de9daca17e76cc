//! The `quoteSummary` modules: `price`, `summaryDetail`, `financialData`, `assetProfile` and
//! `quoteType`; and the `formatted=true` number wrapping (`{"raw","fmt","longFmt"}`).

use serde_json::{Map, Value, json};

use crate::MockConfig;
use crate::data::{Listing, Profile, Rng, days_ago_date, first_label};

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

fn slug(s: &str) -> String {
    s.to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn capitalised(w: &str) -> String {
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// One result with the requested modules (unknown module names are ignored).
pub fn result(config: &MockConfig, p: &Profile, l: &Listing, wanted: &[&str]) -> Value {
    let mut r = Rng::new(&l.ticker, "quote");
    let fx = if l.currency == "SEK" { 10.5 } else { 1.0 };
    let price = l.price;
    let previous = round(price / (1.0 + (r.unit() - 0.5) * 0.04), 2);
    let market_cap = (price * l.shares as f64).round() as u64;
    let revenue = (p.revenue_usd as f64 * fx).round() as u64;
    let margin = 0.02 + r.unit() * 0.12;
    let market_time = days_ago_date(config.as_of, 1)
        .midnight()
        .assume_utc()
        .unix_timestamp()
        + 20 * 3600;
    let long_name = p.company.clone();
    let short_name: String = long_name.chars().take(32).collect();
    let mut out = Map::new();
    for m in wanted {
        let v = match *m {
            "price" => json!({
                "maxAge": 1, "regularMarketPrice": price,
                "regularMarketChangePercent": round((price - previous) / previous, 4),
                "regularMarketTime": market_time, "exchange": l.exchange, "exchangeName": l.exchange_name,
                "marketState": "CLOSED", "quoteType": "EQUITY", "symbol": l.ticker,
                "shortName": short_name, "longName": long_name, "currency": l.currency, "marketCap": market_cap,
            }),
            "summaryDetail" => json!({
                "maxAge": 1, "previousClose": previous, "marketCap": market_cap,
                "trailingPE": round(market_cap as f64 / (revenue as f64 * margin).max(1.0), 2),
                "fiftyTwoWeekLow": round(price * (0.7 + r.unit() * 0.2), 2),
                "fiftyTwoWeekHigh": round(price * (1.02 + r.unit() * 0.25), 2),
                "volume": r.range(200_000, 9_000_000), "currency": l.currency,
            }),
            "financialData" => json!({
                "maxAge": 86400, "currentPrice": price, "totalRevenue": revenue,
                "revenueGrowth": p.revenue_growth,
                "ebitda": (revenue as f64 * (margin + 0.04)).round() as u64,
                "grossMargins": round(0.2 + r.unit() * 0.4, 4),
                "operatingMargins": round(margin + 0.01, 4), "profitMargins": round(margin, 4),
                "freeCashflow": (revenue as f64 * margin * 0.8).round() as i64,
                "recommendationKey": *r.pick(&["buy", "hold", "strong_buy", "underperform"]),
                "numberOfAnalystOpinions": r.range(3, 40), "financialCurrency": l.currency,
            }),
            "assetProfile" => {
                let fiscal_year = i64::from(config.as_of.year()) - 1;
                let officers: Vec<Value> = p
                    .officers
                    .iter()
                    .map(|o| {
                        json!({
                            "maxAge": 1, "name": o.name, "age": o.age, "title": o.title,
                            "yearBorn": fiscal_year - i64::from(o.age), "fiscalYear": fiscal_year,
                            "totalPay": o.total_pay, "exercisedValue": 0, "unexercisedValue": 0,
                        })
                    })
                    .collect();
                json!({
                    "address1": format!("{} {} Way", r.range(100, 9999), capitalised(first_label(&p.domain))),
                    "city": p.city, "state": p.state, "zip": p.postcode,
                    "country": if p.country == "US" { "United States" } else { "Sweden" },
                    "website": format!("https://www.{}", p.domain),
                    "industry": p.industry, "industryKey": slug(p.industry),
                    "sector": p.sector, "sectorKey": slug(p.sector),
                    "fullTimeEmployees": p.employees,
                    "longBusinessSummary": format!(
                        "{} operates in {} ({}). The company sells online at {} and through its stores.",
                        p.company, p.industry, p.sector, p.domain
                    ),
                    "companyOfficers": officers,
                    "maxAge": 86400,
                })
            }
            "quoteType" => json!({
                "exchange": l.exchange, "quoteType": "EQUITY", "symbol": l.ticker,
                "shortName": short_name, "longName": long_name, "maxAge": 1,
            }),
            _ => continue,
        };
        out.insert((*m).to_owned(), v);
    }
    Value::Object(out)
}

/// The result for an instrument Yahoo does not really know (`quoteType: NONE`).
pub fn none_result(symbol: &str, wanted: &[&str]) -> Value {
    let mut out = Map::new();
    for m in wanted {
        match *m {
            "price" => {
                out.insert(
                    "price".into(),
                    json!({"maxAge": 1, "symbol": symbol, "quoteType": "NONE", "currency": null}),
                );
            }
            "quoteType" => {
                out.insert(
                    "quoteType".into(),
                    json!({"symbol": symbol, "quoteType": "NONE", "maxAge": 1}),
                );
            }
            _ => {}
        }
    }
    Value::Object(out)
}

/// Numbers left plain even when `formatted=true`.
const PLAIN: [&str; 4] = ["maxAge", "age", "yearBorn", "fiscalYear"];

/// Wraps numbers as Yahoo does with `formatted=true`.
pub fn format_numbers(v: Value, key: Option<&str>) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = format_numbers(v, Some(&k));
                    (k, v)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(|v| format_numbers(v, None)).collect()),
        Value::Number(n) if !key.is_some_and(|k| PLAIN.contains(&k)) => {
            let x = n.as_f64().unwrap_or(0.0);
            let mut m = Map::new();
            m.insert("raw".into(), Value::Number(n));
            m.insert("fmt".into(), json!(short(x)));
            if x.abs() >= 1e6 {
                m.insert("longFmt".into(), json!(grouped(x)));
            }
            Value::Object(m)
        }
        other => other,
    }
}

fn short(x: f64) -> String {
    let a = x.abs();
    if a >= 1e12 {
        format!("{:.2}T", x / 1e12)
    } else if a >= 1e9 {
        format!("{:.2}B", x / 1e9)
    } else if a >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else {
        format!("{x:.2}")
    }
}

fn grouped(x: f64) -> String {
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatted_numbers() {
        let v = format_numbers(
            json!({"maxAge": 1, "marketCap": 4_869_931_925_504u64, "x": 2.5}),
            None,
        );
        assert_eq!(v["maxAge"], json!(1));
        assert_eq!(v["marketCap"]["fmt"], json!("4.87T"));
        assert_eq!(v["marketCap"]["longFmt"], json!("4,869,931,925,504"));
        assert_eq!(v["x"], json!({"raw": 2.5, "fmt": "2.50"}));
        assert_eq!(slug("Software - Application"), "software-application");
    }
}
