//! The Relationships API (`rv4`): domains sharing identifiers (analytics ids, tag containers,
//! IP addresses) with the looked-up domain. Dates are ISO 8601 here, not epoch milliseconds.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::{check_key, lookups};
use crate::data::{self, Profile, Relation, Rng, days_ago_date, is_valid_domain, rfc3339};
use crate::respond;
use crate::server::Shared;
use crate::{MockConfig, Provider};

pub(super) async fn handler(
    State(s): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let domains = lookups(&q);
    let refs: Vec<&str> = domains.iter().map(String::as_str).collect();
    let config = s.config.clone();
    s.answer(
        Provider::BuiltWith,
        "relationships-api",
        &refs,
        true,
        || render(&config, &q, &domains),
    )
    .await
}

fn render(config: &MockConfig, q: &HashMap<String, String>, domains: &[String]) -> Response {
    if let Some(bad) = check_key(q) {
        return bad;
    }
    let mut errors = Vec::new();
    let mut rels = Vec::new();
    let mut total = 0;
    for d in domains {
        if !is_valid_domain(d) {
            errors.push(
                json!({"Lookup": d, "Code": -8, "Message": "Invalid or unsupported root domain."}),
            );
            continue;
        }
        let p = data::profile(d);
        let identifiers = identifiers(config, &p);
        total += identifiers
            .iter()
            .map(|i| i["Matches"].as_array().map_or(0, Vec::len))
            .sum::<usize>();
        if !identifiers.is_empty() {
            rels.push(json!({"Domain": d, "Identifiers": identifiers}));
        }
    }
    respond::json(
        StatusCode::OK,
        &json!({
            "Relationships": rels,
            "Errors": errors,
            "results": total,
            "max_per_page": 500,
            "more_results": false,
            "next_offset": null,
            "next_skip": null,
        }),
    )
}

fn date(config: &MockConfig, days: i64) -> String {
    rfc3339(days_ago_date(config.as_of, days), 13 * 3600)
}

fn digits(r: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + r.below(10) as u8))
        .collect()
}

fn hex(r: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b"0123456789ABCDEF"[r.below(16) as usize]))
        .collect()
}

/// The shared identifiers of a profile, each with the related domains that carry it.
fn identifiers(config: &MockConfig, p: &Profile) -> Vec<Value> {
    let mut r = Rng::new(&p.domain, "relationships");
    let of = |rel: &[Relation]| -> Vec<&str> {
        p.related
            .iter()
            .filter(|x| rel.contains(&x.relation))
            .map(|x| x.domain.as_str())
            .collect()
    };
    let mut out = Vec::new();
    let mut ident = |kind: &str,
                     value: String,
                     doms: Vec<&str>,
                     first: i64,
                     last: i64,
                     r: &mut Rng| {
        if doms.is_empty() {
            return;
        }
        let matches: Vec<Value> = doms
            .iter()
            .map(|d| {
                let f = first - r.range(0, 200) as i64;
                json!({"Domain": d, "First": date(config, f), "Last": date(config, last), "Overlap": true})
            })
            .collect();
        out.push(json!({
            "Type": kind, "Value": value,
            "First": date(config, first), "Last": date(config, last), "Matches": matches,
        }));
    };
    let gtm = format!("GTM-{}", hex(&mut r, 7));
    let ga4 = format!("G-{}", hex(&mut r, 10));
    let first = r.range(1500, 4000) as i64;
    ident(
        "google-tag-manager",
        gtm,
        of(&[Relation::Regional, Relation::Brand]),
        first,
        r.range(0, 7) as i64,
        &mut r,
    );
    ident(
        "google-analytics",
        ga4,
        of(&[Relation::Regional]),
        first - 300,
        r.range(0, 7) as i64,
        &mut r,
    );
    let ip = format!(
        "23.{}.{}.{}",
        r.range(32, 79),
        r.range(1, 254),
        r.range(1, 254)
    );
    ident(
        "ip",
        ip,
        of(&[Relation::Subsidiary]),
        r.range(900, 2500) as i64,
        r.range(0, 30) as i64,
        &mut r,
    );
    // A former domain shared the legacy analytics id until the rename.
    let ua = format!("UA-{}", digits(&mut r, 7));
    let former = of(&[Relation::FormerDomain]);
    let (f, l) = (r.range(3500, 5000) as i64, r.range(2600, 3200) as i64);
    ident("google-analytics", ua, former, f, l, &mut r);
    out
}
