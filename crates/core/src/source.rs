//! Citation: where a fact came from. Intelligence cannot exist without a [`SourceRef`]
//! (ADR 0002): [`Sourced`] and [`Intelligence`] have no constructor without one, and their
//! deserialisers refuse input that lacks one.

use serde::{Deserialize, Serialize};
use std::fmt;
use time::OffsetDateTime;

use crate::CoreError;

/// A data source's stable name (`website`, `builtwith`, `similarweb`, `yahoo_finance`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SourceId(String);

impl SourceId {
    /// A source name: lower-case ASCII letters, digits and `_`, 1..=64 bytes.
    pub fn new(name: &str) -> Result<Self, CoreError> {
        let ok = !name.is_empty()
            && name.len() <= 64
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if ok {
            Ok(Self(name.to_owned()))
        } else {
            Err(CoreError::MissingSource)
        }
    }
    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for SourceId {
    type Error = CoreError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(&s)
    }
}

impl From<SourceId> for String {
    fn from(s: SourceId) -> String {
        s.0
    }
}

/// Where and when a fact was obtained, and how much it is trusted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawSourceRef")]
pub struct SourceRef {
    source: SourceId,
    endpoint: String,
    url: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    fetched_at: OffsetDateTime,
    confidence: f64,
}

#[derive(Deserialize)]
struct RawSourceRef {
    source: SourceId,
    endpoint: String,
    url: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    fetched_at: OffsetDateTime,
    confidence: f64,
}

impl TryFrom<RawSourceRef> for SourceRef {
    type Error = CoreError;
    fn try_from(r: RawSourceRef) -> Result<Self, Self::Error> {
        SourceRef::new(r.source, &r.endpoint, r.url, r.fetched_at, r.confidence)
    }
}

impl SourceRef {
    /// A citation. `confidence` must lie in `0.0..=1.0`.
    pub fn new(
        source: SourceId,
        endpoint: &str,
        url: Option<String>,
        fetched_at: OffsetDateTime,
        confidence: f64,
    ) -> Result<Self, CoreError> {
        if !(0.0..=1.0).contains(&confidence) {
            return Err(CoreError::BadConfidence(confidence));
        }
        Ok(Self {
            source,
            endpoint: endpoint.to_owned(),
            url,
            fetched_at,
            confidence,
        })
    }
    pub fn source(&self) -> &SourceId {
        &self.source
    }
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }
    pub fn fetched_at(&self) -> OffsetDateTime {
        self.fetched_at
    }
    pub fn confidence(&self) -> f64 {
        self.confidence
    }
}

/// A value together with the source that vouches for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sourced<T> {
    value: T,
    source: SourceRef,
}

impl<T> Sourced<T> {
    /// The only constructor: no source, no `Sourced`.
    pub fn new(value: T, source: SourceRef) -> Self {
        Self { value, source }
    }
    pub fn value(&self) -> &T {
        &self.value
    }
    pub fn source(&self) -> &SourceRef {
        &self.source
    }
    pub fn into_parts(self) -> (T, SourceRef) {
        (self.value, self.source)
    }
}

/// One module's result for one account: a JSON document and the (at least one) sources behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawIntelligence")]
pub struct Intelligence {
    data: serde_json::Value,
    sources: Vec<SourceRef>,
}

#[derive(Deserialize)]
struct RawIntelligence {
    data: serde_json::Value,
    sources: Vec<SourceRef>,
}

impl TryFrom<RawIntelligence> for Intelligence {
    type Error = CoreError;
    fn try_from(r: RawIntelligence) -> Result<Self, Self::Error> {
        let mut it = r.sources.into_iter();
        let first = it.next().ok_or(CoreError::MissingSource)?;
        Ok(Intelligence::new(r.data, first, it))
    }
}

impl Intelligence {
    /// Intelligence needs a first source; more may follow.
    pub fn new(
        data: serde_json::Value,
        first: SourceRef,
        more: impl IntoIterator<Item = SourceRef>,
    ) -> Self {
        let mut sources = vec![first];
        sources.extend(more);
        Self { data, sources }
    }
    /// From a single sourced JSON value.
    pub fn from_sourced(s: Sourced<serde_json::Value>) -> Self {
        let (data, source) = s.into_parts();
        Self::new(data, source, [])
    }
    pub fn data(&self) -> &serde_json::Value {
        &self.data
    }
    /// Never empty.
    pub fn sources(&self) -> &[SourceRef] {
        &self.sources
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn website() -> SourceRef {
        let src = SourceId::new("website").expect("valid name");
        SourceRef::new(src, "homepage", None, datetime!(2026-11-01 10:00 UTC), 1.0).expect("valid")
    }

    #[test]
    fn source_ref_rejects_confidence_outside_unit_interval() {
        let src = SourceId::new("website").expect("valid name");
        let at = datetime!(2026-11-01 10:00 UTC);
        assert!(SourceRef::new(src.clone(), "x", None, at, 1.5).is_err());
        assert!(SourceRef::new(src, "x", None, at, -0.1).is_err());
    }

    #[test]
    fn source_names_are_restricted() {
        assert!(SourceId::new("").is_err());
        assert!(SourceId::new("Built With").is_err());
        assert!(SourceId::new("yahoo_finance").is_ok());
    }

    #[test]
    fn intelligence_without_sources_does_not_deserialise() {
        let json = r#"{"data":{"x":1},"sources":[]}"#;
        assert!(serde_json::from_str::<Intelligence>(json).is_err());
        let no_field = r#"{"data":{"x":1}}"#;
        assert!(serde_json::from_str::<Intelligence>(no_field).is_err());
    }

    #[test]
    fn intelligence_round_trips_with_its_sources() {
        let i = Intelligence::new(
            serde_json::json!({"search_provider": "Algolia"}),
            website(),
            [],
        );
        let text = serde_json::to_string(&i).expect("serialises");
        let back: Intelligence = serde_json::from_str(&text).expect("deserialises");
        assert_eq!(back, i);
        assert_eq!(back.sources()[0].source().as_str(), "website");
    }

    #[test]
    fn sourced_value_keeps_its_citation() {
        let s = Sourced::new(42_u32, website());
        assert_eq!(*s.value(), 42);
        assert_eq!(s.source().endpoint(), "homepage");
    }
}
