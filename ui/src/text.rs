//! Pure text helpers of the UI (labels, snippet highlighting). No leptos here, so they are
//! compiled and unit-tested on the host too (`cargo test -p ui`).

/// "1 account", "4 accounts", "2 accounts matching “costco”".
pub fn count_label(count: usize, query: &str) -> String {
    let noun = if count == 1 { "account" } else { "accounts" };
    let query = query.trim();
    if query.is_empty() {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun} matching \u{201c}{query}\u{201d}")
    }
}

/// What an empty table says: nothing stored yet, or nothing matching the query.
pub fn empty_label(query: &str) -> String {
    let query = query.trim();
    if query.is_empty() {
        "No accounts yet. Import a CSV with `partnerforge import FILE.csv`.".to_owned()
    } else {
        format!("No accounts match \u{201c}{query}\u{201d}.")
    }
}

/// The badge class for a segment, so the table can tell segments apart at a glance.
pub fn segment_class(segment: &str) -> &'static str {
    let key: String = segment
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    match key.as_str() {
        "enterprise" | "strategic" | "largeenterprise" => "badge badge-enterprise",
        "midmarket" | "commercial" => "badge badge-midmarket",
        "smb" | "smallbusiness" | "startup" => "badge badge-smb",
        _ => "badge",
    }
}

/// Splits the store's snippet `a [b] c` into `(false, "a "), (true, "b"), (false, " c")`:
/// `true` parts are matches. An unmatched `[` or `]` is kept as text.
pub fn highlight_parts(text: &str) -> Vec<(bool, String)> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let Some(len) = rest[open + 1..].find(']') else {
            break;
        };
        if open > 0 {
            parts.push((false, rest[..open].to_owned()));
        }
        if len > 0 {
            parts.push((true, rest[open + 1..open + 1 + len].to_owned()));
        }
        rest = &rest[open + len + 2..];
    }
    if !rest.is_empty() {
        parts.push((false, rest.to_owned()));
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(list: &[(bool, &str)]) -> Vec<(bool, String)> {
        list.iter()
            .map(|(hit, s)| (*hit, (*s).to_owned()))
            .collect()
    }

    #[test]
    fn counts_are_singular_or_plural() {
        assert_eq!(count_label(0, ""), "0 accounts");
        assert_eq!(count_label(1, "  "), "1 account");
        assert_eq!(count_label(4, ""), "4 accounts");
        assert_eq!(
            count_label(2, " cost "),
            "2 accounts matching \u{201c}cost\u{201d}"
        );
    }

    #[test]
    fn empty_label_names_the_query() {
        assert!(empty_label("").contains("No accounts yet"));
        assert_eq!(empty_label(" x "), "No accounts match \u{201c}x\u{201d}.");
    }

    #[test]
    fn segments_get_their_badge() {
        assert_eq!(segment_class("Enterprise"), "badge badge-enterprise");
        assert_eq!(segment_class("Mid-Market"), "badge badge-midmarket");
        assert_eq!(segment_class("mid market"), "badge badge-midmarket");
        assert_eq!(segment_class("SMB"), "badge badge-smb");
        assert_eq!(segment_class("Public sector"), "badge");
    }

    #[test]
    fn marks_become_highlighted_parts() {
        assert_eq!(
            highlight_parts("…the [Costco] warehouse [club]"),
            parts(&[
                (false, "…the "),
                (true, "Costco"),
                (false, " warehouse "),
                (true, "club")
            ])
        );
        assert_eq!(highlight_parts("[all]"), parts(&[(true, "all")]));
    }

    #[test]
    fn text_without_marks_is_one_plain_part() {
        assert_eq!(highlight_parts("plain"), parts(&[(false, "plain")]));
        assert!(highlight_parts("").is_empty());
    }

    #[test]
    fn unbalanced_or_empty_marks_are_kept_as_text() {
        assert_eq!(highlight_parts("a [b"), parts(&[(false, "a [b")]));
        assert_eq!(highlight_parts("a ] b"), parts(&[(false, "a ] b")]));
        assert_eq!(
            highlight_parts("x[]y"),
            parts(&[(false, "x"), (false, "y")])
        );
    }
}
