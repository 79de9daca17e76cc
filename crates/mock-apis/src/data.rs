//! The mock's knowledge of the world: one [`Profile`] per domain, either hand-written
//! ([`fixtures`]) or derived from a stable hash of the domain ([`generate`]), so the same domain
//! always gives the same technologies, traffic, listing, jobs and relationships.
//!
//! The hash is FNV-1a (stable across Rust versions and machines, unlike `DefaultHasher`), fed into
//! a small splitmix64 generator.

pub mod fixtures;
pub mod generate;
pub mod samples;
pub mod universe;

use time::{Date, Duration, OffsetDateTime, format_description::well_known::Rfc3339};

pub use samples::sample_domains;

/// A stable 64-bit hash of `text` salted with `salt` (FNV-1a, then a splitmix finaliser).
pub fn stable_hash(text: &str, salt: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in salt.bytes().chain([0xff]).chain(text.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    mix(h)
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A deterministic pseudo-random sequence (splitmix64) seeded from a domain and a purpose.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(key: &str, salt: &str) -> Self {
        Self(stable_hash(key, salt))
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }
    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }
    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }
    /// A float in `0..1`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = self.below(items.len() as u64) as usize;
        &items[i.min(items.len().saturating_sub(1))]
    }
}

/// Site-search vendors the homepages and BuiltWith can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SearchVendor {
    Algolia,
    Elasticsearch,
    Swiftype,
    Coveo,
    Constructor,
    Bloomreach,
    Lucidworks,
    Searchspring,
    Klevu,
    Yext,
    Doofinder,
    Typesense,
    Meilisearch,
}

impl SearchVendor {
    pub const ALL: [SearchVendor; 13] = [
        Self::Algolia,
        Self::Elasticsearch,
        Self::Swiftype,
        Self::Coveo,
        Self::Constructor,
        Self::Bloomreach,
        Self::Lucidworks,
        Self::Searchspring,
        Self::Klevu,
        Self::Yext,
        Self::Doofinder,
        Self::Typesense,
        Self::Meilisearch,
    ];
    /// The vendor's name as the tech catalogs (and DESIGN.md) spell it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Algolia => "Algolia",
            Self::Elasticsearch => "Elasticsearch",
            Self::Swiftype => "Swiftype",
            Self::Coveo => "Coveo",
            Self::Constructor => "Constructor",
            Self::Bloomreach => "Bloomreach",
            Self::Lucidworks => "Lucidworks",
            Self::Searchspring => "Searchspring",
            Self::Klevu => "Klevu",
            Self::Yext => "Yext",
            Self::Doofinder => "Doofinder",
            Self::Typesense => "Typesense",
            Self::Meilisearch => "Meilisearch",
        }
    }
}

/// E-commerce platforms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Shopify,
    Magento,
    SalesforceCommerceCloud,
    BigCommerce,
    WooCommerce,
}

impl Platform {
    pub fn name(self) -> &'static str {
        match self {
            Self::Shopify => "Shopify",
            Self::Magento => "Magento",
            Self::SalesforceCommerceCloud => "Salesforce Commerce Cloud",
            Self::BigCommerce => "BigCommerce",
            Self::WooCommerce => "WooCommerce",
        }
    }
}

/// Content management systems (shown by meta generator tags and asset paths).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cms {
    WordPress,
    Drupal,
    AdobeExperienceManager,
}

/// Tag managers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagManager {
    GoogleTagManager,
    AdobeLaunch,
    Tealium,
}

/// Analytics products.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Analytics {
    GoogleAnalytics4,
    AdobeAnalytics,
    Hotjar,
}

/// The CDN / edge in front of the site (shown by headers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cdn {
    Cloudflare,
    Akamai,
    Fastly,
    Nginx,
}

/// A search vendor BuiltWith saw in the past, `first`/`last` in days before the data date.
#[derive(Debug, Clone, PartialEq)]
pub struct PastTech {
    pub vendor: SearchVendor,
    pub first_days_ago: i64,
    pub last_days_ago: i64,
}

/// How a related domain relates to the profile's domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Regional,
    Subsidiary,
    Brand,
    /// A former domain that now redirects here (rename, merger).
    FormerDomain,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    pub domain: String,
    pub relation: Relation,
}

/// Where the homepage sends a visitor.
#[derive(Debug, Clone, PartialEq)]
pub enum Redirect {
    /// `domain/` -> `www.domain/` (301).
    Www,
    /// `domain/` -> another host and path (301), e.g. a regional storefront or a new brand.
    To { host: String, path: String },
}

