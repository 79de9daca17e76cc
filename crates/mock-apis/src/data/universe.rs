//! The listed companies the mock knows: the fixtures plus about a fifth of the first
//! [`UNIVERSE_SAMPLES`] sample domains. This is what `company_tickers.json` lists, what Yahoo
//! answers for and what the SEC has filings for.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::samples::{self, Sample};
use super::{Listing, RevenueConcept, Rng, fixtures, stable_hash};

/// How many sample domains are considered for listing.
pub const UNIVERSE_SAMPLES: usize = 4000;

/// One listed company.
#[derive(Debug, Clone)]
pub struct Company {
    pub domain: String,
    pub name: String,
    pub listing: Listing,
}

/// The listed companies with lookups by domain, ticker and CIK.
#[derive(Debug, Default)]
pub struct Universe {
    companies: Vec<Company>,
    by_domain: HashMap<String, usize>,
    by_ticker: HashMap<String, usize>,
    by_cik: HashMap<u64, usize>,
}

impl Universe {
    pub fn companies(&self) -> &[Company] {
        &self.companies
    }
    pub fn by_domain(&self, domain: &str) -> Option<&Company> {
        self.by_domain.get(domain).map(|&i| &self.companies[i])
    }
    /// Case-insensitive ticker lookup.
    pub fn by_ticker(&self, ticker: &str) -> Option<&Company> {
        self.by_ticker
            .get(&ticker.to_ascii_uppercase())
            .map(|&i| &self.companies[i])
    }
    pub fn by_cik(&self, cik: u64) -> Option<&Company> {
        self.by_cik.get(&cik).map(|&i| &self.companies[i])
    }

    fn push(&mut self, c: Company) {
        let i = self.companies.len();
        self.by_domain.insert(c.domain.clone(), i);
        self.by_ticker
            .insert(c.listing.ticker.to_ascii_uppercase(), i);
        if let Some(cik) = c.listing.cik {
            self.by_cik.insert(cik, i);
        }
        self.companies.push(c);
    }
}

/// The universe, built once.
pub fn get() -> &'static Universe {
    static U: OnceLock<Universe> = OnceLock::new();
    U.get_or_init(build)
}

fn build() -> Universe {
    let mut u = Universe::default();
    let mut tickers: HashSet<String> = HashSet::new();
    let mut ciks: HashSet<u64> = HashSet::new();
    for p in fixtures::all() {
        if let Some(l) = p.listing {
            tickers.insert(l.ticker.clone());
            ciks.extend(l.cik);
            u.push(Company {
                domain: p.domain,
                name: p.company,
                listing: l,
            });
        }
    }
    for s in samples::samples(UNIVERSE_SAMPLES) {
        if !stable_hash(&s.domain, "listed").is_multiple_of(5) {
            continue;
        }
        let ticker = ticker_for(&s, &mut tickers);
        let mut cik = 1_700_000 + stable_hash(&s.domain, "cik") % 400_000;
        while !ciks.insert(cik) {
            cik += 1;
        }
        let listing = listing(&s, ticker, cik);
        u.push(Company {
            domain: s.domain,
            name: s.name,
            listing,
        });
    }
    u
}

fn ticker_for(s: &Sample, taken: &mut HashSet<String>) -> String {
    let p: Vec<char> = s.prefix.to_ascii_uppercase().chars().collect();
    let n: Vec<char> = s.noun.to_ascii_uppercase().chars().collect();
    let take = |v: &[char], k: usize| v.iter().take(k).collect::<String>();
    let mut candidates = vec![
        format!("{}{}", take(&p, 1), take(&n, 3)),
        format!("{}{}", take(&p, 2), take(&n, 2)),
        format!("{}{}", take(&p, 3), take(&n, 1)),
        format!("{}{}", take(&p, 2), take(&n, 1)),
        format!("{}{}", take(&p, 1), take(&n, 2)),
    ];
    let mut r = Rng::new(&s.domain, "ticker");
    for _ in 0..64 {
        let extra: String = (0..2)
            .map(|_| char::from(b'A' + r.below(26) as u8))
            .collect();
        candidates.push(format!("{}{}{}", take(&p, 1), take(&n, 1), extra));
    }
    for c in candidates {
        if taken.insert(c.clone()) {
            return c;
        }
    }
    // 64 random two-letter suffixes all taken is practically impossible; fall back to a long one.
    let t = format!("{}{}{}", take(&p, 2), take(&n, 2), r.below(26 * 26));
    taken.insert(t.clone());
    t
}

fn listing(s: &Sample, ticker: String, cik: u64) -> Listing {
    let mut r = Rng::new(&s.domain, "listing");
    let nasdaq = r.chance(0.5);
    Listing {
        ticker,
        exchange: if nasdaq { "NMS" } else { "NYQ" },
        exchange_name: if nasdaq { "NasdaqGS" } else { "NYSE" },
        currency: "USD",
        price: (r.range(500, 40_000) as f64) / 100.0,
        shares: r.range(5, 900) * 1_000_000,
        cik: Some(cik),
        sec_name: format!("{} INC", s.name.trim_end_matches('.').to_ascii_uppercase()),
        sic: "5990",
        sic_description: "Retail-Retail Stores, NEC",
        fiscal_year_end: ["1231", "0131", "0630", "0930"][r.below(4) as usize],
        state_of_incorporation: ["DE", "DE", "NV", "WA", "MN"][r.below(5) as usize],
        former_names: vec![],
        revenue_concept: if r.chance(0.5) {
            RevenueConcept::Revenues
        } else {
            RevenueConcept::RevenueFromContract
        },
        sec_website: if r.chance(0.3) {
            format!("https://www.{}", s.domain)
        } else {
            String::new()
        },
    }
}
