//! Hand-written profiles for a few well-known domains. Company names, tickers, CIKs and former
//! names follow the public record; technologies, traffic, jobs and officers are demo data (the
//! officers are invented: the mock carries no real personal data).

mod listings;

use super::{
    Analytics, BoardKind, Cdn, Cms, PastTech, Platform, Profile, Redirect, Related, Relation,
    SearchVendor, TagManager, generate,
};

/// The fixture domains, in a stable order.
pub const DOMAINS: [&str; 7] = [
    "costco.com",
    "target.com",
    "bestbuy.com",
    "ulta.com",
    "ultasalon.com",
    "allbirds.com",
    "hm.com",
];

fn related(list: &[(&str, Relation)]) -> Vec<Related> {
    list.iter()
        .map(|(d, r)| Related {
            domain: (*d).to_owned(),
            relation: *r,
        })
        .collect()
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// The fixture profile of `domain` (already normalised), if there is one.
pub fn get(domain: &str) -> Option<Profile> {
    let base = generate::base(domain);
    let p = match domain {
        "costco.com" => Profile {
            company: "Costco Wholesale Corporation".into(),
            industry: "Discount Stores",
            sector: "Consumer Defensive",
            vertical: "Shopping",
            city: "Issaquah",
            state: "WA",
            postcode: "98027",
            employees: 333_000,
            revenue_usd: 254_453_000_000,
            revenue_growth: 0.05,
            search: Some(SearchVendor::Elasticsearch),
            search_history: vec![],
            platform: None,
            cms: None,
            tag_manager: Some(TagManager::GoogleTagManager),
            analytics: vec![Analytics::GoogleAnalytics4, Analytics::AdobeAnalytics],
            cdn: Cdn::Akamai,
            monthly_visits: 142_000_000.0,
            traffic_jump: false,
            similar: strings(&[
                "samsclub.com",
                "bjs.com",
                "walmart.com",
                "target.com",
                "amazon.com",
                "bestbuy.com",
            ]),
            listing: listings::get("costco.com"),
            related: related(&[
                ("costco.ca", Relation::Regional),
                ("costco.co.uk", Relation::Regional),
                ("costco.com.mx", Relation::Regional),
                ("costcobusinessdelivery.com", Relation::Brand),
                ("costcotravel.com", Relation::Subsidiary),
            ]),
            redirect: Some(Redirect::Www),
            ..base
        },
        "target.com" => Profile {
            company: "Target Corporation".into(),
            industry: "Discount Stores",
            sector: "Consumer Defensive",
            vertical: "Shopping",
            city: "Minneapolis",
            state: "MN",
            postcode: "55403",
            employees: 440_000,
            revenue_usd: 106_566_000_000,
            revenue_growth: -0.008,
            search: Some(SearchVendor::Coveo),
            search_history: vec![PastTech {
                vendor: SearchVendor::Elasticsearch,
                first_days_ago: 2900,
                last_days_ago: 410,
            }],
            platform: None,
            cms: Some(Cms::AdobeExperienceManager),
            tag_manager: Some(TagManager::AdobeLaunch),
            analytics: vec![Analytics::AdobeAnalytics],
            cdn: Cdn::Akamai,
            monthly_visits: 168_000_000.0,
            traffic_jump: false,
            similar: strings(&[
                "walmart.com",
                "amazon.com",
                "costco.com",
                "kohls.com",
                "macys.com",
                "bestbuy.com",
            ]),
            listing: listings::get("target.com"),
            related: related(&[
                ("shipt.com", Relation::Subsidiary),
                ("targetoptical.com", Relation::Brand),
            ]),
            redirect: Some(Redirect::Www),
            ..base
        },
        "bestbuy.com" => Profile {
            company: "Best Buy Co., Inc.".into(),
            industry: "Specialty Retail",
            sector: "Consumer Cyclical",
            vertical: "Technology And Computing",
            city: "Richfield",
            state: "MN",
            postcode: "55423",
            employees: 85_000,
            revenue_usd: 43_452_000_000,
            revenue_growth: -0.044,
            search: Some(SearchVendor::Algolia),
            search_history: vec![],
            platform: None,
            cms: None,
            tag_manager: Some(TagManager::Tealium),
            analytics: vec![Analytics::AdobeAnalytics, Analytics::GoogleAnalytics4],
            cdn: Cdn::Akamai,
            monthly_visits: 118_000_000.0,
            traffic_jump: true,
            similar: strings(&[
                "amazon.com",
                "walmart.com",
                "target.com",
                "newegg.com",
                "costco.com",
                "apple.com",
            ]),
            listing: listings::get("bestbuy.com"),
            related: related(&[
                ("bestbuy.ca", Relation::Regional),
                ("geeksquad.com", Relation::Brand),
                ("bestbuybusiness.com", Relation::Brand),
            ]),
            redirect: Some(Redirect::Www),
            ..base
        },
        "ulta.com" => Profile {
            company: "Ulta Beauty, Inc.".into(),
            industry: "Specialty Retail",
            sector: "Consumer Cyclical",
            vertical: "Style And Fashion",
            city: "Bolingbrook",
            state: "IL",
            postcode: "60440",
            employees: 56_000,
            revenue_usd: 11_207_000_000,
            revenue_growth: 0.098,
            search: Some(SearchVendor::Constructor),
            // BuiltWith still reports Bloomreach as live: a conflict with the website.
            search_history: vec![PastTech {
                vendor: SearchVendor::Bloomreach,
                first_days_ago: 1900,
                last_days_ago: 3,
            }],
            platform: Some(Platform::SalesforceCommerceCloud),
            cms: None,
            tag_manager: Some(TagManager::GoogleTagManager),
            analytics: vec![Analytics::GoogleAnalytics4, Analytics::Hotjar],
            cdn: Cdn::Cloudflare,
            monthly_visits: 36_500_000.0,
            traffic_jump: false,
            similar: strings(&[
                "sephora.com",
                "macys.com",
                "target.com",
                "nordstrom.com",
                "walgreens.com",
            ]),
            listing: listings::get("ulta.com"),
            related: related(&[("ultasalon.com", Relation::FormerDomain)]),
            redirect: None,
            ..base
        },
        // The former domain: its homepage redirects to the new one.
        "ultasalon.com" => Profile {
            company: "Ulta Beauty, Inc.".into(),
            redirect: Some(Redirect::To {
                host: "www.ulta.com".into(),
                path: "/".into(),
            }),
            related: vec![],
            listing: None,
            ..base
        },
        "allbirds.com" => Profile {
            company: "Allbirds, Inc.".into(),
            industry: "Footwear & Accessories",
            sector: "Consumer Cyclical",
            vertical: "Style And Fashion",
            city: "San Francisco",
            state: "CA",
            postcode: "94103",
            employees: 767,
            revenue_usd: 254_100_000,
            revenue_growth: -0.25,
            search: Some(SearchVendor::Searchspring),
            search_history: vec![PastTech {
                vendor: SearchVendor::Klevu,
                first_days_ago: 1500,
                last_days_ago: 640,
            }],
            platform: Some(Platform::Shopify),
            cms: None,
            tag_manager: Some(TagManager::GoogleTagManager),
            analytics: vec![Analytics::GoogleAnalytics4],
            cdn: Cdn::Cloudflare,
            monthly_visits: 2_400_000.0,
            traffic_jump: false,
            similar: strings(&[
                "rothys.com",
                "veja-store.com",
                "onrunning.com",
                "hoka.com",
                "bombas.com",
            ]),
            listing: listings::get("allbirds.com"),
            related: related(&[
                ("allbirds.co.uk", Relation::Regional),
                ("allbirds.ca", Relation::Regional),
            ]),
            redirect: Some(Redirect::Www),
            ..base
        },
        // Listed abroad: Yahoo knows it, the SEC does not. Redirects to a regional storefront.
        "hm.com" => Profile {
            company: "H & M Hennes & Mauritz AB".into(),
            industry: "Apparel Retail",
            sector: "Consumer Cyclical",
            vertical: "Style And Fashion",
            city: "Stockholm",
            state: "",
            postcode: "106 38",
            country: "SE",
            employees: 101_000,
            revenue_usd: 22_100_000_000,
            revenue_growth: 0.01,
            search: Some(SearchVendor::Bloomreach),
            search_history: vec![],
            platform: None,
            cms: Some(Cms::AdobeExperienceManager),
            tag_manager: Some(TagManager::GoogleTagManager),
            analytics: vec![Analytics::GoogleAnalytics4],
            cdn: Cdn::Akamai,
            monthly_visits: 97_000_000.0,
            traffic_jump: false,
            similar: strings(&["zara.com", "uniqlo.com", "shein.com", "gap.com", "asos.com"]),
            listing: listings::get("hm.com"),
            related: related(&[
                ("cosstores.com", Relation::Brand),
                ("arket.com", Relation::Brand),
                ("hmgroup.com", Relation::Subsidiary),
            ]),
            redirect: Some(Redirect::To {
                host: "www2.hm.com".into(),
                path: "/en_us/index.html".into(),
            }),
            ..base
        },
        _ => return None,
    };
    Some(p)
}

/// Every fixture profile.
pub fn all() -> Vec<Profile> {
    DOMAINS.iter().filter_map(|d| get(d)).collect()
}

/// The job board of a fixture company, by board token: (kind, hiring for search, job count).
pub fn board(token: &str) -> Option<Option<(BoardKind, bool, u32)>> {
    Some(match token {
        "costco" => Some((BoardKind::Greenhouse, true, 12)),
        "target" => Some((BoardKind::Lever, true, 18)),
        "ulta" => Some((BoardKind::Greenhouse, false, 8)),
        "allbirds" => Some((BoardKind::Lever, false, 5)),
        "bestbuy" | "hm" | "ultasalon" => None,
        _ => return None,
    })
}
