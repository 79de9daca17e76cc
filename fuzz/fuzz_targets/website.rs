//! The `website` source's path from a homepage body to detections, on arbitrary bodies
//! (`[page, aux, body...]`, see `pf_fuzz`): the page classifier (status `STATUSES[aux]`), the
//! script URLs the page loads and the ones that may be fetched, then the fingerprint rules over
//! the page as the source builds it (lossy UTF-8, the reply's headers). `page` picks the URL the
//! page was served from (direct, or under the mock base). Never panics; a binary 200 body is
//! refused; at most `MAX_SCRIPTS` scripts are fetched, all of them named by the page.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pf_detect::Page;
use pf_engine::sources::website;
use pf_engine::{SourceError, Verdict};
use url::Url;

const PAGE_URLS: &[&str] = &[
    "https://costco.com/",
    "https://www.costco.com/warehouse/",
    "http://127.0.0.1:9/website/costco.com/",
];

fuzz_target!(|data: &[u8]| {
    let (page, aux, body) = pf_fuzz::split(data);
    let reply = pf_fuzz::reply(aux, body);
    let verdict = website::classify_page(&reply);
    if reply.status == 200 && website::looks_binary(body) {
        assert!(
            matches!(verdict, Verdict::Fail(SourceError::Malformed(_))),
            "a binary page was not refused"
        );
        return;
    }
    let Ok(page_url) = Url::parse(PAGE_URLS[usize::from(page) % PAGE_URLS.len()]) else {
        return;
    };
    let html = String::from_utf8_lossy(body).into_owned();
    let rules = pf_fuzz::builtin_rules();
    let all = pf_detect::script_urls(&html, &page_url);
    let chosen = rules.fetchable_scripts(&all, &page_url, website::MAX_SCRIPTS);
    assert!(chosen.len() <= website::MAX_SCRIPTS);
    for u in &chosen {
        assert!(
            all.iter()
                .any(|a| a.as_str().split('#').next() == u.as_str().split('#').next()),
            "{u} is fetched but not on the page"
        );
    }
    let page = Page {
        url: page_url.clone(),
        final_url: page_url,
        status: reply.status,
        headers: reply.headers.clone(),
        html,
        scripts: Vec::new(),
    };
    pf_fuzz::check_detections(&rules.detect(&page));
});
