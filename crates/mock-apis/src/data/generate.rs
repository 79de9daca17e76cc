//! Profiles derived from a stable hash of the domain.

use super::samples::{all_samples, cap, sample};
use super::{
    Analytics, BoardKind, Cdn, Cms, Officer, PastTech, Platform, Profile, Redirect, Related,
    Relation, Rng, SearchVendor, TagManager, first_label, universe,
};

const INDUSTRIES: [(&str, &str, &str); 10] = [
    ("Apparel Retail", "Consumer Cyclical", "Shopping"),
    (
        "Home Improvement Retail",
        "Consumer Cyclical",
        "Home And Garden",
    ),
    ("Specialty Retail", "Consumer Cyclical", "Shopping"),
    ("Internet Retail", "Consumer Cyclical", "Shopping"),
    (
        "Consumer Electronics",
        "Technology",
        "Technology And Computing",
    ),
    ("Grocery Stores", "Consumer Defensive", "Food And Drink"),
    (
        "Household & Personal Products",
        "Consumer Defensive",
        "Style And Fashion",
    ),
    ("Leisure", "Consumer Cyclical", "Hobbies And Interests"),
    (
        "Software - Application",
        "Technology",
        "Technology And Computing",
    ),
    (
        "Furnishings, Fixtures & Appliances",
        "Consumer Cyclical",
        "Home And Garden",
    ),
];
const CITIES: [(&str, &str, &str); 10] = [
    ("Seattle", "WA", "98101"),
    ("Austin", "TX", "78701"),
    ("Denver", "CO", "80202"),
    ("Chicago", "IL", "60601"),
    ("Boston", "MA", "02110"),
    ("Atlanta", "GA", "30303"),
    ("Portland", "OR", "97204"),
    ("Minneapolis", "MN", "55402"),
    ("San Francisco", "CA", "94105"),
    ("New York", "NY", "10001"),
];
const FIRST: [&str; 16] = [
    "Avery", "Jordan", "Morgan", "Riley", "Casey", "Quinn", "Harper", "Rowan", "Dana", "Elliot",
    "Sasha", "Robin", "Jamie", "Taylor", "Emerson", "Parker",
];
const LAST: [&str; 16] = [
    "Lindqvist",
    "Okafor",
    "Marchetti",
    "Halvorsen",
    "Castellano",
    "Whitfield",
    "Nakamura",
    "Brennan",
    "Delacroix",
    "Ferreira",
    "Kowalski",
    "Ashworth",
    "Mbeki",
    "Sorensen",
    "Valdez",
    "Thornbury",
];
const TITLES: [&str; 6] = [
    "Chief Executive Officer & Director",
    "Executive VP & Chief Financial Officer",
    "Chief Digital Officer",
    "Senior VP of E-Commerce",
    "Chief Technology Officer",
    "Chief Marketing Officer",
];

/// Invented officers for a domain (no real personal data).
pub fn officers(domain: &str) -> Vec<Officer> {
    let mut r = Rng::new(domain, "officers");
    let n = r.range(3, 5) as usize;
    (0..n)
        .map(|i| Officer {
            name: format!("{} {}", r.pick(&FIRST), r.pick(&LAST)),
            title: TITLES[i % TITLES.len()].to_owned(),
            age: r.range(41, 66) as u32,
            total_pay: r.range(8, 120) * 100_000,
        })
        .collect()
}

fn vendor(r: &mut Rng) -> Option<SearchVendor> {
    use SearchVendor::*;
    let weighted: [(Option<SearchVendor>, u64); 14] = [
        (None, 28),
        (Some(Algolia), 12),
        (Some(Elasticsearch), 10),
        (Some(Coveo), 6),
        (Some(Constructor), 6),
        (Some(Bloomreach), 6),
        (Some(Lucidworks), 4),
        (Some(Searchspring), 6),
        (Some(Klevu), 5),
        (Some(Yext), 4),
        (Some(Doofinder), 4),
        (Some(Swiftype), 3),
        (Some(Typesense), 3),
        (Some(Meilisearch), 3),
    ];
    let total: u64 = weighted.iter().map(|(_, w)| w).sum();
    let mut x = r.below(total);
    for (v, w) in weighted {
        if x < w {
            return v;
        }
        x -= w;
    }
    None
}

fn company_name(domain: &str) -> String {
    if let Some(s) = sample(domain) {
        return s.name.clone();
    }
    let words: Vec<String> = first_label(domain)
        .split('-')
        .filter(|w| !w.is_empty())
        .map(cap)
        .collect();
    format!("{} Inc.", words.join(" "))
}

