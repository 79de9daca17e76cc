//! `pf_core::Domain::parse` on arbitrary text: never panics; what it accepts is a normalised,
//! lower-case ASCII name within DNS limits, and parsing that form again gives the same domain
//! (idempotence), also through serde (`Domain` deserialises by parsing).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pf_core::Domain;
use pf_core::domain::{MAX_LABEL_LEN, MAX_NAME_LEN};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(domain) = Domain::parse(text) else {
        return;
    };
    let s = domain.as_str();
    assert!(s.len() <= MAX_NAME_LEN, "{s:?} is too long");
    assert!(s.contains('.'), "{s:?} has no dot");
    for label in s.split('.') {
        assert!(
            !label.is_empty() && label.len() <= MAX_LABEL_LEN,
            "bad label in {s:?}"
        );
        assert!(
            label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{s:?} is not lower-case ASCII"
        );
    }
    let again = Domain::parse(s).unwrap_or_else(|e| panic!("{s:?} from {text:?} re-parses as {e}"));
    assert_eq!(again, domain, "parsing is not idempotent for {text:?}");
    assert_eq!(domain.to_string(), s);
    let json = serde_json::to_string(&domain).unwrap_or_default();
    let back: Domain =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json} does not deserialise: {e}"));
    assert_eq!(back, domain);
});
