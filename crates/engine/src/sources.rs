//! The built-in sources, one file each, and the list the engine registers.

pub mod builtwith;
pub mod job_boards;
pub mod sec_edgar;
pub mod similarweb;
pub mod website;
pub mod yahoo_finance;

use std::sync::Arc;

use crate::Source;

/// A source id from a literal known to be valid.
#[allow(clippy::expect_used)]
pub(crate) fn unreachable_id() -> pf_core::SourceId {
    pf_core::SourceId::new("unknown").expect("a valid literal source id")
}

/// Every built-in source. The website source comes first: it is free and the most trusted.
pub fn builtin() -> Vec<Arc<dyn Source>> {
    vec![
        Arc::new(website::Website::builtin()),
        Arc::new(builtwith::BuiltWith::new()),
        Arc::new(similarweb::SimilarWeb::new()),
        Arc::new(yahoo_finance::YahooFinance::new()),
        Arc::new(sec_edgar::SecEdgar::new()),
        Arc::new(job_boards::JobBoards::new()),
    ]
}
