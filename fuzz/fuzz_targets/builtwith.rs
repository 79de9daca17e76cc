//! BuiltWith's response parsers on arbitrary bodies (`[parser, aux, body...]`, see `pf_fuzz`):
//! 0 the Domain API envelope (`domain::facts`), 1 one Relationships page (`collect` and
//! `next_offset` from offset `aux * 1000` or `u64::MAX - aux`), 2 the reply classifier (status
//! `STATUSES[aux]`). Never panics; related domains never include the looked-up one; paging
//! never goes backwards.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use pf_engine::Source;
use pf_engine::sources::builtwith::{self, BuiltWith, domain, relationships};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let (parser, aux, body) = pf_fuzz::split(data);
    match parser % 3 {
        0 => {
            let source = BuiltWith::new();
            let cx = pf_fuzz::context();
            if let Ok(facts) =
                domain::facts(body, &cx, source.descriptor(), &pf_fuzz::fixture().url)
            {
                pf_fuzz::check_facts(&facts);
            }
        }
        1 => {
            let Ok(root) = serde_json::from_slice::<Value>(body) else {
                return;
            };
            let mut links = BTreeMap::new();
            relationships::collect(&root, pf_fuzz::DOMAIN, &mut links);
            for (domain, _) in links.keys() {
                assert!(!domain.is_empty(), "an empty related domain");
                assert_ne!(
                    domain,
                    pf_fuzz::DOMAIN,
                    "the looked-up domain is related to itself"
                );
            }
            let current = if aux & 0x80 == 0 {
                u64::from(aux) * 1000
            } else {
                u64::MAX - u64::from(aux & 0x7f)
            };
            if let Some(next) = relationships::next_offset(&root, current) {
                assert!(next > current, "paging went from {current} to {next}");
            }
        }
        _ => {
            let _ = builtwith::classify(&pf_fuzz::reply(aux, body));
        }
    }
});