/// A generated profile that does not consult the listed-company universe (fixtures start here).
pub fn base(domain: &str) -> Profile {
    let mut r = Rng::new(domain, "profile");
    let (industry, sector, vertical) = *r.pick(&INDUSTRIES);
    let (city, state, postcode) = *r.pick(&CITIES);
    let employees = (50.0 * (4000f64).powf(r.unit())) as u64;
    let revenue_usd = employees * r.range(150, 420) * 1000;
    let search = vendor(&mut r);
    let mut search_history = Vec::new();
    if r.chance(0.25) {
        let old = *r.pick(&SearchVendor::ALL);
        if Some(old) != search {
            let last = r.range(90, 700) as i64;
            search_history.push(PastTech {
                vendor: old,
                first_days_ago: last + r.range(200, 2000) as i64,
                last_days_ago: last,
            });
        }
    } else if r.chance(0.08) {
        let stale = *r.pick(&SearchVendor::ALL);
        if Some(stale) != search {
            search_history.push(PastTech {
                vendor: stale,
                first_days_ago: r.range(400, 2500) as i64,
                last_days_ago: r.range(2, 10) as i64,
            });
        }
    }
    let platform = match r.below(20) {
        0..=3 => Some(Platform::Shopify),
        4..=6 => Some(Platform::Magento),
        7..=8 => Some(Platform::SalesforceCommerceCloud),
        9 => Some(Platform::BigCommerce),
        10..=11 => Some(Platform::WooCommerce),
        _ => None,
    };
    let cms = match (platform, r.below(10)) {
        (Some(Platform::WooCommerce), _) => Some(Cms::WordPress),
        (None, 0..=2) => Some(Cms::Drupal),
        (None, 3..=4) => Some(Cms::AdobeExperienceManager),
        (None, 5) => Some(Cms::WordPress),
        _ => None,
    };
    let tag_manager = match r.below(100) {
        0..=69 => Some(TagManager::GoogleTagManager),
        70..=79 => Some(TagManager::AdobeLaunch),
        80..=87 => Some(TagManager::Tealium),
        _ => None,
    };
    let mut analytics = Vec::new();
    if r.chance(0.75) {
        analytics.push(Analytics::GoogleAnalytics4);
    }
    if tag_manager == Some(TagManager::AdobeLaunch) || r.chance(0.15) {
        analytics.push(Analytics::AdobeAnalytics);
    }
    if r.chance(0.2) {
        analytics.push(Analytics::Hotjar);
    }
    let cdn = *r.pick(&[Cdn::Cloudflare, Cdn::Akamai, Cdn::Fastly, Cdn::Nginx]);
    let monthly_visits = (20_000.0 * (4000f64).powf(r.unit())).round();
    let traffic_jump = r.chance(0.12);
    let label = first_label(domain);
    let mut related = Vec::new();
    for tld in ["co.uk", "ca", "de", "com.au", "fr"] {
        if r.chance(0.18) {
            related.push(Related {
                domain: format!("{label}.{tld}"),
                relation: Relation::Regional,
            });
        }
    }
    if r.chance(0.1) {
        related.push(Related {
            domain: format!("{label}outlet.com"),
            relation: Relation::Brand,
        });
    }
    let redirect = match r.below(100) {
        0..=34 => Some(Redirect::Www),
        35..=39 => Some(Redirect::To {
            host: format!("us.{domain}"),
            path: "/en-us/".to_owned(),
        }),
        _ => None,
    };
    let similar = {
        let all = all_samples();
        let pool = &all[..all.len().min(400)];
        let n = r.range(5, 10) as usize;
        let mut out: Vec<String> = Vec::new();
        while out.len() < n {
            let d = r.pick(pool).domain.clone();
            if d != domain && !out.contains(&d) {
                out.push(d);
            }
        }
        out
    };
    let mut p = Profile {
        domain: domain.to_owned(),
        company: company_name(domain),
        industry,
        sector,
        vertical,
        city,
        state,
        postcode,
        country: "US",
        employees,
        revenue_usd,
        revenue_growth: ((r.unit() * 0.35 - 0.08) * 1000.0).round() / 1000.0,
        search,
        search_history,
        platform,
        cms,
        tag_manager,
        analytics,
        cdn,
        monthly_visits,
        traffic_jump,
        similar,
        listing: None,
        related,
        redirect,
        officers: officers(domain),
        no_data: false,
    };
    if domain.starts_with("nodata-") {
        p = Profile {
            search: None,
            search_history: vec![],
            similar: vec![],
            related: vec![],
            redirect: None,
            no_data: true,
            ..p
        };
    }
    p
}

/// The generated profile of a domain, with its listing when it is a listed sample company.
pub fn profile(domain: &str) -> Profile {
    let mut p = base(domain);
    if !p.no_data {
        p.listing = universe::get().by_domain(domain).map(|c| c.listing.clone());
    }
    p
}

/// Which job board a token uses, whether it is hiring for search, and how many jobs it has.
pub fn board(token: &str) -> Option<(BoardKind, bool, u32)> {
    if token.starts_with("nodata-") {
        return None;
    }
    let mut r = Rng::new(token, "board");
    let kind = match r.below(10) {
        0..=3 => BoardKind::Greenhouse,
        4..=6 => BoardKind::Lever,
        _ => return None,
    };
    Some((kind, r.chance(0.2), r.range(3, 25) as u32))
}
