//! What detection produces: [`Detection`]s with their [`Evidence`], and the closed set of
//! [`Category`] names a rule file may use.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What kind of technology a rule detects. Rule files name these in `snake_case`; an unknown name
/// is an error (`detect.rules.unknown_category`). The declaration order is the order in which
/// [`crate::Ruleset::detect`] sorts its answer, so site search comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    SiteSearch,
    EcommercePlatform,
    PlatformExtension,
    Cms,
    Personalisation,
    AbTesting,
    TagManager,
    Analytics,
    MarketingAutomation,
    CustomerDataPlatform,
    ConsentManagement,
    LiveChat,
    Reviews,
    Payments,
    JsFramework,
    JsLibrary,
    Cdn,
    Hosting,
    WebServer,
}

impl Category {
    /// Every category, in sort order.
    pub const ALL: [Category; 19] = [
        Category::SiteSearch,
        Category::EcommercePlatform,
        Category::PlatformExtension,
        Category::Cms,
        Category::Personalisation,
        Category::AbTesting,
        Category::TagManager,
        Category::Analytics,
        Category::MarketingAutomation,
        Category::CustomerDataPlatform,
        Category::ConsentManagement,
        Category::LiveChat,
        Category::Reviews,
        Category::Payments,
        Category::JsFramework,
        Category::JsLibrary,
        Category::Cdn,
        Category::Hosting,
        Category::WebServer,
    ];

    /// The name rule files use (`site_search`, `ecommerce_platform`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::SiteSearch => "site_search",
            Category::EcommercePlatform => "ecommerce_platform",
            Category::PlatformExtension => "platform_extension",
            Category::Cms => "cms",
            Category::Personalisation => "personalisation",
            Category::AbTesting => "ab_testing",
            Category::TagManager => "tag_manager",
            Category::Analytics => "analytics",
            Category::MarketingAutomation => "marketing_automation",
            Category::CustomerDataPlatform => "customer_data_platform",
            Category::ConsentManagement => "consent_management",
            Category::LiveChat => "live_chat",
            Category::Reviews => "reviews",
            Category::Payments => "payments",
            Category::JsFramework => "js_framework",
            Category::JsLibrary => "js_library",
            Category::Cdn => "cdn",
            Category::Hosting => "hosting",
            Category::WebServer => "web_server",
        }
    }

    /// The category a rule file names, if it is one of [`Category::ALL`].
    pub fn parse(name: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a piece of evidence was found: the matcher kinds of a rule file, plus `implied` for a
/// technology that another detected one implies (Shopify Plus implies Shopify).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    ScriptSrc,
    InlineScript,
    Html,
    Meta,
    Header,
    Cookie,
    Url,
    Dom,
    Implied,
}

impl EvidenceKind {
    /// The matcher key in rule files (`script_src`, `inline_script`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::ScriptSrc => "script_src",
            EvidenceKind::InlineScript => "inline_script",
            EvidenceKind::Html => "html",
            EvidenceKind::Meta => "meta",
            EvidenceKind::Header => "header",
            EvidenceKind::Cookie => "cookie",
            EvidenceKind::Url => "url",
            EvidenceKind::Dom => "dom",
            EvidenceKind::Implied => "implied",
        }
    }
}

impl fmt::Display for EvidenceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One matcher that fired: what it matched and where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub kind: EvidenceKind,
    /// The matched URL, or a snippet of at most [`crate::MAX_SNIPPET`] bytes around the match.
    pub matched: String,
    /// Which part of the page: `html`, `html comment`, `script src`, `inline script #2`,
    /// `script https://...`, `header server`, `meta generator`, `set-cookie`, `dom`, ...
    pub location: String,
    /// The weight this evidence contributed (the rule's weight, halved inside an HTML comment).
    pub weight: f64,
}

/// One technology found on a page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    pub technology: String,
    pub category: Category,
    pub vendor: String,
    pub vendor_url: String,
    /// `1 - prod(1 - w)` over the matched weights; an implied technology is at least as
    /// confident as the one implying it. Always within `0..=1`.
    pub confidence: f64,
    pub evidence: Vec<Evidence>,
}

/// The least confidence at which a site-search detection counts as the site's search provider.
pub const SEARCH_PROVIDER_MIN_CONFIDENCE: f64 = 0.5;

/// The most confident [`Category::SiteSearch`] detection whose confidence is at least
/// [`SEARCH_PROVIDER_MIN_CONFIDENCE`]; ties go to the first in `detections` (which
/// [`crate::Ruleset::detect`] orders by confidence, then name).
pub fn search_provider(detections: &[Detection]) -> Option<&Detection> {
    let mut best: Option<&Detection> = None;
    for d in detections {
        if d.category != Category::SiteSearch || d.confidence < SEARCH_PROVIDER_MIN_CONFIDENCE {
            continue;
        }
        if best.is_none_or(|b| d.confidence > b.confidence) {
            best = Some(d);
        }
    }
    best
}
