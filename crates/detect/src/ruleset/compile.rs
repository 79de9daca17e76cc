//! Rules compiled for matching: every regex built once, and per text scope a literal prefilter
//! (`grams.rs`) over literals every match of a regex must start (or end) with. Detection runs one
//! prefilter pass per text and then only the regexes whose literal occurred, so its cost barely
//! grows with the number of rules.

use super::file::{DomHint, MatcherDef, RuleDef};
use super::grams::{self, Grams};
use crate::error::DetectError;
use crate::model::EvidenceKind;
use regex::{Regex, RegexBuilder};
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use std::collections::HashMap;

/// Compiled size limit of one rule regex (the regex crate's default is 10 MiB).
const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// Literals shorter than this make a useless prefilter; such regexes always run.
const MIN_LITERAL: usize = grams::MIN_LEN;

/// A matcher ready to test.
pub(crate) struct Matcher {
    pub rule: usize,
    pub kind: EvidenceKind,
    pub weight: f64,
    /// Regex kinds, cookies, and the value pattern of meta/header (absent: presence suffices).
    pub regex: Option<Regex>,
    /// Meta name or header name, lower case.
    pub key: Option<String>,
    pub dom: Option<DomHint>,
}

/// Which matchers a text may satisfy: each indexed literal maps to matcher ids; `always` holds
/// matchers with no usable literal.
pub(crate) struct Prefilter {
    grams: Grams,
    targets: Vec<Vec<usize>>,
    always: Vec<usize>,
    /// Every matcher in this scope, in id order (what callers iterate over).
    pub members: Vec<usize>,
}

impl Prefilter {
    fn build(
        matchers: &[Matcher],
        literals: &[Option<Vec<Vec<u8>>>],
        scope: &[EvidenceKind],
    ) -> Self {
        let mut index: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut targets: Vec<Vec<usize>> = Vec::new();
        let mut always = Vec::new();
        let mut members = Vec::new();
        for (id, m) in matchers.iter().enumerate() {
            if !scope.contains(&m.kind) {
                continue;
            }
            members.push(id);
            match &literals[id] {
                Some(lits) => {
                    for lit in lits {
                        let p = *index.entry(lit.clone()).or_insert_with(|| {
                            patterns.push(lit.clone());
                            targets.push(Vec::new());
                            patterns.len() - 1
                        });
                        if !targets[p].contains(&id) {
                            targets[p].push(id);
                        }
                    }
                }
                None => always.push(id),
            }
        }
        let grams = Grams::new(patterns);
        Prefilter {
            grams,
            targets,
            always,
            members,
        }
    }

    /// Marks in `out` (indexed by matcher id) every matcher of this scope that `text` may satisfy.
    pub fn mark(&self, text: &str, out: &mut [bool]) {
        for &id in &self.always {
            out[id] = true;
        }
        let mut seen = vec![false; self.targets.len()];
        self.grams.scan(text.as_bytes(), |p| {
            if !std::mem::replace(&mut seen[p], true) {
                for &id in &self.targets[p] {
                    out[id] = true;
                }
            }
        });
    }

    /// How many of this scope's matchers have no literal and always run.
    pub fn unfiltered(&self) -> usize {
        self.always.len()
    }
}

/// A rule set ready for detection.
pub(crate) struct Compiled {
    pub rules: Vec<RuleDef>,
    pub cdn_hosts: Vec<String>,
    pub matchers: Vec<Matcher>,
    /// Per rule: the rules it implies / excludes (names that resolve to nothing are dropped).
    pub implies: Vec<Vec<usize>>,
    pub excludes: Vec<Vec<usize>>,
    /// Html, url, inline-script and dom matchers, over the page's HTML.
    pub page: Prefilter,
    /// Script-src matchers, over the script URLs.
    pub src: Prefilter,
    /// Inline-script and url matchers, over each fetched script body.
    pub body: Prefilter,
    pub meta: Vec<usize>,
    pub header: Vec<usize>,
    pub cookie: Vec<usize>,
}

