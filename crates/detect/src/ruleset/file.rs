//! The rule file format (TOML) and its validation into [`RuleDef`]s. Regexes are compiled (and
//! their errors reported) in `compile.rs`; everything else a file can get wrong is caught here.

use crate::error::DetectError;
use crate::model::{Category, EvidenceKind};
use serde::Deserialize;
use std::collections::HashSet;

/// The largest rule file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;
/// The most rules one set may hold.
pub const MAX_RULES: usize = 5_000;
/// The most matchers one rule may hold.
pub const MAX_MATCHERS_PER_RULE: usize = 64;
/// The longest pattern (regex source) accepted, in bytes.
pub const MAX_PATTERN_BYTES: usize = 2_000;
/// The longest technology name, in bytes.
pub const MAX_NAME_BYTES: usize = 100;
/// The weight of a matcher that does not give one.
pub const DEFAULT_WEIGHT: f64 = 0.8;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[allow(dead_code)]
    version: Option<u32>,
    cdns: Option<RawCdns>,
    #[serde(default, rename = "rule")]
    rules: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCdns {
    #[serde(default)]
    hosts: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: String,
    category: String,
    vendor: Option<String>,
    website: Option<String>,
    #[allow(dead_code)]
    description: Option<String>,
    #[serde(default)]
    implies: Vec<String>,
    #[serde(default)]
    excludes: Vec<String>,
    #[serde(default)]
    matchers: Vec<RawMatcher>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatcher {
    script_src: Option<String>,
    inline_script: Option<String>,
    html: Option<String>,
    url: Option<String>,
    meta: Option<String>,
    header: Option<String>,
    cookie: Option<String>,
    dom: Option<String>,
    pattern: Option<String>,
    weight: Option<f64>,
}

/// A parsed, validated rule (regexes not yet compiled).
#[derive(Debug, Clone)]
pub(crate) struct RuleDef {
    pub name: String,
    pub category: Category,
    pub vendor: String,
    pub website: String,
    pub implies: Vec<String>,
    pub excludes: Vec<String>,
    pub matchers: Vec<MatcherDef>,
}

#[derive(Debug, Clone)]
pub(crate) struct MatcherDef {
    pub kind: EvidenceKind,
    /// The regex (`script_src`, `inline_script`, `html`, `url`, `cookie`), or the value pattern
    /// of a `meta`/`header` matcher (`None`: the key's presence is enough).
    pub pattern: Option<String>,
    /// The meta name or header name (lower case) for `meta`/`header`.
    pub key: Option<String>,
    pub dom: Option<DomHint>,
    pub weight: f64,
}

/// What a `dom` matcher looks for: `.class`, `#id`, `[attribute]` or a bare `element` name; a
/// trailing `*` makes it a prefix (`.ais-*`, `[data-cnstrc-*]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DomHint {
    pub target: DomTarget,
    /// As written for classes and ids (case-sensitive); lower case for elements and attributes.
    pub name: String,
    pub prefix: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DomTarget {
    Element,
    Id,
    Class,
    Attr,
}

/// Parses and validates a rule file: rules in file order, and the CDN host list.
pub(crate) fn parse(text: &str) -> Result<(Vec<RuleDef>, Vec<String>), DetectError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(DetectError::TooLarge {
            what: format!("{} bytes; at most {MAX_FILE_BYTES}", text.len()),
        });
    }
    let raw: RawFile = toml::from_str(text).map_err(|e| DetectError::Toml {
        message: e.to_string(),
    })?;
    if raw.rules.len() > MAX_RULES {
        return Err(DetectError::TooLarge {
            what: format!("{} rules; at most {MAX_RULES}", raw.rules.len()),
        });
    }
    let cdns = raw.cdns.map(|c| c.hosts).unwrap_or_default();
    let cdns = cdns
        .into_iter()
        .map(|h| cdn_host(&h))
        .collect::<Result<Vec<_>, _>>()?;
    let mut seen = HashSet::new();
    let mut rules = Vec::with_capacity(raw.rules.len());
    for (index, r) in raw.rules.into_iter().enumerate() {
        let rule = rule(index, r)?;
        if !seen.insert(rule.name.to_lowercase()) {
            return Err(DetectError::DuplicateName { name: rule.name });
        }
        rules.push(rule);
    }
    Ok((rules, cdns))
}

fn rule(index: usize, r: RawRule) -> Result<RuleDef, DetectError> {
    let name = r.name.trim().to_string();
    let bad_name = |reason| DetectError::InvalidName {
        index,
        name: r.name.clone(),
        reason,
    };
    if name.is_empty() {
        return Err(bad_name("it is empty"));
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(bad_name("it is longer than 100 bytes"));
    }
    if name.chars().any(char::is_control) {
        return Err(bad_name("it contains a control character"));
    }
    let category = Category::parse(&r.category).ok_or_else(|| DetectError::UnknownCategory {
        rule: name.clone(),
        category: r.category.clone(),
        known: Category::ALL.map(Category::as_str).join(", "),
    })?;
    if r.matchers.len() > MAX_MATCHERS_PER_RULE {
        return Err(DetectError::TooLarge {
            what: format!(
                "rule `{name}` has {} matchers; at most 64",
                r.matchers.len()
            ),
        });
    }
    let matchers = r
        .matchers
        .into_iter()
        .enumerate()
        .map(|(i, m)| matcher(&name, i, m))
        .collect::<Result<Vec<_>, _>>()?;
    let clean = |v: Vec<String>| v.into_iter().map(|s| s.trim().to_string()).collect();
    Ok(RuleDef {
        vendor: r.vendor.unwrap_or_else(|| name.clone()),
        website: r.website.unwrap_or_default(),
        implies: clean(r.implies),
        excludes: clean(r.excludes),
        matchers,
        category,
        name,
    })
}

