//! Plain-text tables for people: aligned columns, long cells shortened with an ellipsis.

/// The widest a cell may be before it is shortened.
const MAX_CELL: usize = 48;

fn shorten(s: &str) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= MAX_CELL {
        one_line
    } else {
        let mut out: String = one_line.chars().take(MAX_CELL - 1).collect();
        out.push('…');
        out
    }
}

/// Renders a header and rows as aligned columns separated by two spaces.
pub fn render(headers: &[&str], rows: &[Vec<String>]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| shorten(c)).collect())
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &cells {
        for (i, c) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.chars().count());
            }
        }
    }
    let line = |cols: &mut dyn Iterator<Item = String>| -> String {
        let parts: Vec<String> = cols.zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        parts.join("  ").trim_end().to_owned()
    };
    let mut out = line(&mut headers.iter().map(|h| (*h).to_owned()));
    out.push('\n');
    for row in cells {
        out.push_str(&line(&mut row.into_iter()));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_and_long_cells_are_shortened() {
        let long = "x".repeat(100);
        let t = render(
            &["A", "B"],
            &[vec!["one".into(), "two".into()], vec![long, "b".into()]],
        );
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[2].contains('…'));
        assert_eq!(lines[0].find('B'), lines[1].find("two"));
    }
}
