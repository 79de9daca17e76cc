//! M11 ICP fit score: how well the account matches the ideal customer for site search — company
//! size (employees or revenue), an e-commerce platform, traffic, the search provider's status
//! (a competitor to displace, no vendor, or the home vendor to expand) and industry. Every point
//! is explained by the facts and weights behind it (see [`crate::score`]).

use pf_core::ModuleId;
use serde_json::Value;

use crate::brief::{Cited, compact, count, usd};
use crate::module::{Module, ModuleInput, ModuleOutput, ModuleSpec};
use crate::modules::{cited, derived};
use crate::score::{Score, Scorer, ScoringWeights};

const NEEDS: [ModuleId; 5] = [
    ModuleId::COMPANY_PROFILE,
    ModuleId::TECH_STACK,
    ModuleId::TRAFFIC,
    ModuleId::SEARCH_PROVIDER,
    ModuleId::FINANCIALS,
];

/// Employee bands: at least this many employees give this fraction of the size weight.
pub const EMPLOYEE_BANDS: [(f64, f64); 5] = [
    (10_000.0, 1.0),
    (2_000.0, 0.8),
    (500.0, 0.6),
    (100.0, 0.35),
    (1.0, 0.15),
];
/// Revenue bands (USD).
pub const REVENUE_BANDS: [(f64, f64); 5] = [
    (1e9, 1.0),
    (2.5e8, 0.8),
    (5e7, 0.6),
    (1e7, 0.35),
    (1.0, 0.15),
];
/// Monthly visit bands.
pub const TRAFFIC_BANDS: [(f64, f64); 6] = [
    (5e7, 1.0),
    (1e7, 0.85),
    (1e6, 0.65),
    (2.5e5, 0.4),
    (5e4, 0.2),
    (1.0, 0.1),
];
/// Industries by fit, matched as lower-case substrings of the industry text; anything else 0.3.
pub const INDUSTRIES: [(&[&str], f64); 3] = [
    (
        &[
            "retail",
            "e-commerce",
            "ecommerce",
            "marketplace",
            "apparel",
            "fashion",
            "footwear",
            "consumer goods",
            "consumer products",
            "grocery",
            "department store",
            "catalog",
            "mail-order",
            "home improvement",
        ],
        1.0,
    ),
    (
        &[
            "media",
            "publishing",
            "entertainment",
            "travel",
            "hospitality",
            "leisure",
            "furniture",
            "beauty",
            "sporting",
        ],
        0.8,
    ),
    (
        &[
            "software",
            "internet",
            "technology",
            "saas",
            "financial",
            "bank",
            "insurance",
            "education",
            "health",
            "manufactur",
            "wholesale",
            "distribution",
        ],
        0.5,
    ),
];

/// The fraction a value earns in descending bands.
pub fn band(value: f64, bands: &[(f64, f64)]) -> f64 {
    bands
        .iter()
        .find(|(at_least, _)| value >= *at_least)
        .map_or(0.0, |(_, f)| *f)
}

/// The fraction an industry earns.
pub fn industry_fit(industry: &str) -> f64 {
    let lower = industry.to_lowercase();
    INDUSTRIES
        .iter()
        .find(|(words, _)| words.iter().any(|w| lower.contains(w)))
        .map_or(0.3, |(_, f)| *f)
}

pub struct IcpFit {
    spec: ModuleSpec,
    weights: ScoringWeights,
}

impl IcpFit {
    pub fn new() -> Self {
        Self::with_weights(ScoringWeights::default())
    }

    pub fn with_weights(weights: ScoringWeights) -> Self {
        Self {
            spec: derived(ModuleId::ICP_FIT, &NEEDS, 1),
            weights,
        }
    }
}

impl Default for IcpFit {
    fn default() -> Self {
        Self::new()
    }
}