fn matcher(rule: &str, index: usize, m: RawMatcher) -> Result<MatcherDef, DetectError> {
    let invalid = |reason: String| DetectError::InvalidMatcher {
        rule: rule.to_string(),
        index,
        reason,
    };
    let kinds = [
        (EvidenceKind::ScriptSrc, m.script_src),
        (EvidenceKind::InlineScript, m.inline_script),
        (EvidenceKind::Html, m.html),
        (EvidenceKind::Url, m.url),
        (EvidenceKind::Meta, m.meta),
        (EvidenceKind::Header, m.header),
        (EvidenceKind::Cookie, m.cookie),
        (EvidenceKind::Dom, m.dom),
    ];
    let mut given = kinds.into_iter().filter_map(|(k, v)| v.map(|v| (k, v)));
    let (kind, value) = given.next().ok_or_else(|| {
        invalid(
            "no kind: give one of script_src, inline_script, html, url, meta, header, cookie, dom"
                .into(),
        )
    })?;
    if let Some((other, _)) = given.next() {
        return Err(invalid(format!(
            "two kinds ({kind} and {other}); give one per matcher"
        )));
    }
    let weight = m.weight.unwrap_or(DEFAULT_WEIGHT);
    if !(weight > 0.0 && weight <= 1.0) {
        return Err(DetectError::InvalidWeight {
            rule: rule.to_string(),
            index,
            weight,
        });
    }
    let too_long = |p: &str| p.len() > MAX_PATTERN_BYTES;
    if too_long(&value) || m.pattern.as_deref().is_some_and(too_long) {
        return Err(invalid(format!(
            "pattern longer than {MAX_PATTERN_BYTES} bytes"
        )));
    }
    let mut def = MatcherDef {
        kind,
        pattern: None,
        key: None,
        dom: None,
        weight,
    };
    match kind {
        EvidenceKind::Meta | EvidenceKind::Header => {
            let key = value.trim().to_ascii_lowercase();
            if key.is_empty() || key.contains(|c: char| c.is_whitespace() || c.is_control()) {
                return Err(invalid(format!(
                    "{kind} name {value:?} is empty or has spaces"
                )));
            }
            def.key = Some(key);
            def.pattern = m.pattern;
        }
        _ if m.pattern.is_some() => {
            return Err(invalid(format!(
                "`pattern` belongs to meta and header matchers, not {kind}"
            )));
        }
        EvidenceKind::Dom => def.dom = Some(dom_hint(&value).map_err(invalid)?),
        _ => def.pattern = Some(value),
    }
    Ok(def)
}

/// Parses `.class`, `#id`, `[attr]`, `element`, each optionally ending in `*` (prefix).
pub(crate) fn dom_hint(text: &str) -> Result<DomHint, String> {
    let t = text.trim();
    let (target, rest) = if let Some(r) = t.strip_prefix('.') {
        (DomTarget::Class, r)
    } else if let Some(r) = t.strip_prefix('#') {
        (DomTarget::Id, r)
    } else if let Some(r) = t.strip_prefix('[') {
        let r = r
            .strip_suffix(']')
            .ok_or_else(|| format!("dom hint {text:?} lacks its closing ]"))?;
        (DomTarget::Attr, r)
    } else {
        (DomTarget::Element, t)
    };
    let (name, prefix) = match rest.strip_suffix('*') {
        Some(n) => (n, true),
        None => (rest, false),
    };
    let ok = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | ':' | '.' | '@' | '$');
    if name.len() < 2 || !name.chars().all(ok) {
        return Err(format!(
            "dom hint {text:?} must be .class, #id, [attribute] or element (at least 2 characters \
             of letters, digits, - _ : . @ $), optionally ending in *"
        ));
    }
    let name = match target {
        DomTarget::Element | DomTarget::Attr => name.to_ascii_lowercase(),
        DomTarget::Class | DomTarget::Id => name.to_string(),
    };
    Ok(DomHint {
        target,
        name,
        prefix,
    })
}

fn cdn_host(host: &str) -> Result<String, DetectError> {
    let h = host
        .trim()
        .trim_start_matches("*.")
        .trim_start_matches('.')
        .to_ascii_lowercase();
    let ok = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.';
    if h.is_empty() || !h.contains('.') || !h.chars().all(ok) || h.ends_with('.') {
        return Err(DetectError::InvalidCdnHost {
            host: host.to_string(),
        });
    }
    Ok(h)
}
