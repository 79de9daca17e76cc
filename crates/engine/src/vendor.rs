//! One name per site-search vendor. Detection rules and providers name products differently
//! ("Bloomreach Discovery", "Algolia for Shopify", "Elastic App Search", "Constructor.io"); the
//! search provider is always reported under the vendor names of the configuration (DESIGN.md:
//! Algolia, Elasticsearch, Coveo, Constructor, Bloomreach, Lucidworks, ...), so sources agree
//! when they see the same vendor and competitor rules match.

/// (prefix or name, lower-case) -> canonical vendor name.
const ALIASES: &[(&str, &str)] = &[
    ("algolia", "Algolia"),
    ("wp search with algolia", "Algolia"),
    ("instantsearch", "Algolia"),
    ("elastic app search", "Elasticsearch"),
    ("elastic site search", "Swiftype"),
    ("elastic enterprise search", "Elasticsearch"),
    ("elasticpress", "Elasticsearch"),
    ("elasticsuite", "Elasticsearch"),
    ("elasticsearch", "Elasticsearch"),
    ("searchkit", "Elasticsearch"),
    ("swiftype", "Swiftype"),
    ("constructor", "Constructor"),
    ("bloomreach", "Bloomreach"),
    ("lucidworks", "Lucidworks"),
    ("yext", "Yext"),
    ("searchspring", "Searchspring"),
    ("klevu", "Klevu"),
    ("doofinder", "Doofinder"),
    ("typesense", "Typesense"),
    ("meilisearch", "Meilisearch"),
    ("coveo", "Coveo"),
];

/// The canonical vendor name for a product or vendor name; unknown names are kept as they are.
pub fn canonical(name: &str) -> String {
    let lower = name.trim().to_lowercase();
    ALIASES
        .iter()
        .find(|(alias, _)| {
            lower == *alias
                || lower.starts_with(&format!("{alias} "))
                || lower.starts_with(&format!("{alias}."))
                || lower.starts_with(alias) && alias.len() > 6
        })
        .map(|(_, c)| (*c).to_owned())
        .unwrap_or_else(|| name.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_names_map_to_the_configured_vendor_names() {
        assert_eq!(canonical("Algolia for Shopify"), "Algolia");
        assert_eq!(canonical("InstantSearch"), "Algolia");
        assert_eq!(canonical("Bloomreach Discovery"), "Bloomreach");
        assert_eq!(canonical("Lucidworks Fusion"), "Lucidworks");
        assert_eq!(canonical("Yext Search"), "Yext");
        assert_eq!(canonical("Constructor.io"), "Constructor");
        assert_eq!(canonical("Elastic App Search"), "Elasticsearch");
        assert_eq!(canonical("Coveo"), "Coveo");
        assert_eq!(canonical("HawkSearch"), "HawkSearch");
    }
}
