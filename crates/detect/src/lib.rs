//! PartnerForge technology detection: which site search, e-commerce platform, CMS, tag manager,
//! analytics, CDN, A/B testing and JS framework a fetched page shows, each with its evidence and
//! a confidence.
//!
//! What belongs here: the pure matching of fingerprint rules against a page the caller already
//! fetched ([`Page`]), the rule file format and the built-in rule file
//! (`rules/fingerprints.toml`), and the helpers that say which scripts a page loads and which of
//! them may be fetched. What does not: any I/O (fetching, redirects, timeouts, size limits of
//! the transfer, decoding bytes to text — the `website` source in `pf-engine` does that and hands
//! over lossy UTF-8), storage, and deciding what a detection means for an account.
//!
//! Rules are data. A user file can add or override rules:
//!
//! ```
//! use pf_detect::{Page, Ruleset};
//! use url::Url;
//!
//! let rules = Ruleset::builtin()
//!     .extend_toml(r#"
//!         [[rule]]
//!         name = "Acme Search"
//!         category = "site_search"
//!         website = "https://acme.example"
//!         matchers = [ { script_src = 'cdn\.acmesearch\.example/', weight = 0.9 } ]
//!     "#)
//!     .expect("valid rules");
//! let url = Url::parse("https://shop.example/").expect("url");
//! let page = Page::from_html(url, r#"<script src="https://cdn.acmesearch.example/v2.js"></script>"#);
//! let found = rules.detect(&page);
//! let provider = pf_detect::search_provider(&found).expect("a search provider");
//! assert_eq!(provider.technology, "Acme Search");
//! ```
//!
//! Work per page is bounded by [`Limits`] and linear in the capped input; nothing panics on any
//! input.
#![forbid(unsafe_code)]

mod detect;
pub mod error;
pub mod model;
mod ruleset;
mod scan;
mod urls;

pub use detect::COMMENT_FACTOR;
pub use error::DetectError;
pub use model::{
    Category, Detection, Evidence, EvidenceKind, SEARCH_PROVIDER_MIN_CONFIDENCE, search_provider,
};
pub use ruleset::{BUILTIN_RULES, Ruleset, Technology};
pub use urls::{fetchable_scripts, script_urls};

use url::Url;

/// The longest `matched` text of a piece of [`Evidence`], in bytes.
pub const MAX_SNIPPET: usize = 160;

/// A fetched page: what the `website` source got for the homepage, and the scripts it fetched.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The URL asked for.
    pub url: Url,
    /// The URL after redirects; relative script URLs resolve against it.
    pub final_url: Url,
    /// Informational: an error page is scanned like any other (it often still shows the platform).
    pub status: u16,
    /// Response headers as received (names in any case; repeated headers repeated).
    pub headers: Vec<(String, String)>,
    /// The body as (lossy) UTF-8.
    pub html: String,
    /// Scripts fetched for the page (see [`fetchable_scripts`]).
    pub scripts: Vec<Resource>,
}

impl Page {
    /// A page with only HTML: status 200, no headers, no fetched scripts.
    pub fn from_html(url: Url, html: impl Into<String>) -> Page {
        Page {
            final_url: url.clone(),
            url,
            status: 200,
            headers: Vec::new(),
            html: html.into(),
            scripts: Vec::new(),
        }
    }
}

/// A fetched script.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub url: Url,
    /// The body as (lossy) UTF-8.
    pub body: String,
}

/// Bounds on the work done for one page; text past a cap is not looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of HTML scanned (default 2 MiB).
    pub max_html_bytes: usize,
    /// Bytes of each fetched script scanned (default 512 KiB).
    pub max_script_bytes: usize,
    /// Fetched scripts scanned (default 16); also a sensible bound for fetching.
    pub max_scripts: usize,
    /// Script URLs considered (default 512).
    pub max_script_urls: usize,
    /// Response headers looked at (default 256).
    pub max_headers: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_html_bytes: 2 * 1024 * 1024,
            max_script_bytes: 512 * 1024,
            max_scripts: 16,
            max_script_urls: 512,
            max_headers: 256,
        }
    }
}
