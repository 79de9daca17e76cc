//! BuiltWith's Relationships API rv4: domains that share an identifier (Google Analytics id,
//! ad-network id, ...) with the looked-up domain, as `family.related_domains` entries with
//! `relation: "shared_id"`. Pages are followed with `OFFSET` from `next_offset` (or `next_skip`)
//! while `more_results` says so, for at most [`MAX_RELATIONSHIP_PAGES`] paid calls; a failure
//! after the first page keeps what the earlier pages gave. The doc is unsure where the paging
//! keys sit, so they are read at the top level and under `Meta`/`meta`, in either spelling.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use url::Url;

use super::{BuiltWith, MAX_RELATIONSHIP_PAGES, RELATIONSHIPS_API, scrub};
use crate::fact::fields;
use crate::{Fact, SourceContext, SourceError};

/// One (related domain, identifier type) pair.
#[derive(Debug, Default)]
pub struct Link {
    domain: String,
    identifier_type: String,
    identifier: String,
    first: Option<String>,
    last: Option<String>,
}

/// Fetches up to [`MAX_RELATIONSHIP_PAGES`] pages; `Ok(vec![])` when there are no relationships.
pub(super) async fn fetch(
    source: &BuiltWith,
    cx: &SourceContext<'_>,
    key: &str,
) -> Result<Vec<Fact>, SourceError> {
    let lookup = cx.account.domain.as_str();
    let mut links: BTreeMap<(String, String), Link> = BTreeMap::new();
    let mut offset: Option<u64> = None;
    let mut first_url: Option<Url> = None;
    for page in 0..MAX_RELATIONSHIP_PAGES {
        let mut url = cx.config.url("rv4/api.json")?;
        url.query_pairs_mut()
            .append_pair("KEY", key)
            .append_pair("LOOKUP", lookup);
        if let Some(o) = offset {
            url.query_pairs_mut().append_pair("OFFSET", &o.to_string());
        }
        let body = match cx
            .gateway
            .send(&cx.call(
                &source.descriptor,
                RELATIONSHIPS_API,
                url.clone(),
                super::classify,
            ))
            .await
        {
            Ok(reply) => reply.body,
            Err(e) if page == 0 => return Err(e),
            Err(e) => {
                let e = scrub(e, key);
                tracing::warn!(
                    source = super::ID,
                    page,
                    code = e.code(),
                    "relationships paging stopped: {e}"
                );
                break;
            }
        };
        let root: Value = serde_json::from_slice(&body).map_err(|e| {
            SourceError::Malformed(format!("BuiltWith Relationships body is not JSON ({e})"))
        })?;
        collect(&root, lookup, &mut links);
        first_url.get_or_insert(url);
        match next_offset(&root, offset.unwrap_or(0)) {
            Some(next) => offset = Some(next),
            None => break,
        }
    }
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<Value> = links
        .into_values()
        .map(|l| {
            json!({
                "domain": l.domain,
                "relation": "shared_id",
                "identifier_type": l.identifier_type,
                "identifier": l.identifier,
                "first": l.first,
                "last": l.last,
                "evidence": format!("shares {} id {} (BuiltWith Relationships)", l.identifier_type, l.identifier),
            })
        })
        .collect();
    let cite = cx.cite(
        &source.descriptor,
        RELATIONSHIPS_API,
        first_url.as_ref(),
        0.75,
    );
    Ok(vec![Fact::new(
        fields::FAMILY_RELATED,
        Value::Array(list),
        cite,
    )])
}

