//! SEC EDGAR's response parsers on arbitrary bodies (`[parser, aux, body...]`, see `pf_fuzz`):
//! 0 `company_tickers.json` and the ticker/name match, 1 submissions, 2 company facts, 3 the
//! reply classifier with its HTML rate-limit pages (status `STATUSES[aux]`). Never panics; a
//! match is one of the parsed rows, found by its ticker when the ticker is listed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pf_engine::Source;
use pf_engine::sources::sec_edgar::{
    self, Listed, SecEdgar, companyfacts, find, submissions, tickers,
};

fuzz_target!(|data: &[u8]| {
    let (parser, aux, body) = pf_fuzz::split(data);
    let source = SecEdgar::new();
    let cx = pf_fuzz::context();
    let url = &pf_fuzz::fixture().url;
    match parser % 4 {
        0 => {
            let Ok(rows) = tickers::parse_tickers(body) else {
                return;
            };
            // The aux byte picks a row whose ticker and title are looked up.
            let Some(row) = rows.get(usize::from(aux) % rows.len().max(1)) else {
                return;
            };
            let hit = find(&rows, Some(&row.ticker), None);
            let canon = |t: &str| t.trim().to_ascii_uppercase().replace('.', "-");
            if !canon(&row.ticker).is_empty() {
                let hit = hit.unwrap_or_else(|| panic!("ticker {:?} not found", row.ticker));
                assert_eq!(canon(&hit.ticker), canon(&row.ticker));
            }
            if let Some(hit) = find(&rows, None, Some(&row.title)) {
                assert!(
                    rows.iter().any(|r| std::ptr::eq(r, hit)),
                    "a match outside the rows"
                );
            }
            let _ = sec_edgar::normalise_name(&row.title);
        }
        1 => {
            let listed = Listed {
                cik: 909_832,
                ticker: "COST".into(),
                title: "COSTCO WHOLESALE CORP /NEW".into(),
            };
            if let Ok(facts) = submissions::facts(body, &listed, &cx, source.descriptor(), url) {
                pf_fuzz::check_facts(&facts);
            }
        }
        2 => {
            if let Ok(facts) = companyfacts::facts(body, &cx, source.descriptor(), url) {
                pf_fuzz::check_facts(&facts);
            }
        }
        _ => {
            let _ = sec_edgar::classify(&pf_fuzz::reply(aux, body));
        }
    }
});
