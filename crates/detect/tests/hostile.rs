//! Hostile input: nothing panics, every answer stays within its bounds, and huge or pathological
//! pages finish quickly because only a capped prefix is ever looked at.

use pf_detect::{Limits, MAX_SNIPPET, Page, Resource, Ruleset, fetchable_scripts, script_urls};
use proptest::prelude::*;
use std::time::{Duration, Instant};
use url::Url;

fn base() -> Url {
    Url::parse("https://www.acme.com/").expect("url")
}

fn check(page: &Page) {
    for d in Ruleset::builtin().detect(page) {
        assert!((0.0..=1.0).contains(&d.confidence), "{d:?}");
        assert!(!d.evidence.is_empty());
        for e in &d.evidence {
            assert!(
                e.matched.len() <= MAX_SNIPPET && e.location.len() <= MAX_SNIPPET + 16,
                "{e:?}"
            );
        }
    }
}

/// Fragments that steer random input into the scanner's and matchers' interesting paths.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<".to_string()),
        Just(">".to_string()),
        Just("<!--".to_string()),
        Just("-->".to_string()),
        Just("<script".to_string()),
        Just("</script>".to_string()),
        Just("<script src=".to_string()),
        Just("<meta name=generator content=".to_string()),
        Just("<base href=".to_string()),
        Just(" class=\"ais-SearchBox CoveoSearchbox\"".to_string()),
        Just(" data-cnstrc-item-id=1".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("=".to_string()),
        Just("&amp;".to_string()),
        Just("&#x".to_string()),
        Just("https://x-dsn.algolia.net/1/indexes".to_string()),
        Just("algoliasearch(".to_string()),
        Just("cdn.shopify.com/".to_string()),
        Just("é€😀\u{fffd}\0".to_string()),
        "[a-z/.:#-]{0,12}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_html_and_headers_never_panic(
        html in any::<String>(),
        headers in proptest::collection::vec((any::<String>(), any::<String>()), 0..8),
    ) {
        let mut page = Page::from_html(base(), html.clone());
        page.headers = headers;
        page.scripts.push(Resource { url: base(), body: html.clone() });
        check(&page);
        let urls = script_urls(&html, &base());
        prop_assert!(fetchable_scripts(&urls, &base(), 4).len() <= 4);
    }

    #[test]
    fn markup_like_soup_never_panics(parts in proptest::collection::vec(fragment(), 0..60)) {
        let html = parts.concat();
        let mut page = Page::from_html(base(), html.clone());
        page.headers = vec![("Set-Cookie".into(), html.clone()), ("server".into(), html.clone())];
        check(&page);
        // Tiny caps cut through the middle of tags, entities and multi-byte characters.
        let tiny = Limits { max_html_bytes: 7, max_script_bytes: 3, max_scripts: 1, max_script_urls: 1, max_headers: 1 };
        let _ = Ruleset::builtin().detect_with(&page, &tiny);
        let _ = script_urls(&html, &base());
    }

    #[test]
    fn arbitrary_rule_files_never_panic(text in any::<String>(), parts in proptest::collection::vec(fragment(), 0..20)) {
        let _ = Ruleset::from_toml(&text);
        let rule = format!("[[rule]]\nname = 'X'\ncategory = 'cms'\nmatchers = [ {{ html = '''{}''' }} ]", parts.concat());
        if let Ok(rules) = Ruleset::from_toml(&rule) {
            let _ = rules.detect(&Page::from_html(base(), parts.concat()));
        }
    }
}

/// Runs detection and asserts it took less than `limit` (generous: tests run unoptimised).
fn timed(page: &Page, limit: Duration) {
    let start = Instant::now();
    check(page);
    let took = start.elapsed();
    assert!(took < limit, "took {took:?}");
}

#[test]
fn huge_repetitive_pages_finish_fast() {
    let secs = Duration::from_secs(20);
    let sizes = 8 * 1024 * 1024;
    let tag_soup =
        "<div class=\"ais-Hits-item coveo-x klevu-y\" data-cnstrc-x=1 id=shopify-section-1>"
            .repeat(sizes / 80);
    timed(&Page::from_html(base(), tag_soup), secs);
    let lt = "<".repeat(sizes);
    timed(&Page::from_html(base(), lt), secs);
    let comment = format!("<!--{}", "-".repeat(sizes));
    timed(&Page::from_html(base(), comment), secs);
    let open_script = format!("<script>{}", "algoliasearch(".repeat(sizes / 14));
    timed(&Page::from_html(base(), open_script), secs);
    let urls = "https://a-dsn.algolia.net/".repeat(sizes / 26);
    timed(&Page::from_html(base(), urls), secs);
    let attrs = format!("<div {}>", "a=b ".repeat(sizes / 4));
    timed(&Page::from_html(base(), attrs), secs);
    let many_scripts = "<script src=/a.js></script><script>x</script>".repeat(sizes / 44);
    timed(&Page::from_html(base(), many_scripts), secs);
}

#[test]
fn huge_scripts_headers_and_counts_are_capped() {
    let body = "var x=\"https://x-dsn.algolia.net\";".repeat(200_000);
    let mut page = Page::from_html(base(), "<p>hi</p>");
    page.scripts = (0..200)
        .map(|i| Resource {
            url: Url::parse(&format!("https://www.acme.com/{i}.js")).expect("url"),
            body: body.clone(),
        })
        .collect();
    page.headers = (0..100_000)
        .map(|i| (format!("x-h{i}"), "v".repeat(64)))
        .collect();
    page.headers
        .push(("set-cookie".into(), format!("{}=1", "a".repeat(1_000_000))));
    timed(&page, Duration::from_secs(20));
    let found = Ruleset::builtin().detect(&page);
    assert!(found.iter().any(|d| d.technology == "Algolia"));
}

#[test]
fn binary_bodies_are_just_text() {
    let bytes: Vec<u8> = (0..2_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let html = String::from_utf8_lossy(&bytes).into_owned();
    let mut page = Page::from_html(base(), html.clone());
    page.scripts.push(Resource {
        url: base(),
        body: html,
    });
    timed(&page, Duration::from_secs(20));
}

#[test]
fn evidence_past_the_cap_is_not_seen() {
    let html = format!(
        "{}<script src=\"https://cnstrc.com/js/cust/a.js\"></script>",
        " ".repeat(3 * 1024 * 1024)
    );
    let page = Page::from_html(base(), html);
    assert!(Ruleset::builtin().detect(&page).is_empty());
    let wide = Limits {
        max_html_bytes: 4 * 1024 * 1024,
        ..Limits::default()
    };
    assert!(
        Ruleset::builtin()
            .detect_with(&page, &wide)
            .iter()
            .any(|d| d.technology == "Constructor")
    );
}

#[test]
fn many_active_dom_hints_over_many_tags_stay_fast() {
    // Every dom hint's name appears as text, so the prefilter wakes them all, but no tag has one:
    // each hint is then compared with every class, id and attribute of 2 MB of tags.
    let names: Vec<&str> = pf_detect::BUILTIN_RULES
        .lines()
        .filter_map(|l| l.split("dom = '").nth(1))
        .filter_map(|r| r.split('\'').next())
        .map(|h| {
            h.trim_start_matches(['.', '#', '['])
                .trim_end_matches([']', '*'])
        })
        .collect();
    assert!(names.len() > 40);
    let tags = "<i class=\"a b c d e f g h\" id=x data-a=1 data-b=2>".repeat(2 * 1024 * 1024 / 48);
    let html = format!("<p>{}</p>{tags}", names.join(" "));
    timed(&Page::from_html(base(), html), Duration::from_secs(20));
}
