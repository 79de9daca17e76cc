//! Local HTTP servers that speak the real request, response and error formats of PartnerForge's
//! paid and free data providers, for tests, benchmarks and the `--demo` mode.
//!
//! One server on loopback serves every provider under its source id:
//!
//! | prefix | provider | endpoints |
//! |---|---|---|
//! | `/builtwith` | BuiltWith | `v22/api.json` (also v21, v20), `rv4/api.json` |
//! | `/similarweb` | SimilarWeb | `v1/website/{domain}/total-traffic-and-engagement/visits`, `.../similar-sites/similarsites` |
//! | `/yahoo_finance` | Yahoo Finance | `consent`, `v1/test/getcrumb`, `v10/finance/quoteSummary/{symbol}` |
//! | `/sec_edgar` | SEC EDGAR | `files/company_tickers.json`, `submissions/CIK##########.json`, `api/xbrl/companyfacts/CIK##########.json` |
//! | `/job_boards` | Greenhouse, Lever | `greenhouse/v1/boards/{token}/jobs`, `lever/v0/postings/{company}` |
//! | `/website` | the company sites | `{domain}/` and `{domain}/{path}` |
//!
//! Data is deterministic: hand-written fixtures for a few known domains (see [`data::fixtures`]),
//! and for any other domain values derived from a stable hash of it. Domains starting with
//! `nodata-` are unknown to every provider. Faults come on demand, by domain prefix or through
//! `POST /__faults` (see [`faults`]); `GET /__calls` counts the calls received.
//!
//! ```no_run
//! # async fn demo() -> Result<(), pf_mock_apis::MockError> {
//! let mock = pf_mock_apis::MockApis::start().await?;
//! let builtwith_base = mock.url_for("builtwith"); // http://127.0.0.1:PORT/builtwith
//! // ... point a source at it, run it ...
//! assert_eq!(mock.count("builtwith", "domain-api"), 0);
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]

pub mod builtwith;
pub mod calls;
pub mod data;
pub mod faults;
pub mod jobs;
mod respond;
pub mod sec;
mod server;
pub mod similarweb;
pub mod website;
pub mod yahoo;

pub use calls::CallCount;
pub use faults::{Fault, FaultKind};
pub use server::{Endpoints, MockApis, MockApisHandle, MockConfig};

/// A BuiltWith key the mock accepts (any GUID does).
pub const DEMO_BUILTWITH_KEY: &str = "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
/// A SimilarWeb key the mock accepts (any non-empty key but `invalid` does).
pub const DEMO_SIMILARWEB_KEY: &str = "d3m0d3m0d3m0d3m0d3m0d3m0d3m0d3m0";
/// A User-Agent the SEC mock accepts (it needs a contact e-mail address).
pub const DEMO_SEC_USER_AGENT: &str = "PartnerForge demo demo@partnerforge.example";

/// Why the mock could not start.
#[derive(Debug, thiserror::Error)]
pub enum MockError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot start the mock's runtime: {0}")]
    Runtime(std::io::Error),
    #[error("cannot start the mock's thread: {0}")]
    Thread(std::io::Error),
    #[error("the mock's server thread stopped before it was ready")]
    ThreadGone,
}

/// The providers the mock serves, by source id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    BuiltWith,
    SimilarWeb,
    Yahoo,
    Sec,
    Jobs,
    Website,
}

impl Provider {
    pub const ALL: [Provider; 6] = [
        Self::BuiltWith,
        Self::SimilarWeb,
        Self::Yahoo,
        Self::Sec,
        Self::Jobs,
        Self::Website,
    ];

    /// The source id, which is also the URL prefix.
    pub fn id(self) -> &'static str {
        match self {
            Self::BuiltWith => "builtwith",
            Self::SimilarWeb => "similarweb",
            Self::Yahoo => "yahoo_finance",
            Self::Sec => "sec_edgar",
            Self::Jobs => "job_boards",
            Self::Website => "website",
        }
    }
}
