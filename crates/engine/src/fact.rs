//! Facts: what a source says about a domain, one field at a time, each with its citation.

use pf_core::SourceRef;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A normalised field name shared by every source that can answer it, e.g.
/// `tech.technologies`, `search.provider`, `traffic.monthly_visits`, `profile.name`,
/// `financials.revenue_usd`, `hiring.jobs`, `family.related_domains`. See [`FieldName`] consts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FieldName(pub String);

impl FieldName {
    pub fn new(name: &str) -> Self {
        Self(name.to_owned())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FieldName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The field names the built-in sources produce and the modules read.
pub mod fields {
    /// Company name (string).
    pub const PROFILE_NAME: &str = "profile.name";
    /// Industry / sector (string).
    pub const PROFILE_INDUSTRY: &str = "profile.industry";
    /// Headquarters country (string).
    pub const PROFILE_COUNTRY: &str = "profile.country";
    /// Employee count (integer).
    pub const PROFILE_EMPLOYEES: &str = "profile.employees";
    /// Stock ticker (string).
    pub const PROFILE_TICKER: &str = "profile.ticker";
    /// SEC CIK (integer).
    pub const PROFILE_CIK: &str = "profile.cik";
    /// Business description (string).
    pub const PROFILE_DESCRIPTION: &str = "profile.description";
    /// The company's own website (string).
    pub const PROFILE_WEBSITE: &str = "profile.website";
    /// Former company names with dates: array of {name, from, to}.
    pub const PROFILE_FORMER_NAMES: &str = "profile.former_names";
    /// Detected technologies: array of {name, category, first_seen?, last_seen?, evidence?, confidence}.
    pub const TECH_TECHNOLOGIES: &str = "tech.technologies";
    /// The site-search vendor in use: a name (string), or null for none; BuiltWith gives
    /// `{name, first_seen, last_seen}`, compared by `name` when sources disagree.
    pub const SEARCH_PROVIDER: &str = "search.provider";
    /// Monthly visits, latest month (number).
    pub const TRAFFIC_MONTHLY_VISITS: &str = "traffic.monthly_visits";
    /// Visits per month: array of {month: "YYYY-MM", visits}.
    pub const TRAFFIC_HISTORY: &str = "traffic.history";
    /// Similar sites: array of {domain, score}.
    pub const TRAFFIC_SIMILAR_SITES: &str = "traffic.similar_sites";
    /// Open jobs: array of {title, department?, location?, url?, posted_at?, search_related: bool}.
    pub const HIRING_JOBS: &str = "hiring.jobs";
    /// Related domains: array of {domain, relation: subsidiary|regional|brand|redirect|shared_id, evidence}.
    pub const FAMILY_RELATED: &str = "family.related_domains";
    /// Redirects observed fetching the homepage: array of URLs.
    pub const FAMILY_REDIRECTS: &str = "family.redirects";
    /// Annual revenue in USD (integer).
    pub const FIN_REVENUE_USD: &str = "financials.revenue_usd";
    /// Revenue growth year over year (fraction).
    pub const FIN_REVENUE_GROWTH: &str = "financials.revenue_growth";
    /// Market capitalisation in USD (integer).
    pub const FIN_MARKET_CAP_USD: &str = "financials.market_cap_usd";
    /// The fiscal period the revenue covers: {concept, end, fiscal_year, form, filed, accession}.
    pub const FIN_REVENUE_PERIOD: &str = "financials.revenue_period";
    /// Recent 10-K/10-Q/8-K filings: array of {form, filed, report_date, accession, items, url}.
    pub const FILINGS_RECENT: &str = "filings.recent";
    /// Number of open jobs on the boards (integer).
    pub const HIRING_OPEN_JOBS_COUNT: &str = "hiring.open_jobs_count";
    /// Other financial figures: object of name -> number.
    pub const FIN_FIGURES: &str = "financials.figures";
    /// Executives: array of {name, title, age?, pay?}. Personal data.
    pub const EXECUTIVES: &str = "executives.officers";
    /// Strategic initiatives and quotes: array of {text, kind: initiative|quote|news, url?, date?}.
    pub const INITIATIVES: &str = "initiatives.items";
}

/// One field's value from one source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    pub field: FieldName,
    pub value: serde_json::Value,
    pub source: SourceRef,
}

impl Fact {
    pub fn new(field: &str, value: serde_json::Value, source: SourceRef) -> Self {
        Self {
            field: FieldName::new(field),
            value,
            source,
        }
    }
}
