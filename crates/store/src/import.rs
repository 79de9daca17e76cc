//! Account import from CSV: a header row, flexible column names, per-row errors that never lose
//! the good rows, and upsert by domain so a re-import updates instead of duplicating. All rows of
//! a file are written in one transaction.

use pf_core::{Domain, NewAccount, UserId};
use serde::Serialize;
use std::io::Read;

use crate::{Store, StoreError, UpsertOutcome};

/// A column we understand, and the header spellings that mean it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Domain,
    Name,
    Region,
    Country,
    Segment,
    Industry,
    Employees,
    Revenue,
    RevenueMillions,
    Owner,
    Territory,
    Tags,
}

/// Header text lower-cased with everything but letters and digits removed.
fn squash(h: &str) -> String {
    h.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn column_for(header: &str) -> Option<Column> {
    Some(match squash(header).as_str() {
        "domain" | "website" | "url" | "site" | "web" | "homepage" | "companywebsite"
        | "companydomain" | "websiteurl" => Column::Domain,
        "name" | "company" | "companyname" | "account" | "accountname" | "organisation"
        | "organization" => Column::Name,
        "region" | "geo" => Column::Region,
        "country" | "hqcountry" => Column::Country,
        "segment" => Column::Segment,
        "industry" => Column::Industry,
        "employees" | "numberofemployees" | "employeecount" | "headcount" => Column::Employees,
        "revenue" | "revenueusd" | "annualrevenue" => Column::Revenue,
        "revenuesm" | "revenuem" | "revenuemillions" | "revenueusdm" => Column::RevenueMillions,
        "owner" | "accountowner" => Column::Owner,
        "territory" => Column::Territory,
        "tags" | "labels" => Column::Tags,
        _ => return None,
    })
}

/// A row that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectedRow {
    /// The line in the file (the header is line 1).
    pub line: u64,
    pub reason: String,
    /// The row as read (fields joined by commas), so a person can fix it; empty when unreadable.
    #[serde(default)]
    pub raw: String,
}

/// A CSV file read but not written: the rows that would be imported and the rejected ones.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedCsv {
    /// Data rows read (blank rows excluded).
    pub rows: u64,
    /// Good rows with their line numbers.
    pub accepted: Vec<(u64, NewAccount)>,
    pub rejected: Vec<RejectedRow>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub imported: usize,
    /// Rows that matched an existing account by domain and changed it.
    pub updated: usize,
    /// Rows that matched an existing account and changed nothing.
    pub unchanged: usize,
    pub rejected: Vec<RejectedRow>,
}

fn number(raw: &str, what: &str) -> Result<Option<f64>, String> {
    let t = raw
        .trim()
        .trim_start_matches('$')
        .replace([',', '_', ' '], "");
    if t.is_empty() || t == "-" {
        return Ok(None);
    }
    match t.parse::<f64>() {
        Ok(n) if n.is_finite() && n >= 0.0 => Ok(Some(n)),
        _ => Err(format!(
            "{what} `{}` is not a non-negative number",
            raw.trim()
        )),
    }
}

fn text(raw: &str) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// Builds an account from one row, or says why the row is rejected.
fn row_to_account(
    columns: &[Option<Column>],
    row: &csv::StringRecord,
) -> Result<NewAccount, String> {
    let mut acc = NewAccount::default();
    let mut saw_domain_column = false;
    for (col, value) in columns.iter().zip(row.iter()) {
        let Some(col) = col else { continue };
        match col {
            Column::Domain => {
                saw_domain_column = true;
                if value.trim().is_empty() {
                    return Err("the domain is empty".into());
                }
                let d =
                    Domain::parse(value).map_err(|e| format!("domain `{}`: {e}", value.trim()))?;
                acc.domain = Some(d);
            }
            Column::Name => acc.name = text(value),
            Column::Region => acc.region = text(value),
            Column::Country => acc.country = text(value),
            Column::Segment => acc.segment = text(value),
            Column::Industry => acc.industry = text(value),
            Column::Employees => {
                acc.employees = number(value, "employees")?.map(|n| n.round() as u64)
            }
            Column::Revenue => {
                acc.revenue_usd = number(value, "revenue")?.map(|n| n.round() as u64)
            }
            Column::RevenueMillions => {
                if acc.revenue_usd.is_none() {
                    acc.revenue_usd =
                        number(value, "revenue")?.map(|n| (n * 1_000_000.0).round() as u64);
                }
            }
            Column::Owner => {
                acc.owner = text(value)
                    .map(|o| UserId::new(&o).map_err(|_| format!("owner `{o}` is not a user id")))
                    .transpose()?;
            }
            Column::Territory => acc.territory = text(value),
            Column::Tags => acc.tags = vec![value.to_owned()],
        }
    }
    if !saw_domain_column || acc.domain.is_none() {
        return Err("the domain is missing".into());
    }
    Ok(acc)
}

