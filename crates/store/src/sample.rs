//! The embedded default: a handful of well-known retailers so a first launch has something to
//! show. Written by hand from public facts (names, web domains, headquarters country); no third-
//! party list is shipped in the app.

use pf_core::{Domain, NewAccount};

use crate::{Store, StoreError};

/// (domain, name, region, country, segment, industry, tags)
const SAMPLES: &[(&str, &str, &str, &str, &str, &str, &str)] = &[
    (
        "costco.com",
        "Costco Wholesale",
        "NA",
        "US",
        "Enterprise",
        "General Merchandisers",
        "retail,warehouse",
    ),
    (
        "target.com",
        "Target",
        "NA",
        "US",
        "Enterprise",
        "General Merchandisers",
        "retail",
    ),
    (
        "bestbuy.com",
        "Best Buy",
        "NA",
        "US",
        "Enterprise",
        "Specialty Retailers",
        "retail,electronics",
    ),
    (
        "homedepot.com",
        "The Home Depot",
        "NA",
        "US",
        "Enterprise",
        "Specialty Retailers",
        "retail,home",
    ),
    (
        "wayfair.com",
        "Wayfair",
        "NA",
        "US",
        "Enterprise",
        "Internet Services and Retailing",
        "ecommerce,home",
    ),
    (
        "chewy.com",
        "Chewy",
        "NA",
        "US",
        "Mid-Market",
        "Internet Services and Retailing",
        "ecommerce,pets",
    ),
    (
        "ikea.com",
        "IKEA",
        "EMEA",
        "SE",
        "Enterprise",
        "Home Furnishings",
        "retail,home",
    ),
    (
        "zalando.de",
        "Zalando",
        "EMEA",
        "DE",
        "Enterprise",
        "Internet Services and Retailing",
        "ecommerce,fashion",
    ),
    (
        "asos.com",
        "ASOS",
        "EMEA",
        "GB",
        "Enterprise",
        "Internet Services and Retailing",
        "ecommerce,fashion",
    ),
    (
        "decathlon.fr",
        "Decathlon",
        "EMEA",
        "FR",
        "Enterprise",
        "Sporting Goods",
        "retail,sports",
    ),
    (
        "rakuten.co.jp",
        "Rakuten",
        "APAC",
        "JP",
        "Enterprise",
        "Internet Services and Retailing",
        "marketplace",
    ),
    (
        "jbhifi.com.au",
        "JB Hi-Fi",
        "APAC",
        "AU",
        "Mid-Market",
        "Specialty Retailers",
        "retail,electronics",
    ),
];

impl Store {
    /// Inserts the sample accounts when the store has no accounts at all; returns how many were
    /// added (0 when the store already had accounts).
    pub fn seed_sample_accounts(&self) -> Result<usize, StoreError> {
        if self.count_accounts()? > 0 {
            return Ok(0);
        }
        self.batch(|store| {
            for (domain, name, region, country, segment, industry, tags) in SAMPLES {
                let domain =
                    Domain::parse(domain).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                store.upsert_account(&NewAccount {
                    domain: Some(domain),
                    name: Some((*name).to_owned()),
                    region: Some((*region).to_owned()),
                    country: Some((*country).to_owned()),
                    segment: Some((*segment).to_owned()),
                    industry: Some((*industry).to_owned()),
                    tags: vec![(*tags).to_owned()],
                    ..NewAccount::default()
                })?;
            }
            Ok(SAMPLES.len())
        })
    }
}
