//! The accounts table, search and CSV import, through the plain command functions.

use partnerforge_desktop::commands::accounts;
use pf_core::{Intelligence, ModuleId, SourceId, SourceRef};
use time::macros::datetime;

use crate::support::{Shell, code, domain};

fn count_accounts(shell: &Shell) -> u64 {
    shell
        .session()
        .with_store(|s| s.count_accounts())
        .expect("count")
}

/// Stores a tech-stack result for `costco.com` whose text also says "warehouse", so that word
/// matches two documents of one account (company facts and M02).
fn store_tech_stack_mentioning_warehouse(shell: &Shell) {
    let at = datetime!(2026-03-01 10:00 UTC);
    let source = SourceRef::new(
        SourceId::new("website").expect("source id"),
        "homepage",
        None,
        at,
        0.9,
    )
    .expect("citation");
    let intel = Intelligence::new(
        serde_json::json!({ "technologies": ["Warehouse management by Manhattan", "Elasticsearch"] }),
        source,
        [],
    );
    shell
        .session()
        .with_store(|s| {
            let account = s.require_account(&domain("costco.com"))?;
            s.put_intelligence(
                account.id,
                ModuleId::TECH_STACK,
                &intel,
                at,
                at + time::Duration::days(30),
            )
        })
        .expect("store intelligence");
}

#[test]
fn accounts_list_with_empty_summaries_before_enrichment_and_search_groups_hits_by_account() {
    let shell = Shell::new(&[]);
    let session = shell.session();

    let rows = accounts::list(&session).expect("list");
    assert_eq!(rows.len() as u64, count_accounts(&shell));
    assert!(rows.len() >= 10, "the samples are listed: {}", rows.len());
    for row in &rows {
        assert_eq!(row.score, None, "{}", row.domain);
        assert_eq!(row.priority, None, "{}", row.domain);
        assert_eq!(row.search_provider, None, "{}", row.domain);
        assert_eq!(row.last_enriched, None, "{}", row.domain);
        assert_eq!(
            row.matched, None,
            "a plain list has no match: {}",
            row.domain
        );
        assert_eq!(
            row.snippet, None,
            "a plain list has no snippet: {}",
            row.domain
        );
    }
    let costco = rows
        .iter()
        .find(|r| r.domain == "costco.com")
        .expect("costco is a sample");
    assert_eq!(costco.name, "Costco Wholesale");
    assert_eq!(costco.region.as_deref(), Some("NA"));
    assert_eq!(costco.segment.as_deref(), Some("Enterprise"));

    // A blank query is the whole list.
    assert_eq!(
        accounts::search(&session, "   ").expect("blank").len(),
        rows.len()
    );

    // Two documents of one account match: one row for it, with the best hit's label and snippet.
    store_tech_stack_mentioning_warehouse(&shell);
    let fields = accounts::search_fields(&session, "warehouse").expect("fields");
    let costco_hits: Vec<_> = fields.iter().filter(|h| h.domain == "costco.com").collect();
    assert!(
        costco_hits.len() >= 2,
        "company facts and M02 both match: {fields:#?}"
    );
    for hit in &fields {
        assert!(
            hit.snippet.to_lowercase().contains("[warehouse"),
            "matches are bracketed: {hit:?}"
        );
        assert!(!hit.field_label.is_empty());
    }
    let grouped = accounts::search(&session, "warehouse").expect("search");
    let costco_rows: Vec<_> = grouped
        .iter()
        .filter(|r| r.domain == "costco.com")
        .collect();
    assert_eq!(costco_rows.len(), 1, "one row per account: {grouped:#?}");
    let row = costco_rows[0];
    assert!(row.matched.is_some(), "{row:?}");
    assert!(
        row.snippet.as_deref().is_some_and(|s| s.contains('[')),
        "{row:?}"
    );
    assert_eq!(row.name, "Costco Wholesale");

    // Search as you type: the last word is a prefix.
    let prefix = accounts::search(&session, "Cost").expect("prefix");
    assert!(
        prefix.iter().any(|r| r.domain == "costco.com"),
        "{prefix:#?}"
    );
}

