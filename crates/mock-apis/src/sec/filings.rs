//! Submissions (columnar `filings.recent`) and XBRL company facts for a listed profile.

use serde_json::{Value, json};
use time::{Date, Duration, Month};

use crate::MockConfig;
use crate::data::{FormerName, Listing, Profile, RevenueConcept, Rng, first_label, rfc3339, ymd};

/// The last day of month `m` (1..=12) of `year`, with months past 12 rolling into later years.
fn month_end(year: i32, m: i32) -> Option<Date> {
    let idx = year * 12 + m; // the month after, 0-based
    let next = Date::from_calendar_date(
        idx.div_euclid(12),
        Month::try_from(u8::try_from(idx.rem_euclid(12) + 1).ok()?).ok()?,
        1,
    )
    .ok()?;
    next.previous_day()
}

/// One reporting period: fiscal year, period (`FY`, `Q1`..`Q3`), start, end, filing date.
#[derive(Debug, Clone)]
struct Period {
    fy: i32,
    fp: &'static str,
    start: Date,
    end: Date,
    filed: Date,
    form: &'static str,
    accn: String,
}

/// The periods reported in the last three fiscal years, oldest first, filed by `as_of`.
fn periods(config: &MockConfig, l: &Listing, cik: u64) -> Vec<Period> {
    let fye_month: i32 = l
        .fiscal_year_end
        .get(..2)
        .and_then(|m| m.parse().ok())
        .unwrap_or(12);
    let mut seq = 100;
    let mut out = Vec::new();
    for fy in (config.as_of.year() - 3)..=config.as_of.year() {
        let Some(fy_end) = month_end(fy, fye_month) else {
            continue;
        };
        let Some(fy_start) = month_end(fy - 1, fye_month).and_then(Date::next_day) else {
            continue;
        };
        for (q, fp) in [(1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "FY")] {
            let Some(end) = month_end(fy - 1, fye_month + 3 * q) else {
                continue;
            };
            let (form, lag) = if fp == "FY" {
                ("10-K", 58)
            } else {
                ("10-Q", 38)
            };
            let filed = end + Duration::days(lag);
            if filed > config.as_of {
                continue;
            }
            seq += 7;
            let accn = format!("{cik:010}-{:02}-{seq:06}", filed.year() % 100);
            let start = if fp == "FY" {
                fy_start
            } else {
                month_end(fy - 1, fye_month + 3 * q - 3)
                    .and_then(Date::next_day)
                    .unwrap_or(fy_start)
            };
            out.push(Period {
                fy,
                fp,
                start,
                end: if fp == "FY" { fy_end } else { end },
                filed,
                form,
                accn,
            });
        }
    }
    out
}

fn former(f: &FormerName) -> Value {
    json!({"name": f.name, "from": f.from, "to": f.to})
}

/// One filing in `filings.recent`.
struct Doc {
    form: &'static str,
    report: Option<Date>,
    filed: Date,
    items: &'static str,
    accn: String,
}

/// The filings of the last three years, newest first: 10-K, 10-Q, earnings 8-K, proxy, Form 4s.
fn docs(config: &MockConfig, p: &Profile, l: &Listing, cik: u64) -> Vec<Doc> {
    let mut r = Rng::new(&p.domain, "sec-docs");
    let accn = |filer: u64, d: Date, r: &mut Rng| {
        format!(
            "{filer:010}-{:02}-{:06}",
            d.year() % 100,
            r.range(1, 999_999)
        )
    };
    let mut docs = Vec::new();
    for per in periods(config, l, cik) {
        docs.push(Doc {
            form: per.form,
            report: Some(per.end),
            filed: per.filed,
            items: "",
            accn: per.accn.clone(),
        });
        let proxy = per.filed + Duration::days(40);
        if per.fp == "FY" && proxy <= config.as_of {
            docs.push(Doc {
                form: "DEF 14A",
                report: None,
                filed: proxy,
                items: "",
                accn: accn(cik, proxy, &mut r),
            });
        }
        let earnings = per.filed - Duration::days(r.range(1, 5) as i64);
        let a = accn(cik, earnings, &mut r);
        docs.push(Doc {
            form: "8-K",
            report: Some(earnings),
            filed: earnings,
            items: "2.02,9.01",
            accn: a,
        });
    }
    for _ in 0..6 {
        let d = config.as_of - Duration::days(r.range(3, 400) as i64);
        let filer = r.range(1_100_000, 1_999_999);
        let a = accn(filer, d, &mut r);
        docs.push(Doc {
            form: "4",
            report: Some(d - Duration::days(2)),
            filed: d,
            items: "",
            accn: a,
        });
    }
    docs.sort_by_key(|d| std::cmp::Reverse(d.filed));
    docs
}