/// A former company name as the SEC lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct FormerName {
    pub name: String,
    pub from: String,
    pub to: String,
}

/// Which us-gaap concept carries revenue in the company facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevenueConcept {
    Revenues,
    RevenueFromContract,
}

/// A listed company.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    pub ticker: String,
    /// Yahoo exchange code (`NMS`, `NYQ`, `STO`) and display name.
    pub exchange: &'static str,
    pub exchange_name: &'static str,
    pub currency: &'static str,
    pub price: f64,
    pub shares: u64,
    /// `None` for companies that do not file with the SEC.
    pub cik: Option<u64>,
    pub sec_name: String,
    pub sic: &'static str,
    pub sic_description: &'static str,
    pub fiscal_year_end: &'static str,
    pub state_of_incorporation: &'static str,
    pub former_names: Vec<FormerName>,
    pub revenue_concept: RevenueConcept,
    /// The `website` field of the SEC submissions (often empty).
    pub sec_website: String,
}

/// An executive (invented names: the mock carries no real personal data).
#[derive(Debug, Clone, PartialEq)]
pub struct Officer {
    pub name: String,
    pub title: String,
    pub age: u32,
    pub total_pay: u64,
}

/// Which public job board a company uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardKind {
    Greenhouse,
    Lever,
}

/// Everything the mock says about one domain.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub domain: String,
    pub company: String,
    pub industry: &'static str,
    pub sector: &'static str,
    /// BuiltWith's `Vertical`.
    pub vertical: &'static str,
    pub city: &'static str,
    pub state: &'static str,
    pub postcode: &'static str,
    pub country: &'static str,
    pub employees: u64,
    pub revenue_usd: u64,
    pub revenue_growth: f64,
    pub search: Option<SearchVendor>,
    /// Search vendors BuiltWith saw before (removed, or still reported: a conflict).
    pub search_history: Vec<PastTech>,
    pub platform: Option<Platform>,
    pub cms: Option<Cms>,
    pub tag_manager: Option<TagManager>,
    pub analytics: Vec<Analytics>,
    pub cdn: Cdn,
    pub monthly_visits: f64,
    /// The latest month jumps by about 40%.
    pub traffic_jump: bool,
    pub similar: Vec<String>,
    pub listing: Option<Listing>,
    pub related: Vec<Related>,
    pub redirect: Option<Redirect>,
    pub officers: Vec<Officer>,
    /// `nodata-` domains: providers know nothing.
    pub no_data: bool,
}

impl Profile {
    /// The job-board token: the domain's first label (`costco.com` -> `costco`).
    pub fn board_token(&self) -> &str {
        first_label(&self.domain)
    }
}

/// The first DNS label of a domain.
pub fn first_label(domain: &str) -> &str {
    domain.split('.').next().unwrap_or(domain)
}

/// The profile of `domain` (lower-cased, a leading `www.` ignored): a fixture, else generated.
pub fn profile(domain: &str) -> Profile {
    let d = normalise(domain);
    fixtures::get(&d).unwrap_or_else(|| generate::profile(&d))
}

/// Lower-cases and drops a leading `www.`.
pub fn normalise(domain: &str) -> String {
    let d = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    d.strip_prefix("www.").map(str::to_owned).unwrap_or(d)
}

/// Whether `domain` looks like a registrable host name (labels of `[a-z0-9-]`, a dot, no IP).
pub fn is_valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    domain.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.bytes().any(|b| b.is_ascii_alphabetic()))
}

/// Epoch milliseconds of the day `days` before `as_of` (midnight UTC).
pub fn days_ago_ms(as_of: Date, days: i64) -> i64 {
    let d = as_of - Duration::days(days);
    d.midnight().assume_utc().unix_timestamp() * 1000
}

/// `YYYY-MM-DD` of the day `days` before `as_of`.
pub fn days_ago_date(as_of: Date, days: i64) -> Date {
    as_of - Duration::days(days)
}

/// `YYYY-MM-DD`.
pub fn ymd(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// RFC 3339 of a date at `secs` seconds after midnight UTC.
pub fn rfc3339(d: Date, secs: i64) -> String {
    let t: OffsetDateTime = d.midnight().assume_utc() + Duration::seconds(secs);
    t.format(&Rfc3339).unwrap_or_else(|_| ymd(d))
}

/// Today's date in UTC (the default data date).
pub fn today() -> Date {
    OffsetDateTime::now_utc().date()
}
