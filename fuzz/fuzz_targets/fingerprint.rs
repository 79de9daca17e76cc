//! The pf-detect fingerprint rules over hostile input. Text starting with `[` is a user rule
//! file: it is compiled on its own (`from_toml`) and then added to the built-in rules
//! (`extend`); each accepted set scans the file itself as a page. Anything else is a page:
//! NUL-separated sections of response headers (`name: value` lines), HTML, then fetched scripts
//! (first line the URL, relative to the page); without a NUL, all of it is HTML. Never panics
//! and always finishes (the fuzz script runs it with a per-input timeout); detections keep
//! their invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pf_detect::{Page, Resource};
use url::Url;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(page_url) = Url::parse("https://www.costco.com/") else {
        return;
    };
    if text.starts_with('[') {
        let Ok(user) = pf_detect::Ruleset::from_toml(&text) else {
            return;
        };
        let page = Page::from_html(page_url.clone(), text.clone().into_owned());
        pf_fuzz::check_detections(&user.detect(&page));
        let Ok(rules) = pf_detect::Ruleset::builtin().extend(user) else {
            return;
        };
        let page = Page::from_html(page_url, text.into_owned());
        pf_fuzz::check_detections(&rules.detect(&page));
        return;
    }
    let mut sections = text.split('\0');
    let (headers, html) = match (sections.next(), sections.next()) {
        (Some(h), Some(html)) => (h, html),
        (Some(html), None) => ("", html),
        _ => return,
    };
    let headers: Vec<(String, String)> = headers
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let scripts: Vec<Resource> = sections
        .filter_map(|s| {
            let (first, body) = s.split_once('\n').unwrap_or((s, ""));
            let url = page_url.join(first.trim()).ok()?;
            Some(Resource {
                url,
                body: body.to_owned(),
            })
        })
        .collect();
    let page = Page {
        url: page_url.clone(),
        final_url: page_url,
        status: 200,
        headers,
        html: html.to_owned(),
        scripts,
    };
    pf_fuzz::check_detections(&pf_fuzz::builtin_rules().detect(&page));
});
