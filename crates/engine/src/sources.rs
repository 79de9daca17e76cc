//! The built-in sources, one file each, and the list the engine registers.

pub mod builtwith;
pub mod job_boards;
pub mod sec_edgar;
pub mod similarweb;
pub mod website;
pub mod yahoo_finance;

use std::sync::Arc;

use crate::Source;

/// The built-in sources, with the website detection rules extended by the user's file
/// (`website.rules_file` in the configuration; by default `fingerprints.toml` in the data dir,
/// used when it exists).
pub fn configured(config: &crate::Config) -> Result<Vec<Arc<dyn Source>>, crate::SourceError> {
    let mut all = builtin();
    let file = match config.get("website.rules_file") {
        Some(f) => Some(std::path::PathBuf::from(f)),
        None => config
            .path()
            .parent()
            .map(|d| d.join("fingerprints.toml"))
            .filter(|p| p.exists()),
    };
    if let Some(file) = file {
        let user: Arc<dyn Source> = Arc::new(website::Website::with_user_rules(&file)?);
        for s in all
            .iter_mut()
            .filter(|s| s.descriptor().id == user.descriptor().id)
        {
            *s = user.clone();
        }
    }
    Ok(all)
}

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
