//! `Domain`: a validated, normalised, registrable company domain.
//!
//! Users paste all sorts of things (`https://www.Costco.com/warehouse?x=1`, `costco.com.`,
//! `bücher.de`, `shop.costco.co.uk`); [`Domain::parse`] turns each into the registrable domain
//! under the public suffix list (`costco.com`, `xn--bcher-kva.de`, `costco.co.uk`) or says
//! precisely why it cannot.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// The longest name DNS allows, in bytes (without the trailing dot).
pub const MAX_NAME_LEN: usize = 253;
/// The longest DNS label, in bytes.
pub const MAX_LABEL_LEN: usize = 63;

/// A registrable domain (`costco.com`, `costco.co.uk`), lower-case ASCII (IDN as punycode).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Domain(String);

/// Why a string is not a company domain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("the domain is empty")]
    Empty,
    #[error("`{0}` is an IP address, not a company domain")]
    IpAddress(String),
    #[error("`localhost` is not a company domain")]
    Localhost,
    #[error("`{0}` has an empty label (two dots in a row, or a leading dot)")]
    EmptyLabel(String),
    #[error("a label of `{name}` is {len} bytes long; DNS allows at most 63")]
    LabelTooLong { name: String, len: usize },
    #[error("the name is {len} bytes long; DNS allows at most 253")]
    TooLong { len: usize },
    #[error("`{name}` contains the character {ch:?}, which is not allowed in a domain")]
    BadCharacter { name: String, ch: char },
    #[error("`{0}` has a label that starts or ends with a hyphen")]
    BadHyphen(String),
    #[error("`{0}` is a public suffix, not a company domain")]
    PublicSuffix(String),
    #[error("`{0}` has no known top-level domain")]
    UnknownSuffix(String),
    #[error("`{0}` is not a valid internationalised domain name")]
    BadIdn(String),
}

impl DomainError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::Empty => "domain.empty",
            DomainError::IpAddress(_) => "domain.ip_address",
            DomainError::Localhost => "domain.localhost",
            DomainError::EmptyLabel(_) => "domain.empty_label",
            DomainError::LabelTooLong { .. } => "domain.label_too_long",
            DomainError::TooLong { .. } => "domain.too_long",
            DomainError::BadCharacter { .. } => "domain.bad_character",
            DomainError::BadHyphen(_) => "domain.bad_hyphen",
            DomainError::PublicSuffix(_) => "domain.public_suffix",
            DomainError::UnknownSuffix(_) => "domain.unknown_suffix",
            DomainError::BadIdn(_) => "domain.bad_idn",
        }
    }
}

/// The host of something pasted from a browser, with what it looked like.
struct Host<'a> {
    name: &'a str,
    /// Written in brackets (`[::1]`): an IP literal in URL syntax.
    bracketed: bool,
}

/// Keeps only the host of something pasted from a browser: no scheme, user info, port, path,
/// query or fragment.
fn host_part(input: &str) -> Host<'_> {
    let mut s = input.trim();
    // A scheme is letters, digits, `+-.` before `://`; a `://` later on (in a query) is not one.
    match s.find("://") {
        Some(idx)
            if s[..idx]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b)) =>
        {
            s = &s[idx + 3..];
        }
        _ => s = s.strip_prefix("//").unwrap_or(s),
    }
    let end = s.find(['/', '?', '#', '\\']).unwrap_or(s.len());
    s = &s[..end];
    if let Some(at) = s.rfind('@') {
        s = &s[at + 1..];
    }
    if let Some(rest) = s.strip_prefix('[') {
        // An IPv6 literal, possibly with a port: keep it whole so it is rejected as an address.
        let name = rest.split(']').next().unwrap_or(rest);
        return Host {
            name,
            bracketed: true,
        };
    }
    // One colon separates a port; more than one is a bare IPv6 address, kept whole.
    let name = match s.split_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => s,
    };
    Host {
        name,
        bracketed: false,
    }
}

