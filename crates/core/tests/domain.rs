//! `Domain::parse`, case by case: what users paste and what it must become, and every way a
//! string is refused, with the exact `DomainError` variant and code.

use pf_core::{CoreError, Domain, DomainError};

fn ok(input: &str) -> String {
    match Domain::parse(input) {
        Ok(d) => d.as_str().to_owned(),
        Err(e) => panic!("`{input}` was refused: {e} ({})", e.code()),
    }
}

fn code(input: &str) -> &'static str {
    match Domain::parse(input) {
        Ok(d) => panic!("`{input}` was accepted as `{d}`"),
        Err(e) => e.code(),
    }
}

#[test]
fn urls_and_hosts_become_the_registrable_domain() {
    let cases = [
        ("https://www.Costco.com/warehouse?x=1", "costco.com"),
        ("costco.com", "costco.com"),
        ("COSTCO.COM", "costco.com"),
        ("  costco.com \n", "costco.com"),
        ("www.costco.com", "costco.com"),
        ("http://costco.com", "costco.com"),
        ("//costco.com/path", "costco.com"),
        ("costco.com/warehouse", "costco.com"),
        ("costco.com?q=tv", "costco.com"),
        ("shop.costco.co.uk", "costco.co.uk"),
        ("costco.co.uk", "costco.co.uk"),
        ("a.b.c.costco.com", "costco.com"),
        ("example.com.au", "example.com.au"),
    ];
    for (input, want) in cases {
        assert_eq!(ok(input), want, "input `{input}`");
    }
}

#[test]
fn a_trailing_dot_is_the_same_domain() {
    assert_eq!(ok("costco.com."), "costco.com");
    assert_eq!(ok("https://www.costco.com./x"), "costco.com");
}

#[test]
fn internationalised_names_become_punycode() {
    assert_eq!(ok("bücher.de"), "xn--bcher-kva.de");
    assert_eq!(ok("https://www.BÜCHER.de/katalog"), "xn--bcher-kva.de");
    assert_eq!(ok("xn--bcher-kva.de"), "xn--bcher-kva.de");
    assert_eq!(ok("münchen.de"), "xn--mnchen-3ya.de");
    // An ideographic full stop is a dot.
    assert_eq!(ok("bücher。de"), "xn--bcher-kva.de");
}

#[test]
fn user_info_ports_and_fragments_are_dropped() {
    let cases = [
        ("https://user:secret@www.costco.com/", "costco.com"),
        ("ftp://a@b@costco.com", "costco.com"),
        ("costco.com:8080", "costco.com"),
        ("https://costco.com:443/warehouse", "costco.com"),
        ("costco.com:", "costco.com"),
        ("https://costco.com#top", "costco.com"),
        ("costco.com#top", "costco.com"),
        ("https://user@costco.com:8443/a/b?c=d#e", "costco.com"),
        ("https://costco.com\\warehouse", "costco.com"),
        // A URL in the query string does not fool the scheme detection.
        ("costco.com/?next=https://evil.example.org/", "costco.com"),
    ];
    for (input, want) in cases {
        assert_eq!(ok(input), want, "input `{input}`");
    }
}

#[test]
fn ip_addresses_are_refused() {
    for input in [
        "127.0.0.1",
        "192.168.1.10",
        "http://10.0.0.1:8080/admin",
        "8.8.8.8.",
        "[::1]",
        "http://[2001:db8::1]:8080/",
        "https://[2001:db8::1]/",
        "::1",
        "2001:db8::1",
        "[::ffff:192.0.2.1]",
    ] {
        assert_eq!(code(input), "domain.ip_address", "input `{input}`");
    }
    let err = Domain::parse("http://[2001:db8::1]:8080/");
    assert_eq!(err, Err(DomainError::IpAddress("2001:db8::1".into())));
    assert_eq!(
        Domain::parse("::1"),
        Err(DomainError::IpAddress("::1".into()))
    );
}

#[test]
fn localhost_is_refused() {
    for input in [
        "localhost",
        "LOCALHOST",
        "http://localhost:3000/",
        "app.localhost",
        "localhost.",
    ] {
        assert_eq!(
            Domain::parse(input),
            Err(DomainError::Localhost),
            "input `{input}`"
        );
    }
}

