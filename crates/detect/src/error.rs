//! Why a rule file was refused. Detection itself never fails: any page, however broken, gives a
//! (possibly empty) answer.

/// A rule file that cannot be used, naming the rule (and matcher) at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DetectError {
    /// Not TOML, or TOML of the wrong shape (unknown key, wrong type); the message has the line.
    #[error("the rule file is not valid: {message}")]
    Toml { message: String },
    /// The file (or the set it builds) is larger than a rule file may be.
    #[error("the rule file is too large: {what}")]
    TooLarge { what: String },
    /// A rule without a usable name.
    #[error("rule #{index} has an invalid name {name:?}: {reason}")]
    InvalidName {
        index: usize,
        name: String,
        reason: &'static str,
    },
    /// Two rules with the same name (names compare case-insensitively).
    #[error("two rules are named `{name}`; technology names must be unique within one file")]
    DuplicateName { name: String },
    /// A category not in [`crate::Category::ALL`].
    #[error("rule `{rule}` has the unknown category `{category}` (known: {known})")]
    UnknownCategory {
        rule: String,
        category: String,
        known: String,
    },
    /// A matcher whose pattern does not compile (or is too large).
    #[error("rule `{rule}`, {kind} matcher #{index}: invalid regex {pattern:?}: {message}")]
    InvalidRegex {
        rule: String,
        kind: &'static str,
        index: usize,
        pattern: String,
        message: String,
    },
    /// A matcher with no kind, two kinds, or a value its kind does not take.
    #[error("rule `{rule}`, matcher #{index}: {reason}")]
    InvalidMatcher {
        rule: String,
        index: usize,
        reason: String,
    },
    /// A weight outside `(0, 1]`.
    #[error("rule `{rule}`, matcher #{index}: weight {weight} is not within (0, 1]")]
    InvalidWeight {
        rule: String,
        index: usize,
        weight: f64,
    },
    /// `implies`/`excludes` naming a technology the combined rule set does not have.
    #[error("rule `{rule}` {relation} `{target}`, which no rule defines")]
    UnknownReference {
        rule: String,
        relation: &'static str,
        target: String,
    },
    /// A `[cdns] hosts` entry that is not a bare host name.
    #[error("CDN host {host:?} is not a host name (write `cdn.example.com`, no scheme or path)")]
    InvalidCdnHost { host: String },
}

impl DetectError {
    /// A stable, machine-readable code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            DetectError::Toml { .. } => "detect.rules.toml",
            DetectError::TooLarge { .. } => "detect.rules.too_large",
            DetectError::InvalidName { .. } => "detect.rules.invalid_name",
            DetectError::DuplicateName { .. } => "detect.rules.duplicate_name",
            DetectError::UnknownCategory { .. } => "detect.rules.unknown_category",
            DetectError::InvalidRegex { .. } => "detect.rules.invalid_regex",
            DetectError::InvalidMatcher { .. } => "detect.rules.invalid_matcher",
            DetectError::InvalidWeight { .. } => "detect.rules.invalid_weight",
            DetectError::UnknownReference { .. } => "detect.rules.unknown_reference",
            DetectError::InvalidCdnHost { .. } => "detect.rules.invalid_cdn_host",
        }
    }

    /// The technology the error is about, where there is one.
    pub fn rule(&self) -> Option<&str> {
        match self {
            DetectError::DuplicateName { name } => Some(name),
            DetectError::UnknownCategory { rule, .. }
            | DetectError::InvalidRegex { rule, .. }
            | DetectError::InvalidMatcher { rule, .. }
            | DetectError::InvalidWeight { rule, .. }
            | DetectError::UnknownReference { rule, .. } => Some(rule),
            DetectError::InvalidName { name, .. } => {
                Some(name.as_str()).filter(|n| !n.trim().is_empty())
            }
            DetectError::Toml { .. }
            | DetectError::TooLarge { .. }
            | DetectError::InvalidCdnHost { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_namespaced() {
        let all = [
            DetectError::Toml {
                message: String::new(),
            },
            DetectError::TooLarge {
                what: String::new(),
            },
            DetectError::InvalidName {
                index: 0,
                name: String::new(),
                reason: "",
            },
            DetectError::DuplicateName {
                name: String::new(),
            },
            DetectError::UnknownCategory {
                rule: String::new(),
                category: String::new(),
                known: String::new(),
            },
            DetectError::InvalidRegex {
                rule: String::new(),
                kind: "",
                index: 0,
                pattern: String::new(),
                message: String::new(),
            },
            DetectError::InvalidMatcher {
                rule: String::new(),
                index: 0,
                reason: String::new(),
            },
            DetectError::InvalidWeight {
                rule: String::new(),
                index: 0,
                weight: 0.0,
            },
            DetectError::UnknownReference {
                rule: String::new(),
                relation: "",
                target: String::new(),
            },
            DetectError::InvalidCdnHost {
                host: String::new(),
            },
        ];
        let codes: std::collections::HashSet<&str> = all.iter().map(DetectError::code).collect();
        assert_eq!(codes.len(), all.len());
        assert!(codes.iter().all(|c| c.starts_with("detect.rules.")));
    }
}
