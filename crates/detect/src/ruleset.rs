//! [`Ruleset`]: fingerprint rules loaded from TOML (the built-in file, a user's file, or both
//! combined), compiled once, and matched against pages.

use crate::error::DetectError;
use crate::model::{Category, Detection};
use crate::{Limits, Page, detect, urls};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};
use url::Url;

pub(crate) mod compile;
pub(crate) mod file;
mod grams;

use compile::Compiled;
use file::RuleDef;

/// The built-in rule file, `crates/detect/rules/fingerprints.toml`.
pub const BUILTIN_RULES: &str = include_str!("../rules/fingerprints.toml");

/// A compiled set of fingerprint rules. Cheap to clone (shared); safe to use from many threads.
#[derive(Clone)]
pub struct Ruleset {
    inner: Arc<Compiled>,
}

/// What a rule set says about one technology (for listings and settings screens).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Technology<'a> {
    pub name: &'a str,
    pub category: Category,
    pub vendor: &'a str,
    pub website: &'a str,
    /// How many matchers the rule has.
    pub matchers: usize,
}

impl Ruleset {
    /// The built-in rules, compiled on first use.
    pub fn builtin() -> Ruleset {
        static BUILTIN: OnceLock<Ruleset> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                Ruleset::from_toml(BUILTIN_RULES)
                    .and_then(Ruleset::closed)
                    .expect("the built-in rule file is valid (tests/rules.rs checks it)")
            })
            .clone()
    }

    /// Parses, validates and compiles a rule file. `implies`/`excludes` may name technologies the
    /// file does not define (a user file may refer to built-in ones); detection ignores names that
    /// resolve to nothing, and [`Ruleset::extend`] insists they resolve.
    pub fn from_toml(text: &str) -> Result<Ruleset, DetectError> {
        let (rules, cdns) = file::parse(text)?;
        Ruleset::build(rules, cdns)
    }

    fn build(rules: Vec<RuleDef>, cdns: Vec<String>) -> Result<Ruleset, DetectError> {
        Ok(Ruleset {
            inner: Arc::new(compile::compile(rules, cdns)?),
        })
    }

    /// This set with `other`'s rules added: a rule of `other` with the name of one here (ignoring
    /// case) replaces it in place, new ones are appended, and the CDN hosts are merged. Fails if a
    /// rule of the result implies or excludes a technology the result does not define.
    pub fn extend(self, other: Ruleset) -> Result<Ruleset, DetectError> {
        let mut rules = self.inner.rules.clone();
        let mut at: HashMap<String, usize> = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.name.to_lowercase(), i))
            .collect();
        for rule in &other.inner.rules {
            match at.get(&rule.name.to_lowercase()) {
                Some(&i) => rules[i] = rule.clone(),
                None => {
                    at.insert(rule.name.to_lowercase(), rules.len());
                    rules.push(rule.clone());
                }
            }
        }
        if rules.len() > file::MAX_RULES {
            return Err(DetectError::TooLarge {
                what: format!("{} rules; at most {}", rules.len(), file::MAX_RULES),
            });
        }
        let mut cdns = self.inner.cdn_hosts.clone();
        for h in &other.inner.cdn_hosts {
            if !cdns.contains(h) {
                cdns.push(h.clone());
            }
        }
        Ruleset::build(rules, cdns)?.closed()
    }

    /// Parses `text` and [`extend`](Ruleset::extend)s this set with it.
    pub fn extend_toml(self, text: &str) -> Result<Ruleset, DetectError> {
        self.extend(Ruleset::from_toml(text)?)
    }

    /// Errs on the first `implies`/`excludes` name that no rule of this set defines.
    fn closed(self) -> Result<Ruleset, DetectError> {
        let names: std::collections::HashSet<String> = self
            .inner
            .rules
            .iter()
            .map(|r| r.name.to_lowercase())
            .collect();
        for rule in &self.inner.rules {
            for (relation, list) in [("implies", &rule.implies), ("excludes", &rule.excludes)] {
                if let Some(target) = list.iter().find(|t| !names.contains(&t.to_lowercase())) {
                    return Err(DetectError::UnknownReference {
                        rule: rule.name.clone(),
                        relation,
                        target: target.clone(),
                    });
                }
            }
        }
        Ok(self)
    }

    /// The technologies on `page`, within the default [`Limits`]: sorted by category, then
    /// confidence (highest first), then name. Never fails and never panics, whatever the page.
    pub fn detect(&self, page: &Page) -> Vec<Detection> {
        self.detect_with(page, &Limits::default())
    }

    /// [`detect`](Ruleset::detect) within the given limits.
    pub fn detect_with(&self, page: &Page, limits: &Limits) -> Vec<Detection> {
        detect::detect(&self.inner, page, limits)
    }

    /// [`crate::fetchable_scripts`] with this set's CDN hosts.
    pub fn fetchable_scripts(&self, urls: &[Url], site: &Url, max: usize) -> Vec<Url> {
        urls::fetchable(urls, site, max, &self.inner.cdn_hosts)
    }

    /// The CDN hosts whose scripts may be fetched (`[cdns] hosts`), lower case.
    pub fn cdn_hosts(&self) -> &[String] {
        &self.inner.cdn_hosts
    }

    /// The technologies this set detects, in file order.
    pub fn technologies(&self) -> impl Iterator<Item = Technology<'_>> {
        self.inner.rules.iter().map(|r| Technology {
            name: &r.name,
            category: r.category,
            vendor: &r.vendor,
            website: &r.website,
            matchers: r.matchers.len(),
        })
    }

    /// How many rules (technologies) the set has.
    pub fn len(&self) -> usize {
        self.inner.rules.len()
    }

    /// Whether the set has no rules.
    pub fn is_empty(&self) -> bool {
        self.inner.rules.is_empty()
    }

    /// How many matchers the set has in all.
    pub fn matcher_count(&self) -> usize {
        self.inner.matchers.len()
    }

    /// How many text matchers have no literal for the prefilter and so run on every page (keep
    /// this near zero: each costs a full regex pass over the page).
    pub fn unfiltered_matchers(&self) -> usize {
        self.inner.page.unfiltered() + self.inner.src.unfiltered() + self.inner.body.unfiltered()
    }
}

impl fmt::Debug for Ruleset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ruleset")
            .field("rules", &self.len())
            .field("matchers", &self.matcher_count())
            .field("cdn_hosts", &self.inner.cdn_hosts.len())
            .finish()
    }
}
