//! Who a request is about: a [`Subject`] (an e-mail and, optionally, a name) and how it is
//! recognised in text, and a [`Correction`] for rectification.

use serde::{Deserialize, Serialize};

use crate::CoreError;

/// The person a privacy request is about. The e-mail is required; the name widens the search to
/// records that name the person without their e-mail (an officer list, a quote).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    email: String,
    name: Option<String>,
}

impl Subject {
    /// A subject; the e-mail is lower-cased and checked, the name's spacing normalised. A name
    /// shorter than four characters or of one word is refused: it would match strangers.
    pub fn new(email: &str, name: Option<&str>) -> Result<Self, CoreError> {
        let email = email.trim().to_lowercase();
        let valid = match email.split_once('@') {
            Some((local, host)) => {
                !local.is_empty()
                    && host.contains('.')
                    && !host.starts_with('.')
                    && !host.ends_with('.')
                    && !email.chars().any(char::is_whitespace)
            }
            None => false,
        };
        if !valid || email.len() > 254 {
            return Err(CoreError::BadPrivacyRequest(
                "the subject's e-mail is not a valid address (expected name@company.com)".into(),
            ));
        }
        let name = match name.map(normalise).filter(|n| !n.is_empty()) {
            Some(n) if n.chars().count() < 4 || !n.contains(' ') => {
                return Err(CoreError::BadPrivacyRequest(
                    "the subject's name needs a first and a last name".into(),
                ));
            }
            other => other,
        };
        Ok(Self { email, name })
    }

    pub fn email(&self) -> &str {
        &self.email
    }

    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The texts that identify the subject, e-mail first.
    pub fn needles(&self) -> Vec<&str> {
        let mut v = vec![self.email.as_str()];
        if let Some(n) = &self.name {
            v.push(n.as_str());
        }
        v
    }

    /// Whether a text names the subject: contains the e-mail, or the name as whole words
    /// (case and spacing ignored).
    pub fn occurs_in(&self, text: &str) -> bool {
        let hay = normalise(text).to_lowercase();
        self.needles()
            .iter()
            .any(|n| find_word(&hay, &n.to_lowercase(), 0).is_some())
            || find_word(&text.to_lowercase(), &self.email, 0).is_some()
    }

    /// The text with every mention of the subject replaced by `with`; `None` if there was none.
    pub fn replace_in(&self, text: &str, email_with: &str, name_with: &str) -> Option<String> {
        if !self.occurs_in(text) {
            return None;
        }
        let mut out = replace_word(text, &self.email, email_with);
        if let Some(n) = &self.name {
            out = replace_word(&out, n, name_with);
        }
        Some(out)
    }

    /// The subject as shown once a request is completed: `j***@acme.com`, initials for the name.
    pub fn masked(&self) -> String {
        let mut s = mask_email(&self.email);
        if let Some(n) = &self.name {
            let initials: String = n
                .split(' ')
                .filter_map(|w| w.chars().next())
                .map(|c| format!("{c}."))
                .collect();
            s.push_str(&format!(" ({initials})"));
        }
        s
    }
}

/// `jane.doe@acme.com` -> `j***@acme.com`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, host)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{host}")
        }
        None => "***".into(),
    }
}

/// Corrected values for a rectification; fields left out keep their value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Correction {
    pub name: Option<String>,
    pub email: Option<String>,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub linkedin: Option<String>,
}

impl Correction {
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.email.is_none()
            && self.title.is_none()
            && self.phone.is_none()
            && self.linkedin.is_none()
    }

    /// The corrected value for a record field, by the field names sources use.
    pub fn for_field(&self, field: &str) -> Option<&str> {
        let f = field.to_ascii_lowercase();
        match f.as_str() {
            "name" | "full_name" | "fullname" | "speaker" | "contact_name" => self.name.as_deref(),
            "email" | "e_mail" | "contact_email" => self.email.as_deref(),
            "title" | "job_title" | "position" => self.title.as_deref(),
            "phone" | "phone_number" | "telephone" => self.phone.as_deref(),
            "linkedin" | "linkedin_url" => self.linkedin.as_deref(),
            _ => None,
        }
    }
}

fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The byte offset of `needle` in `hay` (both lower-case) from `from`, as whole words.
fn find_word(hay: &str, needle: &str, from: usize) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let mut start = from;
    while let Some(pos) = hay.get(start..).and_then(|h| h.find(needle)) {
        let at = start + pos;
        let end = at + needle.len();
        let before = hay[..at].chars().next_back();
        let mut rest = hay[end..].chars();
        let after = rest.next();
        // An e-mail continues through `.@_-+` (`mary.jane.doe@acme.com.au` is someone else);
        // a name ends at punctuation. A full stop then a space ends either.
        let email = needle.contains('@');
        let joins = |c: char| c.is_alphanumeric() || (email && "@_-+".contains(c));
        let ok_before = before.is_none_or(|c| !(joins(c) || (email && c == '.')));
        let ok_after = match after {
            None => true,
            Some('.') if email => rest.next().is_none_or(|c| !c.is_alphanumeric()),
            Some(c) => !joins(c),
        };
        if ok_before && ok_after {
            return Some(at);
        }
        start = at + hay[at..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// Replaces whole-word, case-insensitive mentions of `needle` (spacing ignored) with `with`.
fn replace_word(text: &str, needle: &str, with: &str) -> String {
    // Work on a spacing-normalised copy when the needle has spaces, so "Jane  Doe" matches.
    let base = if needle.contains(' ') {
        normalise(text)
    } else {
        text.to_owned()
    };
    let lower = base.to_lowercase();
    if lower.len() != base.len() {
        // Case folding changed byte offsets (rare scripts): fall back to an exact replace.
        return base.replace(needle, with);
    }
    let needle = needle.to_lowercase();
    let mut out = String::with_capacity(base.len());
    let mut last = 0;
    let mut from = 0;
    while let Some(at) = find_word(&lower, &needle, from) {
        out.push_str(&base[last..at]);
        out.push_str(with);
        last = at + needle.len();
        from = last;
    }
    out.push_str(&base[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jane() -> Subject {
        Subject::new(" Jane.Doe@Acme.com ", Some("Jane   Doe")).expect("valid subject")
    }

    #[test]
    fn subjects_are_normalised_and_checked() {
        let s = jane();
        assert_eq!(s.email(), "jane.doe@acme.com");
        assert_eq!(s.name(), Some("Jane Doe"));
        assert!(Subject::new("not-an-email", None).is_err());
        assert!(Subject::new("a@b", None).is_err());
        assert!(Subject::new("jane@acme.com", Some("Jo")).is_err());
        assert!(Subject::new("jane@acme.com", Some("Jane")).is_err());
        assert!(Subject::new("jane@acme.com", Some("  ")).is_ok());
    }

    #[test]
    fn mentions_are_found_as_whole_words_in_any_case() {
        let s = jane();
        assert!(s.occurs_in("CEO JANE DOE said"));
        assert!(s.occurs_in("write to jane.doe@acme.com today"));
        assert!(s.occurs_in("Jane\n Doe"));
        assert!(!s.occurs_in("Jane Doering is someone else"));
        assert!(!s.occurs_in("mary.jane.doe@acme.com.au"));
    }

    #[test]
    fn mentions_are_replaced_and_others_kept() {
        let s = jane();
        let out = s
            .replace_in(
                "Jane Doe (jane.doe@acme.com) met Jane Doering",
                "[e]",
                "[n]",
            )
            .expect("mentioned");
        assert_eq!(out, "[n] ([e]) met Jane Doering");
        assert_eq!(s.replace_in("nobody here", "[e]", "[n]"), None);
    }

    #[test]
    fn masks_hide_the_subject() {
        assert_eq!(jane().masked(), "j***@acme.com (J.D.)");
        assert_eq!(mask_email("x"), "***");
    }
}