pub(crate) fn compile(
    rules: Vec<RuleDef>,
    cdn_hosts: Vec<String>,
) -> Result<Compiled, DetectError> {
    let mut matchers = Vec::new();
    let mut literals = Vec::new();
    for (r, rule) in rules.iter().enumerate() {
        for (i, def) in rule.matchers.iter().enumerate() {
            let regex = match &def.pattern {
                Some(p) => Some(build_regex(&rule.name, i, def, p)?),
                None => None,
            };
            literals.push(match (def.kind, &def.pattern, &def.dom) {
                (EvidenceKind::Dom, _, Some(hint)) => dom_literal(hint),
                (_, Some(p), _) => regex_literals(p),
                _ => None,
            });
            matchers.push(Matcher {
                rule: r,
                kind: def.kind,
                weight: def.weight,
                regex,
                key: def.key.clone(),
                dom: def.dom.clone(),
            });
        }
    }
    use EvidenceKind as K;
    let page = Prefilter::build(
        &matchers,
        &literals,
        &[K::Html, K::Url, K::InlineScript, K::Dom],
    );
    let src = Prefilter::build(&matchers, &literals, &[K::ScriptSrc]);
    let body = Prefilter::build(&matchers, &literals, &[K::InlineScript, K::Url]);
    let of = |k: EvidenceKind| {
        (0..matchers.len())
            .filter(|&i| matchers[i].kind == k)
            .collect()
    };
    let (meta, header, cookie) = (of(K::Meta), of(K::Header), of(K::Cookie));
    let by_name: HashMap<String, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.name.to_lowercase(), i))
        .collect();
    let resolve = |names: &[String]| -> Vec<usize> {
        names
            .iter()
            .filter_map(|n| by_name.get(&n.to_lowercase()).copied())
            .collect()
    };
    let implies = rules.iter().map(|r| resolve(&r.implies)).collect();
    let excludes = rules.iter().map(|r| resolve(&r.excludes)).collect();
    Ok(Compiled {
        rules,
        cdn_hosts,
        matchers,
        implies,
        excludes,
        page,
        src,
        body,
        meta,
        header,
        cookie,
    })
}

fn build_regex(
    rule: &str,
    index: usize,
    def: &MatcherDef,
    pattern: &str,
) -> Result<Regex, DetectError> {
    // Script URLs are matched one per line, so ^ and $ mean the start and end of a URL.
    RegexBuilder::new(pattern)
        .multi_line(def.kind == EvidenceKind::ScriptSrc)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| DetectError::InvalidRegex {
            rule: rule.to_string(),
            kind: def.kind.as_str(),
            index,
            pattern: pattern.to_string(),
            message: e.to_string(),
        })
}

fn dom_literal(hint: &DomHint) -> Option<Vec<Vec<u8>>> {
    (hint.name.len() >= MIN_LITERAL).then(|| vec![hint.name.to_ascii_lowercase().into_bytes()])
}

/// Literals such that every match of `pattern` starts with (or ends with) one of them, lower
/// case (the prefilter ignores ASCII case). `None` when there is no useful set.
pub(crate) fn regex_literals(pattern: &str) -> Option<Vec<Vec<u8>>> {
    // A leading (?i) only widens case; the prefilter ignores ASCII case anyway, and extracting
    // from the case-sensitive form keeps the literal sets small.
    let stripped = pattern.strip_prefix("(?i)").unwrap_or(pattern);
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(stripped)
        .ok()?;
    let mut best: Option<Vec<Vec<u8>>> = None;
    for kind in [ExtractKind::Prefix, ExtractKind::Suffix] {
        let mut ex = Extractor::new();
        ex.kind(kind).limit_class(10).limit_total(200);
        let seq = ex.extract(&hir);
        let Some(lits) = seq.literals() else { continue };
        if lits.is_empty() || lits.iter().any(|l| l.len() < MIN_LITERAL) {
            continue;
        }
        let mut set: Vec<Vec<u8>> = lits
            .iter()
            .map(|l| l.as_bytes().to_ascii_lowercase())
            .collect();
        set.sort();
        set.dedup();
        let score = |s: &Vec<Vec<u8>>| {
            (
                s.iter().map(Vec::len).min().unwrap_or(0),
                usize::MAX - s.len(),
            )
        };
        if best.as_ref().is_none_or(|b| score(&set) > score(b)) {
            best = Some(set);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ruleset::{BUILTIN_RULES, file};

    #[test]
    fn literals_of_common_shapes() {
        assert_eq!(
            regex_literals(r"[a-z0-9]+-dsn\.algolia\.net"),
            Some(vec![b"-dsn.algolia.net".to_vec()])
        );
        assert_eq!(regex_literals(r"(?i)Coveo"), Some(vec![b"coveo".to_vec()]));
        assert_eq!(regex_literals(r"a.b"), None);
        let lits = regex_literals(r"static\.(?:cloud\.coveo|goqubit)\.com").expect("literals");
        assert!(lits.contains(&b"static.cloud.coveo.com".to_vec()));
    }

    /// Every text matcher of the built-in file has a literal, so none runs on every page.
    #[test]
    fn builtin_text_matchers_all_have_literals() {
        let (rules, _) = file::parse(BUILTIN_RULES).expect("built-in rules parse");
        let mut missing = Vec::new();
        for r in &rules {
            for m in &r.matchers {
                let text_kind = !matches!(
                    m.kind,
                    EvidenceKind::Meta | EvidenceKind::Header | EvidenceKind::Cookie
                );
                let has = match (&m.dom, &m.pattern) {
                    (Some(h), _) => dom_literal(h).is_some(),
                    (None, Some(p)) => regex_literals(p).is_some(),
                    _ => true,
                };
                if text_kind && !has {
                    missing.push(format!("{}: {:?} {:?}", r.name, m.kind, m.pattern));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "matchers without a prefilter literal:\n{}",
            missing.join("\n")
        );
    }
}