/// True for what can only be meant as an IPv6 address: hex digits, dots and at least one colon.
fn looks_like_ipv6(host: &str) -> bool {
    host.contains(':')
        && host
            .chars()
            .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
}

impl Domain {
    /// Parses and normalises a pasted domain or URL to its registrable domain.
    pub fn parse(input: &str) -> Result<Domain, DomainError> {
        let Host {
            name: host,
            bracketed,
        } = host_part(input);
        let host = host.strip_suffix('.').unwrap_or(host);
        if host.is_empty() && !bracketed {
            return Err(DomainError::Empty);
        }
        if bracketed || host.parse::<IpAddr>().is_ok() || looks_like_ipv6(host) {
            return Err(DomainError::IpAddress(host.to_owned()));
        }
        if let Some(ch) = host.chars().find(|c| c.is_whitespace() || c.is_control()) {
            return Err(DomainError::BadCharacter {
                name: host.to_owned(),
                ch,
            });
        }
        if host.split('.').any(str::is_empty) {
            return Err(DomainError::EmptyLabel(host.to_owned()));
        }
        let allowed = |c: &char| c.is_ascii_alphanumeric() || *c == '-' || *c == '.';
        if let Some(ch) = host.chars().find(|c| c.is_ascii() && !allowed(c)) {
            return Err(DomainError::BadCharacter {
                name: host.to_owned(),
                ch,
            });
        }
        // UTS 46 lower-cases, maps (full-width forms, ideographic full stops), encodes to
        // punycode, and checks that existing `xn--` labels are valid, canonical punycode.
        let ascii =
            idna::domain_to_ascii(host).map_err(|_| DomainError::BadIdn(host.to_owned()))?;
        let ascii = match ascii.strip_suffix('.') {
            Some(stripped) => stripped.to_owned(),
            None => ascii,
        };
        if ascii.is_empty() {
            return Err(DomainError::Empty);
        }
        check_shape(&ascii)?;
        if ascii.parse::<IpAddr>().is_ok() {
            return Err(DomainError::IpAddress(ascii));
        }
        if ascii == "localhost" || ascii.ends_with(".localhost") {
            return Err(DomainError::Localhost);
        }
        let suffix = psl::suffix(ascii.as_bytes())
            .ok_or_else(|| DomainError::UnknownSuffix(ascii.clone()))?;
        if !suffix.is_known() {
            return Err(DomainError::UnknownSuffix(ascii));
        }
        match psl::domain(ascii.as_bytes()) {
            Some(d) => {
                let registrable = std::str::from_utf8(d.as_bytes())
                    .map_err(|_| DomainError::BadIdn(ascii.clone()))?
                    .to_owned();
                Ok(Domain(registrable))
            }
            None => Err(DomainError::PublicSuffix(ascii)),
        }
    }

    /// The domain as text, e.g. `costco.com`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn check_shape(ascii: &str) -> Result<(), DomainError> {
    if ascii.len() > MAX_NAME_LEN {
        return Err(DomainError::TooLong { len: ascii.len() });
    }
    for label in ascii.split('.') {
        if label.is_empty() {
            return Err(DomainError::EmptyLabel(ascii.to_owned()));
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(DomainError::LabelTooLong {
                name: ascii.to_owned(),
                len: label.len(),
            });
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(DomainError::BadHyphen(ascii.to_owned()));
        }
        if let Some(ch) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return Err(DomainError::BadCharacter {
                name: ascii.to_owned(),
                ch,
            });
        }
    }
    Ok(())
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Domain {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Domain::parse(s)
    }
}

impl TryFrom<String> for Domain {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Domain::parse(&s)
    }
}

impl From<Domain> for String {
    fn from(d: Domain) -> String {
        d.0
    }
}

impl AsRef<str> for Domain {
    fn as_ref(&self) -> &str {
        &self.0
    }
}