/// Adds every match of every identifier of `Relationships[]` to `links` (earliest first, latest
/// last), leaving out the looked-up domain itself.
pub fn collect(root: &Value, lookup: &str, links: &mut BTreeMap<(String, String), Link>) {
    let arr = |v: Option<&Value>| {
        v.and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .to_vec()
    };
    let text = |v: &Value, k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or("")
            .to_owned()
    };
    for rel in arr(field(root, &["Relationships", "relationships"])) {
        for id in arr(rel.get("Identifiers")) {
            let id_type = text(&id, "Type");
            let id_value = match id.get("Value") {
                Some(Value::Number(n)) => n.to_string(),
                Some(v) => v.as_str().unwrap_or("").trim().to_owned(),
                None => String::new(),
            };
            for m in arr(id.get("Matches")) {
                let domain = text(&m, "Domain").to_ascii_lowercase();
                if domain.is_empty() || domain == lookup {
                    continue;
                }
                let first = date(m.get("First")).or_else(|| date(id.get("First")));
                let last = date(m.get("Last")).or_else(|| date(id.get("Last")));
                let link = links
                    .entry((domain.clone(), id_type.clone()))
                    .or_insert_with(|| Link {
                        domain,
                        identifier_type: id_type.clone(),
                        identifier: id_value.clone(),
                        ..Link::default()
                    });
                // RFC 3339 UTC strings of one shape order correctly as text.
                link.first = match (link.first.take(), first) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                link.last = match (link.last.take(), last) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                };
            }
        }
    }
}

/// An ISO-8601 date normalised to RFC 3339 UTC (kept as given when it does not parse).
fn date(v: Option<&Value>) -> Option<String> {
    let s = v?.as_str()?.trim();
    if s.is_empty() {
        return None;
    }
    Some(
        OffsetDateTime::parse(s, &Rfc3339)
            .ok()
            .and_then(|t| t.to_offset(time::UtcOffset::UTC).format(&Rfc3339).ok())
            .unwrap_or_else(|| s.to_owned()),
    )
}

/// A top-level key, or one under `Meta`/`meta`, under any of `names`.
fn field<'a>(root: &'a Value, names: &[&str]) -> Option<&'a Value> {
    let places = [Some(root), root.get("Meta"), root.get("meta")];
    places.into_iter().flatten().find_map(|p| {
        names
            .iter()
            .find_map(|n| p.get(*n).filter(|v| !v.is_null()))
    })
}

/// The offset of the next page, when there is one.
pub fn next_offset(root: &Value, current: u64) -> Option<u64> {
    let as_u64 = |v: &Value| {
        v.as_u64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
    };
    let more =
        field(root, &["more_results", "moreResults", "MoreResults"]).and_then(super::domain::flag);
    let next = field(
        root,
        &[
            "next_offset",
            "nextOffset",
            "NextOffset",
            "next_skip",
            "nextSkip",
            "NextSkip",
        ],
    )
    .and_then(as_u64);
    if more == Some(false) {
        return None;
    }
    let next = match (next, more) {
        (Some(n), _) => n,
        (None, Some(true)) => {
            let per_page = field(root, &["max_per_page", "maxPerPage", "MaxPerPage"])
                .and_then(as_u64)
                .unwrap_or(500);
            // An offset near `u64::MAX` (a hostile or broken page) ends paging, not the process.
            current.checked_add(per_page)?
        }
        (None, _) => return None,
    };
    (next > current).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_follows_next_offset_or_more_results_and_never_goes_backwards() {
        assert_eq!(
            next_offset(&json!({"more_results": true, "next_offset": 500}), 0),
            Some(500)
        );
        assert_eq!(
            next_offset(&json!({"more_results": false, "next_offset": 500}), 0),
            None
        );
        assert_eq!(next_offset(&json!({"next_skip": "1000"}), 500), Some(1000));
        assert_eq!(
            next_offset(&json!({"more_results": true, "max_per_page": 500}), 500),
            Some(1000)
        );
        assert_eq!(
            next_offset(
                &json!({"Meta": {"more_results": true, "next_offset": 200}}),
                200
            ),
            None
        );
        assert_eq!(next_offset(&json!({"next_offset": null}), 0), None);
    }

    /// Found by `fuzz/fuzz_targets/builtwith.rs`: a first page pointing at `u64::MAX - 1` and a
    /// second saying only "more results" overflowed the offset (a panic in debug builds).
    #[test]
    fn paging_stops_instead_of_overflowing_near_the_largest_offset() {
        let more = json!({"more_results": true});
        assert_eq!(next_offset(&more, u64::MAX - 1), None);
        assert_eq!(
            next_offset(&json!({"more_results": true, "max_per_page": u64::MAX}), 1),
            None
        );
        assert_eq!(next_offset(&more, u64::MAX - 500), Some(u64::MAX));
    }
}