impl Store {
    /// Imports accounts from CSV text. A file-level problem (unreadable, no header, no domain
    /// column) is an error; a bad row is reported in [`ImportReport::rejected`] and skipped.
    pub fn import_csv(&self, input: impl Read) -> Result<ImportReport, StoreError> {
        import(self, input)
    }
}

/// Reads CSV text without writing anything (the import preview). A file-level problem
/// (unreadable, no header, no domain column) is an error; bad rows are listed as rejected.
pub fn parse_csv(input: impl Read) -> Result<ParsedCsv, StoreError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::Headers)
        .from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| StoreError::Import(format!("no readable header row: {e}")))?
        .clone();
    let mut columns: Vec<Option<Column>> = Vec::with_capacity(headers.len());
    for h in headers.iter() {
        let c = column_for(h.trim_start_matches('\u{feff}'));
        // The first column of a kind wins (a file with both `Website` and `url` uses the first).
        columns.push(c.filter(|c| !columns.contains(&Some(*c))));
    }
    if !columns.contains(&Some(Column::Domain)) {
        return Err(StoreError::Import(
            "no domain column (looked for: domain, website, url, site, homepage)".into(),
        ));
    }
    let mut parsed = ParsedCsv::default();
    let mut record = csv::StringRecord::new();
    // The reader counts `\n` only: with bare `\r` line ends (old Mac files) every row would be
    // "line 1". A row is always at least one line after the one before it.
    let mut last: u64 = 1; // the header's line
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(line).max(last + 1);
                last = line;
                parsed.rows += 1;
                parsed.rejected.push(RejectedRow {
                    line,
                    reason: format!("unreadable row: {e}"),
                    raw: String::new(),
                });
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        }
        let line = record
            .position()
            .map(|p| p.line())
            .unwrap_or(line)
            .max(last + 1);
        last = line;
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        parsed.rows += 1;
        match row_to_account(&columns, &record) {
            Err(reason) => parsed.rejected.push(RejectedRow {
                line,
                reason,
                raw: record.iter().collect::<Vec<_>>().join(","),
            }),
            Ok(acc) => parsed.accepted.push((line, acc)),
        }
    }
    Ok(parsed)
}

fn import(store: &Store, input: impl Read) -> Result<ImportReport, StoreError> {
    let parsed = parse_csv(input)?;
    let mut report = ImportReport {
        rejected: parsed.rejected,
        ..ImportReport::default()
    };
    store.batch(|store| {
        for (_, acc) in &parsed.accepted {
            match store.upsert_account(acc)? {
                UpsertOutcome::Inserted(_) => report.imported += 1,
                UpsertOutcome::Updated(_) => report.updated += 1,
                UpsertOutcome::Unchanged(_) => report.unchanged += 1,
            }
        }
        Ok(())
    })?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_of_a_file_with_bare_cr_line_ends_get_their_own_line_numbers() {
        // Found by the csv_import fuzz target: every row was reported as line 1.
        let parsed =
            parse_csv("domain,name\rcostco.com,Costco\rnot a domain,X\rtarget.com,T".as_bytes())
                .expect("parsed");
        let lines: Vec<u64> = parsed.accepted.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![2, 4]);
        assert_eq!(
            parsed.rejected.iter().map(|r| r.line).collect::<Vec<_>>(),
            vec![3]
        );
    }

    #[test]
    fn header_aliases_map_to_columns() {
        assert_eq!(column_for("Website"), Some(Column::Domain));
        assert_eq!(column_for("URL"), Some(Column::Domain));
        assert_eq!(column_for("Company"), Some(Column::Name));
        assert_eq!(column_for("Number_of_employees"), Some(Column::Employees));
        assert_eq!(column_for("Revenues_M"), Some(Column::RevenueMillions));
        assert_eq!(column_for("Ticker"), None);
    }

    #[test]
    fn numbers_accept_thousands_separators_and_reject_garbage() {
        assert_eq!(number("2,100,000", "employees"), Ok(Some(2_100_000.0)));
        assert_eq!(number(" ", "employees"), Ok(None));
        assert!(number("lots", "employees").is_err());
        assert!(number("-5", "employees").is_err());
    }
}