/// The submissions document.
pub fn submissions(config: &MockConfig, p: &Profile, l: &Listing) -> Value {
    let cik = l.cik.unwrap_or(0);
    let mut r = Rng::new(&p.domain, "sec");
    let stem = first_label(&p.domain)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(6)
        .collect::<String>();
    let docs = docs(config, p, l, cik);
    let col = |f: &dyn Fn(&Doc) -> Value| docs.iter().map(f).collect::<Vec<_>>();
    let xbrl = |d: &Doc| json!(i32::from(matches!(d.form, "10-K" | "10-Q" | "8-K")));
    let recent = json!({
        "accessionNumber": col(&|d| json!(d.accn)),
        "filingDate": col(&|d| json!(ymd(d.filed))),
        "reportDate": col(&|d| json!(d.report.map(ymd).unwrap_or_default())),
        "acceptanceDateTime": col(&|d| json!(rfc3339(d.filed, 16 * 3600 + 5 * 60).replace('Z', ".000Z"))),
        "act": col(&|d| json!(if d.form == "4" { "" } else { "34" })),
        "form": col(&|d| json!(d.form)),
        "fileNumber": col(&|d| json!(if d.form == "4" { String::new() } else { format!("001-{:05}", cik % 100_000) })),
        "filmNumber": col(&|d| json!(format!("{}", 240_000_000 + (i64::from(d.filed.to_julian_day()) % 999_999)))),
        "items": col(&|d| json!(d.items)),
        "core_type": col(&|d| json!(d.form)),
        "size": col(&|d| json!(match d.form { "10-K" => 9_800_000, "10-Q" => 5_200_000, _ => 180_000 })),
        "isXBRL": col(&xbrl),
        "isInlineXBRL": col(&xbrl),
        "primaryDocument": col(&|d| json!(match d.form {
            "10-K" | "10-Q" => format!("{stem}-{}.htm", ymd(d.report.unwrap_or(d.filed)).replace('-', "")),
            "4" => "xslF345X05/wk-form4.xml".to_owned(),
            _ => format!("{stem}-{}.htm", d.form.to_ascii_lowercase().replace(' ', "")),
        })),
        "primaryDocDescription": col(&|d| json!(d.form)),
    });
    let exchange = if l.exchange == "NMS" {
        "Nasdaq"
    } else {
        "NYSE"
    };
    let address = json!({
        "street1": format!("{} Corporate Drive", r.range(100, 9999)), "street2": null,
        "city": p.city.to_ascii_uppercase(), "stateOrCountry": p.state, "zipCode": p.postcode,
        "stateOrCountryDescription": p.state,
    });
    json!({
        "cik": cik.to_string(),
        "entityType": "operating",
        "sic": l.sic,
        "sicDescription": l.sic_description,
        "ownerOrg": "07 Trade & Services",
        "insiderTransactionForOwnerExists": 0,
        "insiderTransactionForIssuerExists": 1,
        "name": l.sec_name,
        "tickers": [l.ticker],
        "exchanges": [exchange],
        "ein": format!("{:09}", r.range(100_000_000, 999_999_999)),
        "lei": null,
        "description": "",
        "website": l.sec_website,
        "investorWebsite": "",
        "category": if p.revenue_usd > 1_000_000_000 { "Large accelerated filer" } else { "Accelerated filer" },
        "fiscalYearEnd": l.fiscal_year_end,
        "stateOfIncorporation": l.state_of_incorporation,
        "stateOfIncorporationDescription": l.state_of_incorporation,
        "addresses": {"mailing": address, "business": address},
        "phone": format!("{}-555-{:04}", r.range(201, 989), r.range(0, 9999)),
        "flags": "",
        "formerNames": l.former_names.iter().map(former).collect::<Vec<_>>(),
        "filings": {"recent": recent, "files": []},
    })
}

/// The calendar frame of a duration (`CY2023`, `CY2023Q2`) or an instant (`CY2023Q4I`).
fn frame(start: Option<Date>, end: Date, annual: bool) -> String {
    let mid = start.map(|s| s + (end - s) / 2).unwrap_or(end);
    let q = (u8::from(mid.month()) - 1) / 3 + 1;
    match (start, annual) {
        (Some(_), true) => format!("CY{}", mid.year()),
        (Some(_), false) => format!("CY{}Q{q}", mid.year()),
        (None, _) => format!("CY{}Q{q}I", end.year()),
    }
}