#[test]
fn search_tolerates_broken_fts_syntax() {
    let shell = Shell::new(&[]);
    let session = shell.session();
    for query in [
        "\"unclosed",
        "AND OR",
        "*",
        "NEAR(",
        "costco\"",
        "(retail",
        "-",
        "a:b",
    ] {
        let rows = accounts::search(&session, query)
            .unwrap_or_else(|e| panic!("search `{query}` failed: {e:?}"));
        let fields = accounts::search_fields(&session, query)
            .unwrap_or_else(|e| panic!("search_fields `{query}` failed: {e:?}"));
        assert!(rows.len() <= 50 && fields.len() <= 50, "{query}");
    }
    // Syntax characters around a real word still find it.
    let rows = accounts::search(&session, "\"costco").expect("quoted word");
    assert!(rows.iter().any(|r| r.domain == "costco.com"), "{rows:#?}");
    assert!(
        accounts::search_fields(&session, "  ")
            .expect("blank")
            .is_empty()
    );
}

const CSV: &str = "domain,name,region\n\
                   acme-tools.com,Acme Tools,NA\n\
                   not a domain,Broken Row,EMEA\n\
                   ,Nameless,APAC\n\
                   widgets.io,Widgets,EMEA\n";

#[test]
fn import_preview_writes_nothing_and_commit_imports_the_good_rows_and_reports_the_rest() {
    let shell = Shell::new(&[]);
    let session = shell.session();
    let before = count_accounts(&shell);

    let preview = accounts::import(&session, CSV, false).expect("preview");
    assert!(!preview.committed);
    assert_eq!(preview.rows, 4);
    assert_eq!((preview.inserted, preview.updated), (0, 0));
    let accepted: Vec<_> = preview
        .accepted
        .iter()
        .map(|r| (r.line, r.domain.as_str(), r.name.as_str()))
        .collect();
    assert_eq!(
        accepted,
        [
            (2, "acme-tools.com", "Acme Tools"),
            (5, "widgets.io", "Widgets")
        ]
    );
    assert_eq!(preview.rejected.len(), 2, "{:#?}", preview.rejected);
    let malformed = &preview.rejected[0];
    assert_eq!(malformed.line, 3);
    assert_eq!(malformed.raw, "not a domain,Broken Row,EMEA");
    assert!(malformed.reason.contains("domain"), "{malformed:?}");
    let empty = &preview.rejected[1];
    assert_eq!(empty.line, 4);
    assert_eq!(empty.raw, ",Nameless,APAC");
    assert!(empty.reason.contains("empty"), "{empty:?}");
    assert_eq!(count_accounts(&shell), before, "a preview writes nothing");
    assert!(
        accounts::search(&session, "acme")
            .expect("search")
            .is_empty()
    );

    let done = accounts::import(&session, CSV, true).expect("commit");
    assert!(done.committed);
    assert_eq!((done.inserted, done.updated), (2, 0));
    assert_eq!(
        done.rejected, preview.rejected,
        "still reports the bad rows"
    );
    assert_eq!(count_accounts(&shell), before + 2);
    let rows = accounts::list(&session).expect("list");
    assert!(
        rows.iter()
            .any(|r| r.domain == "acme-tools.com" && r.name == "Acme Tools")
    );
    assert!(rows.iter().any(|r| r.domain == "widgets.io"));

    // Again: upsert by domain, nothing new.
    let again = accounts::import(&session, CSV, true).expect("re-import");
    assert_eq!((again.inserted, again.updated), (0, 0));
    assert_eq!(count_accounts(&shell), before + 2);
}

#[test]
fn import_without_a_domain_column_is_an_error_and_writes_nothing() {
    let shell = Shell::new(&[]);
    let session = shell.session();
    let before = count_accounts(&shell);
    let csv = "name,region\nAcme Tools,NA\n";
    assert_eq!(code(accounts::import(&session, csv, false)), "store.import");
    assert_eq!(code(accounts::import(&session, csv, true)), "store.import");
    assert_eq!(code(accounts::import(&session, "", true)), "store.import");
    assert_eq!(count_accounts(&shell), before);
}
