//! SimilarWeb's response parsers on arbitrary bodies (`[parser, aux, body...]`, see `pf_fuzz`):
//! 0 total visits, 1 similar sites, 2 the reply classifier (status `STATUSES[aux]`). Never
//! panics; the visit history is by month, sorted and without repeats; similar sites leave out
//! the account's own domain and keep scores within `0..=1`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pf_engine::Source;
use pf_engine::sources::similarweb::{self, SimilarWeb};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let (parser, aux, body) = pf_fuzz::split(data);
    let source = SimilarWeb::new();
    let cx = pf_fuzz::context();
    let url = &pf_fuzz::fixture().url;
    match parser % 3 {
        0 => {
            let Ok(root) = serde_json::from_slice::<Value>(body) else {
                return;
            };
            let Ok(facts) = similarweb::visits_facts(&root, &cx, source.descriptor(), url) else {
                return;
            };
            pf_fuzz::check_facts(&facts);
            for f in facts
                .iter()
                .filter(|f| f.field.as_str() == pf_engine::fact::fields::TRAFFIC_HISTORY)
            {
                let months: Vec<&str> = f
                    .value
                    .as_array()
                    .map(Vec::as_slice)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|m| m["month"].as_str())
                    .collect();
                assert!(months.windows(2).all(|w| w[0] < w[1]), "history {months:?}");
            }
        }
        1 => {
            let Ok(root) = serde_json::from_slice::<Value>(body) else {
                return;
            };
            let Ok(facts) = similarweb::similar_facts(&root, &cx, source.descriptor(), url) else {
                return;
            };
            pf_fuzz::check_facts(&facts);
            for site in facts
                .iter()
                .flat_map(|f| f.value.as_array().cloned().unwrap_or_default())
            {
                assert_ne!(
                    site["domain"].as_str(),
                    Some(pf_fuzz::DOMAIN),
                    "own domain listed"
                );
                if let Some(s) = site["score"].as_f64() {
                    assert!((0.0..=1.0).contains(&s), "score {s}");
                }
            }
        }
        _ => {
            let _ = similarweb::classify(&pf_fuzz::reply(aux, body));
        }
    }
});
