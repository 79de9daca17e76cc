//! Properties of `Domain::parse` over generated input: it never panics, it is idempotent, and
//! what it returns for a plausible host name is the lower-case registrable domain under `.com`.

use pf_core::{Domain, DomainError};
use proptest::prelude::*;

/// One DNS label, in mixed case: 1..=63 letters, digits and inner hyphens. Labels that look like
/// punycode (`xn--`) are left out: random ones are not valid punycode.
fn label() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?".prop_filter("not a punycode label", |l| {
        !l.to_ascii_lowercase().starts_with("xn--")
    })
}

/// `label(.label)*.com`, at most 253 bytes.
fn hostname() -> impl Strategy<Value = String> {
    prop::collection::vec(label(), 1..5)
        .prop_map(|labels| format!("{}.com", labels.join(".")))
        .prop_filter("at most 253 bytes", |h| h.len() <= 253)
}

/// Text that resembles what gets pasted: URL pieces, dots, digits, brackets, non-ASCII.
fn pasted() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("https://".to_owned()),
        Just("www.".to_owned()),
        Just(".".to_owned()),
        Just(":".to_owned()),
        Just("@".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("/".to_owned()),
        Just("xn--".to_owned()),
        Just("co.uk".to_owned()),
        Just("com".to_owned()),
        Just("localhost".to_owned()),
        "[0-9]{1,4}",
        "[a-zA-Z-]{1,8}",
        "\\PC{1,3}",
        Just("\u{3002}".to_owned()),
        Just("bücher".to_owned()),
    ];
    prop::collection::vec(piece, 0..10).prop_map(|p| p.concat())
}

fn assert_idempotent(input: &str) -> Result<(), TestCaseError> {
    if let Ok(d) = Domain::parse(input) {
        let again = Domain::parse(d.as_str());
        prop_assert_eq!(
            again.as_ref(),
            Ok(&d),
            "`{}` gave `{}` but that re-parses to {:?}",
            input,
            d,
            again
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_on_any_string(s in any::<String>()) {
        let _ = Domain::parse(&s);
    }

    #[test]
    fn never_panics_on_pasted_looking_text(s in pasted()) {
        let _ = Domain::parse(&s);
    }

    #[test]
    fn parsing_is_idempotent_on_any_string(s in any::<String>()) {
        assert_idempotent(&s)?;
    }

    #[test]
    fn parsing_is_idempotent_on_pasted_looking_text(s in pasted()) {
        assert_idempotent(&s)?;
    }

    #[test]
    fn plausible_hostnames_give_their_lower_case_registrable_domain(host in hostname()) {
        match Domain::parse(&host) {
            Ok(d) => {
                let out = d.as_str();
                prop_assert!(out.bytes().all(|b| b.is_ascii_lowercase()
                    || b.is_ascii_digit() || b == b'-' || b == b'.'), "`{}`", out);
                prop_assert!(out.len() <= 253);
                prop_assert!(out.ends_with(".com"), "`{}`", out);
                prop_assert!(host.to_ascii_lowercase().ends_with(out), "`{}` from `{}`", out, host);
                prop_assert!(out.matches('.').count() >= 1);
                assert_idempotent(&host)?;
            }
            // A few `.com` second-level names are public suffixes themselves (`de.com`,
            // `blogspot.com`), so the bare name is not a company domain.
            Err(DomainError::PublicSuffix(s)) => prop_assert_eq!(s, host.to_ascii_lowercase()),
            Err(e) => prop_assert!(false, "`{}` refused: {}", host, e),
        }
    }

    #[test]
    fn urls_around_a_hostname_do_not_change_the_result(
        host in hostname(),
        scheme in prop_oneof![Just(""), Just("https://"), Just("http://user:pw@")],
        port in prop_oneof![Just(""), Just(":8080")],
        rest in prop_oneof![Just(""), Just("/"), Just("/a/b?c=d#e"), Just("?x=https://evil.org/")],
    ) {
        let url = format!("{scheme}{host}{port}{rest}");
        prop_assert_eq!(Domain::parse(&url), Domain::parse(&host), "`{}`", url);
    }

    #[test]
    fn labels_over_63_bytes_are_always_refused(long in "[a-z]{64,80}", host in hostname()) {
        let input = format!("{long}.{host}");
        let refused = matches!(
            Domain::parse(&input),
            Err(DomainError::LabelTooLong { .. } | DomainError::TooLong { .. })
        );
        prop_assert!(refused, "`{}`", input);
    }
}
