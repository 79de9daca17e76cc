//! Yahoo Finance's response parsers on arbitrary bodies (`[parser, aux, body...]`, see
//! `pf_fuzz`): 0 quoteSummary (`quote::facts`), 1 the cookie classifier, 2 the crumb classifier,
//! 3 the quoteSummary classifier (status `STATUSES[aux]`). Never panics; a crumb the classifier
//! lets through is a short token without whitespace or markup.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pf_engine::sources::yahoo_finance::{self, YahooFinance, quote};
use pf_engine::{Source, Verdict};

fuzz_target!(|data: &[u8]| {
    let (parser, aux, body) = pf_fuzz::split(data);
    match parser % 4 {
        0 => {
            let source = YahooFinance::new();
            let cx = pf_fuzz::context();
            if let Ok(facts) = quote::facts(body, &cx, source.descriptor(), &pf_fuzz::fixture().url)
            {
                assert!(!facts.is_empty(), "Ok without facts (should be NoData)");
                pf_fuzz::check_facts(&facts);
            }
        }
        1 => {
            let _ = yahoo_finance::classify_cookie(&pf_fuzz::reply(aux, body));
        }
        2 => {
            let reply = pf_fuzz::reply(aux, body);
            if reply.status == 200 && matches!(yahoo_finance::classify_crumb(&reply), Verdict::Ok) {
                let text = reply.text();
                let crumb = text.trim();
                assert!(!crumb.is_empty() && crumb.len() <= 64, "crumb {crumb:?}");
                assert!(!crumb.contains(char::is_whitespace), "crumb {crumb:?}");
            }
        }
        _ => {
            let _ = yahoo_finance::classify_quote(&pf_fuzz::reply(aux, body));
        }
    }
});
