//! Shared pieces of the PartnerForge fuzz targets: a [`SourceContext`] that never touches the
//! network (the response parsers only need it for the account and for citations), replies built
//! from fuzz input, and the input layout the source targets share.
//!
//! Source targets read their input as `[parser, aux, body...]`: the first byte picks the parser
//! (modulo the number of parsers), the second is parser-specific (an HTTP status from
//! [`STATUSES`], a paging offset, ...), the rest is the response body. The seed corpus in
//! `fuzz/corpus/<target>/` follows the same layout.
#![forbid(unsafe_code)]

use std::sync::LazyLock;

use pf_core::Domain;
use pf_engine::{
    AccountHint, EventBus, Fact, FreeMeter, Gateway, GatewaySettings, Reply, SourceConfig,
    SourceContext,
};
use time::OffsetDateTime;
use url::Url;

/// The account every source target looks up: the one the fixtures describe.
pub const DOMAIN: &str = "costco.com";
/// Statuses a classifier is handed, indexed by the `aux` byte.
pub const STATUSES: &[u16] = &[
    200, 404, 429, 403, 401, 500, 503, 201, 204, 301, 302, 400, 410, 418, 502, 599, 100, 0,
];

/// The pieces a [`SourceContext`] borrows, built once per process.
pub struct Fixture {
    pub gateway: Gateway,
    pub config: SourceConfig,
    pub account: AccountHint,
    pub url: Url,
}

#[allow(clippy::expect_used)]
static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let gateway = Gateway::new(
        GatewaySettings::default(),
        std::sync::Arc::new(FreeMeter),
        EventBus::default(),
    )
    .expect("a gateway without network access");
    let url = Url::parse("http://127.0.0.1:9/fuzz").expect("a literal URL");
    Fixture {
        gateway,
        config: SourceConfig {
            base_url: url.clone(),
            api_key: None,
            user_agent: "PartnerForge fuzz fuzz@example.com".into(),
            prices: Vec::new(),
        },
        account: AccountHint {
            domain: Domain::parse(DOMAIN).expect("a literal domain"),
            name: Some("Costco Wholesale Corporation".into()),
            ticker: Some("COST".into()),
        },
        url,
    }
});

/// The shared fixture.
pub fn fixture() -> &'static Fixture {
    &FIXTURE
}

/// A context for [`fixture`]'s account at a fixed time (2026-11-01), so runs are reproducible.
pub fn context() -> SourceContext<'static> {
    let f = fixture();
    SourceContext {
        gateway: &f.gateway,
        config: &f.config,
        account: &f.account,
        now: OffsetDateTime::from_unix_timestamp(1_793_491_200)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH),
    }
}

/// `[parser, aux, body...]` of a source target's input (missing bytes read as 0 / empty).
pub fn split(data: &[u8]) -> (u8, u8, &[u8]) {
    match data {
        [] => (0, 0, &[]),
        [p] => (*p, 0, &[]),
        [p, a, rest @ ..] => (*p, *a, rest),
    }
}

/// A reply with the status [`STATUSES`]`[aux]` and `body`; the high bit of `aux` adds a numeric
/// `Retry-After` header.
pub fn reply(aux: u8, body: &[u8]) -> Reply {
    let status = STATUSES[usize::from(aux & 0x7f) % STATUSES.len()];
    let mut headers = vec![("content-type".to_owned(), "application/json".to_owned())];
    if aux & 0x80 != 0 {
        headers.push(("Retry-After".to_owned(), u32::from(aux & 0x7f).to_string()));
    }
    Reply {
        status,
        headers,
        body: bytes::Bytes::copy_from_slice(body),
        final_url: fixture().url.clone(),
        redirects: Vec::new(),
    }
}

/// What every fact a parser returns must satisfy: a field name and a confidence within `0..=1`.
pub fn check_facts(facts: &[Fact]) {
    for f in facts {
        assert!(!f.field.as_str().is_empty(), "a fact without a field name");
        let c = f.source.confidence();
        assert!(
            (0.0..=1.0).contains(&c),
            "confidence {c} of {}",
            f.field.as_str()
        );
    }
}

static RULES: LazyLock<pf_detect::Ruleset> = LazyLock::new(pf_detect::Ruleset::builtin);

/// The built-in fingerprint rules, compiled once per process.
pub fn builtin_rules() -> &'static pf_detect::Ruleset {
    &RULES
}

/// What every detection must satisfy, whatever the page: a confidence within `0..=1`, evidence
/// for it, snippets (not URLs) within [`pf_detect::MAX_SNIPPET`], and a search provider that is
/// one of the detections.
pub fn check_detections(found: &[pf_detect::Detection]) {
    use pf_detect::EvidenceKind as K;
    for d in found {
        assert!(
            (0.0..=1.0).contains(&d.confidence),
            "{} has confidence {}",
            d.technology,
            d.confidence
        );
        assert!(
            !d.evidence.is_empty(),
            "{} detected without evidence",
            d.technology
        );
        for e in &d.evidence {
            if matches!(e.kind, K::Html | K::InlineScript | K::Meta | K::Dom) {
                assert!(
                    e.matched.len() <= pf_detect::MAX_SNIPPET,
                    "a {}-byte snippet for {}",
                    e.matched.len(),
                    d.technology
                );
            }
        }
    }
    if let Some(p) = pf_detect::search_provider(found) {
        assert!(found.iter().any(|d| std::ptr::eq(d, p)));
        assert!(p.confidence >= pf_detect::SEARCH_PROVIDER_MIN_CONFIDENCE);
    }
}