#[test]
fn empty_input_is_refused() {
    for input in [
        "",
        "   ",
        "https://",
        "https:///path",
        "user@",
        ".",
        "?q=1",
        "#top",
    ] {
        assert_eq!(
            Domain::parse(input),
            Err(DomainError::Empty),
            "input `{input}`"
        );
    }
}

#[test]
fn empty_labels_are_refused() {
    for input in [
        "a..b.com",
        ".costco.com",
        "costco..com",
        "costco.com..",
        "www..costco.co.uk",
    ] {
        assert_eq!(code(input), "domain.empty_label", "input `{input}`");
    }
}

#[test]
fn labels_over_63_bytes_are_refused() {
    let at_limit = format!("{}.com", "a".repeat(63));
    assert_eq!(ok(&at_limit), at_limit);
    let over = format!("{}.com", "a".repeat(64));
    assert_eq!(
        Domain::parse(&over),
        Err(DomainError::LabelTooLong {
            name: over.clone(),
            len: 64
        })
    );
    // Also when the long label would be dropped as a subdomain.
    assert_eq!(
        code(&format!("{}.costco.com", "b".repeat(64))),
        "domain.label_too_long"
    );
}

#[test]
fn names_over_253_bytes_are_refused() {
    let (label, company) = ("a".repeat(63), "b".repeat(57));
    let at_limit = format!("{label}.{label}.{label}.{company}.com");
    assert_eq!(at_limit.len(), 253);
    assert_eq!(ok(&at_limit), format!("{company}.com"));
    let with_dot = format!("{at_limit}.");
    assert_eq!(
        ok(&with_dot),
        format!("{company}.com"),
        "the trailing dot does not count"
    );
    let over = format!("x{at_limit}");
    assert_eq!(Domain::parse(&over), Err(DomainError::TooLong { len: 254 }));
}

#[test]
fn bad_characters_are_refused() {
    // Underscores are legal in some DNS records but never in a registrable host name, so a
    // company domain with one is a typo: refused.
    for (input, ch) in [
        ("costco_.com", '_'),
        ("cost_co.com", '_'),
        ("costco!.com", '!'),
        ("cost co.com", ' '),
        ("costco.com:abc", ':'),
        ("cost%20co.com", '%'),
        ("cost\u{7}co.com", '\u{7}'),
    ] {
        match Domain::parse(input) {
            Err(DomainError::BadCharacter { ch: got, .. }) => assert_eq!(got, ch, "`{input}`"),
            other => panic!("`{input}` gave {other:?}"),
        }
    }
}

#[test]
fn hyphens_at_label_ends_are_refused() {
    for input in ["-costco.com", "costco-.com", "www.costco-.com"] {
        assert_eq!(code(input), "domain.bad_hyphen", "input `{input}`");
    }
    assert_eq!(ok("cost-co.com"), "cost-co.com");
}

#[test]
fn bare_public_suffixes_are_refused() {
    for input in ["com", "co.uk", "https://co.uk/", "com.", "github.io", "de"] {
        assert_eq!(code(input), "domain.public_suffix", "input `{input}`");
    }
    assert_eq!(
        Domain::parse("co.uk"),
        Err(DomainError::PublicSuffix("co.uk".into()))
    );
}

#[test]
fn unknown_top_level_domains_are_refused() {
    for input in ["costco.notatld", "costco.internal", "printer.lan", "costco"] {
        assert_eq!(code(input), "domain.unknown_suffix", "input `{input}`");
    }
}

#[test]
fn malformed_punycode_is_refused() {
    for input in ["xn--.com", "xn--zz.com", "www.xn--a.de", "XN--ZZZZ.COM"] {
        assert_eq!(code(input), "domain.bad_idn", "input `{input}`");
    }
}

#[test]
fn errors_have_stable_codes_and_convert_to_core_errors() {
    let err = Domain::parse("localhost").expect_err("refused");
    assert_eq!(err.code(), "domain.localhost");
    let core = CoreError::from(err);
    assert_eq!(core.code(), "domain.localhost");
    assert!(!core.to_string().is_empty());
}

#[test]
fn domains_round_trip_through_text_and_serde() {
    let d: Domain = "https://www.Costco.com/".parse().expect("a domain");
    assert_eq!(d.to_string(), "costco.com");
    let json = serde_json::to_string(&d).expect("serialises");
    assert_eq!(json, "\"costco.com\"");
    assert_eq!(serde_json::from_str::<Domain>(&json).ok(), Some(d));
    assert!(serde_json::from_str::<Domain>("\"localhost\"").is_err());
}
