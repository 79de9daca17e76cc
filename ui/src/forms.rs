//! Checking what was typed into the Admin page's forms before anything is sent: lists, ranges,
//! dollars, percentages, and which field a server refusal's message names. Pure, so it is also
//! built (and tested) on the host; the Admin page wraps it (`pages/admin/form.rs`).

/// A range's bounds, `(min, max)`; a missing bound is open.
pub type Bounds = (Option<u64>, Option<u64>);

/// `"a, b ,,c"` → `["a", "b", "c"]`.
pub fn parse_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The inverse of [`parse_list`].
pub fn join_list(items: &[String]) -> String {
    items.join(", ")
}

fn parse_count(text: &str, what: &str) -> Result<Option<u64>, String> {
    let text = text.trim().replace(['_', ' '], "");
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<u64>()
        .map(Some)
        .map_err(|_| format!("{what} must be a whole number"))
}

/// Two optional bounds; both blank means no range. The minimum may not exceed the maximum.
pub fn parse_range(min: &str, max: &str) -> Result<Option<Bounds>, String> {
    let (min, max) = (parse_count(min, "Minimum")?, parse_count(max, "Maximum")?);
    if let (Some(lo), Some(hi)) = (min, max)
        && lo > hi
    {
        return Err("The minimum is above the maximum".to_owned());
    }
    Ok((min.is_some() || max.is_some()).then_some((min, max)))
}

/// Dollars (`"1,250.50"`, `"$40"`) → micro-dollars. Must be a finite, non-negative amount.
pub fn parse_usd(text: &str) -> Result<u64, String> {
    let clean = text.trim().trim_start_matches('$').replace([',', ' '], "");
    let value: f64 = clean
        .parse()
        .map_err(|_| "Enter an amount in US dollars".to_owned())?;
    if !value.is_finite() || !(0.0..=1e12).contains(&value) {
        return Err("Enter an amount between $0 and $1,000,000,000,000".to_owned());
    }
    // In range, so the conversion cannot overflow.
    Ok((value * 1e6).round() as u64)
}

/// Micro-dollars as the form shows them (`12.5`).
pub fn usd_text(micros: u64) -> String {
    let dollars = micros as f64 / 1e6;
    let text = format!("{dollars:.2}");
    text.strip_suffix(".00").map(str::to_owned).unwrap_or(text)
}

/// A whole percentage, 0..=100.
pub fn parse_pct(text: &str) -> Result<u8, String> {
    text.trim()
        .trim_end_matches('%')
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|p| *p <= 100)
        .ok_or_else(|| "Enter a whole percentage from 0 to 100".to_owned())
}

/// The first of `fields` a server refusal's message names (`hard_cap` also matches "hard cap").
pub fn field_named(message: &str, fields: &[&'static str]) -> Option<&'static str> {
    let text = message.to_lowercase();
    fields
        .iter()
        .find(|f| text.contains(**f) || text.contains(&f.replace('_', " ")))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_ranges_money_and_percentages_are_checked() {
        assert_eq!(parse_list(" DE, AT ,,CH"), vec!["DE", "AT", "CH"]);
        assert_eq!(join_list(&parse_list("a,b")), "a, b");
        assert_eq!(parse_range("", ""), Ok(None));
        assert_eq!(parse_range("100", ""), Ok(Some((Some(100), None))));
        assert!(parse_range("500", "100").is_err());
        assert!(parse_range("lots", "").is_err());
        assert_eq!(parse_usd("$1,250.50"), Ok(1_250_500_000));
        assert!(parse_usd("-3").is_err());
        assert!(parse_usd("NaN").is_err());
        assert_eq!(usd_text(12_500_000), "12.50");
        assert_eq!(usd_text(40_000_000), "40");
        assert_eq!(parse_pct("80%"), Ok(80));
        assert!(parse_pct("101").is_err());
    }

    #[test]
    fn server_errors_land_on_the_field_they_name() {
        let fields = ["monthly_limit", "hard_cap"];
        assert_eq!(
            field_named("the hard cap must be positive", &fields),
            Some("hard_cap")
        );
        assert_eq!(field_named("Budget too large", &fields), None);
    }
}
