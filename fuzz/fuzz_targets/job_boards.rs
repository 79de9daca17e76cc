//! The job boards' response parsers on arbitrary bodies (`[parser, aux, body...]`, see
//! `pf_fuzz`): 0 Greenhouse, 1 Lever, 2 the shared classifier (status `STATUSES[aux]`). Never
//! panics; every job has a title and its `search_related` mark agrees with `is_search_related`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pf_engine::sources::job_boards;
use serde_json::Value;

fn check(jobs: &[Value], board: &str) {
    for j in jobs {
        let title = j["title"].as_str().unwrap_or_default();
        assert!(!title.trim().is_empty(), "a job without a title: {j}");
        assert_eq!(j["board"].as_str(), Some(board));
        assert_eq!(
            j["search_related"].as_bool(),
            Some(job_boards::is_search_related(title)),
            "search_related of {title:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let (parser, aux, body) = pf_fuzz::split(data);
    if parser % 3 == 2 {
        let _ = pf_engine::default_classify(&pf_fuzz::reply(aux, body));
        return;
    }
    let Ok(root) = serde_json::from_slice::<Value>(body) else {
        return;
    };
    if parser % 3 == 0 {
        if let Ok(jobs) = job_boards::greenhouse_jobs(&root) {
            check(&jobs, job_boards::GREENHOUSE);
        }
    } else if let Ok(jobs) = job_boards::lever_jobs(&root) {
        check(&jobs, job_boards::LEVER);
    }
});