/// The XBRL company facts: shares outstanding, revenue (under `Revenues` or
/// `RevenueFromContractWithCustomerExcludingAssessedTax`), net income and assets. Annual
/// figures repeat in the following 10-K (same period, later `filed`, no `frame`).
pub fn company_facts(config: &MockConfig, p: &Profile, l: &Listing) -> Value {
    let cik = l.cik.unwrap_or(0);
    let ps = periods(config, l, cik);
    let last_fy = ps.iter().map(|x| x.fy).max().unwrap_or(0);
    let revenue_of = |per: &Period| -> u64 {
        let years = f64::from(last_fy - per.fy);
        let annual = p.revenue_usd as f64 / (1.0 + p.revenue_growth).powf(years);
        let share = match per.fp {
            "FY" => 1.0,
            "Q1" => 0.236,
            "Q2" => 0.247,
            _ => 0.241,
        };
        (annual * share / 1e6).round() as u64 * 1_000_000
    };
    let fact = |per: &Period, val: u64, filed_in: Option<&Period>| {
        let by = filed_in.unwrap_or(per);
        let mut v = json!({
            "start": ymd(per.start), "end": ymd(per.end), "val": val, "accn": by.accn, "fy": by.fy,
            "fp": by.fp, "form": by.form, "filed": ymd(by.filed),
        });
        if filed_in.is_none() {
            v["frame"] = json!(frame(Some(per.start), per.end, per.fp == "FY"));
        }
        v
    };
    let mut revenue = Vec::new();
    let mut income = Vec::new();
    let annuals: Vec<&Period> = ps.iter().filter(|x| x.fp == "FY").collect();
    for per in &ps {
        let rev = revenue_of(per);
        revenue.push(fact(per, rev, None));
        income.push(fact(per, rev / 100 * 3, None));
        if per.fp == "FY"
            && let Some(next) = annuals.iter().find(|a| a.fy == per.fy + 1)
        {
            revenue.push(fact(per, rev, Some(next)));
        }
    }
    let instants: Vec<Value> = ps
        .iter()
        .map(|per| json!({"end": ymd(per.end), "val": (p.revenue_usd as f64 * 0.6) as u64, "accn": per.accn, "fy": per.fy, "fp": per.fp, "form": per.form, "filed": ymd(per.filed), "frame": frame(None, per.end, false)}))
        .collect();
    let shares: Vec<Value> = ps
        .iter()
        .map(|per| json!({"end": ymd(per.filed - Duration::days(10)), "val": l.shares, "accn": per.accn, "fy": per.fy, "fp": per.fp, "form": per.form, "filed": ymd(per.filed)}))
        .collect();
    let revenue_name = match l.revenue_concept {
        RevenueConcept::Revenues => "Revenues",
        RevenueConcept::RevenueFromContract => {
            "RevenueFromContractWithCustomerExcludingAssessedTax"
        }
    };
    let concept = |label: &str, unit: &str, values: Vec<Value>| json!({"label": label, "description": format!("{label} (mock XBRL fact)."), "units": {unit: values}});
    let mut gaap = serde_json::Map::new();
    gaap.insert(revenue_name.to_owned(), concept("Revenues", "USD", revenue));
    gaap.insert(
        "NetIncomeLoss".to_owned(),
        concept("Net Income (Loss) Attributable to Parent", "USD", income),
    );
    gaap.insert("Assets".to_owned(), concept("Assets", "USD", instants));
    json!({
        "cik": cik,
        "entityName": l.sec_name,
        "facts": {
            "dei": {"EntityCommonStockSharesOutstanding": concept("Entity Common Stock, Shares Outstanding", "shares", shares)},
            "us-gaap": gaap,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_ends_roll_over() {
        assert_eq!(month_end(2023, 14).map(ymd).as_deref(), Some("2024-02-29"));
        assert_eq!(month_end(2024, 8).map(ymd).as_deref(), Some("2024-08-31"));
        assert_eq!(month_end(2024, 0).map(ymd).as_deref(), Some("2023-12-31"));
    }

    #[test]
    fn frames() {
        let d = |y, m, day| {
            Date::from_calendar_date(y, Month::try_from(m).expect("month"), day).expect("date")
        };
        assert_eq!(frame(Some(d(2023, 9, 1)), d(2024, 8, 31), true), "CY2024");
        assert_eq!(
            frame(Some(d(2024, 1, 1)), d(2024, 3, 31), false),
            "CY2024Q1"
        );
        assert_eq!(frame(None, d(2024, 12, 31), false), "CY2024Q4I");
    }
}