/// The ICP fit score from whatever of M01, M02, M03, M06 and M07 ran.
pub fn score(input: &ModuleInput<'_>, w: &ScoringWeights) -> Score {
    let dep = |m: ModuleId| input.deps.get(&m).map(Cited::new);
    let (profile, tech, traffic, search, fin) = (
        dep(ModuleId::COMPANY_PROFILE),
        dep(ModuleId::TECH_STACK),
        dep(ModuleId::TRAFFIC),
        dep(ModuleId::SEARCH_PROVIDER),
        dep(ModuleId::FINANCIALS),
    );
    let mut s = Scorer::new();

    // Size: the better of the employee and revenue bands.
    let employees = profile.and_then(|p| p.f64("profile_employees").map(|n| (p, n)));
    let revenue = fin.and_then(|f| f.f64("financials_revenue_usd").map(|n| (f, n)));
    let mut facts = Vec::new();
    let mut best = (0.0, "no employee count or revenue known".to_owned());
    if let Some((p, n)) = employees {
        facts.push(p.cite("profile_employees", &format!("employees {}", count(n))));
        best = (band(n, &EMPLOYEE_BANDS), format!("{} employees", count(n)));
    }
    if let Some((f, n)) = revenue {
        facts.push(f.cite("financials_revenue_usd", &format!("revenue {}", usd(n))));
        let fr = band(n, &REVENUE_BANDS);
        if fr > best.0 || employees.is_none() {
            best = (fr, format!("{} revenue", usd(n)));
        }
    }
    s.add(
        "size",
        w.size,
        best.0,
        facts,
        format!("company size: {}", best.1),
    );

    // E-commerce platform.
    let (frac, facts, reason) = match tech {
        None => (0.0, vec![], "technology stack not enriched".to_owned()),
        Some(t) => {
            let shops: Vec<&Value> = t
                .list("tech_technologies")
                .iter()
                .filter(|x| {
                    x.get("category")
                        .and_then(Value::as_str)
                        .is_some_and(|c| c.contains("commerce"))
                })
                .collect();
            let names: Vec<String> = shops
                .iter()
                .filter_map(|x| x.get("name").and_then(Value::as_str))
                .map(str::to_owned)
                .collect();
            let facts = shops.iter().map(|x| tech_fact(x, &t)).collect();
            match names.is_empty() {
                true => (0.0, facts, "no e-commerce platform detected".to_owned()),
                false => (1.0, facts, format!("sells online on {}", names.join(", "))),
            }
        }
    };
    s.add("e-commerce platform", w.ecommerce, frac, facts, reason);

    // Traffic.
    let (frac, facts, reason) =
        match traffic.and_then(|t| t.f64("traffic_monthly_visits").map(|v| (t, v))) {
            Some((t, v)) => (
                band(v, &TRAFFIC_BANDS),
                vec![t.cite(
                    "traffic_monthly_visits",
                    &format!("monthly visits {}", compact(v)),
                )],
                format!("{} visits a month", compact(v)),
            ),
            None => (0.0, vec![], "monthly visits not known".to_owned()),
        };
    s.add("traffic", w.traffic, frac, facts, reason);

    // Search provider status.
    let status = search
        .and_then(|x| {
            x.str("status")
                .map(|st| (x, st.to_owned(), x.str("search_provider")))
        })
        .or_else(|| {
            tech.map(|t| {
                let p = t.str("search_provider");
                (t, status_of(p, input).to_owned(), p)
            })
        });
    let (frac, facts, reason) = match status {
        Some((x, st, provider)) => {
            let p = provider.unwrap_or("none");
            let mut fact = x.cite("search_provider", &format!("search provider {p}"));
            let conflict = x
                .get("conflict")
                .and_then(crate::brief::conflict_text)
                .or_else(|| x.conflict("search_provider"));
            if let Some(c) = conflict {
                fact.push_str(&format!(" [conflict: {c}]"));
            }
            let home = &input.settings.home_vendor;
            let (f, why) = match st.as_str() {
                "competitor" => (
                    1.0,
                    format!("runs {p}, a competitor: displace it with {home}"),
                ),
                "none" => (0.8, "no site-search vendor: greenfield".to_owned()),
                "home_vendor" => (0.4, format!("already runs {home}: expansion")),
                _ => (0.6, format!("runs {p}: qualify it")),
            };
            (f, vec![fact], why)
        }
        None => (0.0, vec![], "search provider not known".to_owned()),
    };
    s.add("search provider", w.search, frac, facts, reason);

    // Industry.
    let (frac, facts, reason) =
        match profile.and_then(|p| p.str("profile_industry").map(|i| (p, i))) {
            Some((p, i)) => {
                let f = industry_fit(i);
                let fit = if f >= 1.0 {
                    "core"
                } else if f >= 0.8 {
                    "strong"
                } else if f >= 0.5 {
                    "some"
                } else {
                    "weak"
                };
                (
                    f,
                    vec![p.cite("profile_industry", &format!("industry {i}"))],
                    format!("{fit} industry fit: {i}"),
                )
            }
            None => (0.0, vec![], "industry not known".to_owned()),
        };
    s.add("industry", w.industry, frac, facts, reason);
    s.finish()
}

/// M06's status for a provider, when M06 did not run.
fn status_of(provider: Option<&str>, input: &ModuleInput<'_>) -> &'static str {
    match provider {
        None => "none",
        Some(p) if input.settings.is_home(p) => "home_vendor",
        Some(p) if input.settings.is_competitor(p) => "competitor",
        Some(_) => "other",
    }
}

fn tech_fact(item: &Value, t: &Cited<'_>) -> String {
    let name = item.get("name").and_then(Value::as_str).unwrap_or("?");
    let ids: Vec<&str> = item
        .get("sources")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if ids.is_empty() {
        t.cite("tech_technologies", name)
    } else {
        format!("{name} ({})", ids.join(", "))
    }
}

impl Module for IcpFit {
    fn spec(&self) -> &ModuleSpec {
        &self.spec
    }

    fn run(&self, input: &ModuleInput<'_>) -> ModuleOutput {
        if !NEEDS.iter().any(|m| input.deps.contains_key(m)) {
            return ModuleOutput::Skipped(
                "nothing to score from: M01, M02, M03, M06 and M07 have no result".into(),
            );
        }
        let score = score(input, &self.weights);
        let mut data = score.to_data();
        if let Value::Object(map) = &mut data {
            map.insert("reasons".into(), serde_json::json!(score.reasons(3)));
        }
        ModuleOutput::Done(cited(
            data,
            input.dep_sources(&NEEDS),
            input.derived_citation(&NEEDS),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_and_industries() {
        assert_eq!(band(316_000.0, &EMPLOYEE_BANDS), 1.0);
        assert_eq!(band(150.0, &EMPLOYEE_BANDS), 0.35);
        assert_eq!(band(0.0, &EMPLOYEE_BANDS), 0.0);
        assert_eq!(industry_fit("Internet Retail"), 1.0);
        assert_eq!(industry_fit("RETAIL-CATALOG & MAIL-ORDER HOUSES"), 1.0);
        assert_eq!(industry_fit("Travel Services"), 0.8);
        assert_eq!(industry_fit("Oil & Gas"), 0.3);
    }
}
