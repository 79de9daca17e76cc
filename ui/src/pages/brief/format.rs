//! Pure text helpers of the brief page: dates, money, the comparison line.

use crate::api::CostEstimate;
pub use crate::components::chart::usd;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `2026-11-05` or `2026-11-05T09:30:00Z` → `5 Nov 2026`; anything else is returned as it is.
pub fn day(text: &str) -> String {
    let parsed = text.get(..10).and_then(|d| {
        let mut parts = d.split('-');
        let year: u32 = parts.next()?.parse().ok()?;
        let month: usize = parts.next()?.parse().ok()?;
        let dom: u32 = parts.next()?.parse().ok()?;
        let name = MONTHS.get(month.checked_sub(1)?)?;
        Some(format!("{dom} {name} {year}"))
    });
    parsed.unwrap_or_else(|| text.to_owned())
}

/// `$0.12 for 3 paid calls; $87.20 left this month`.
pub fn cost_line(estimate: &CostEstimate) -> String {
    let calls = match estimate.paid_calls {
        0 => "no paid calls".to_owned(),
        1 => "1 paid call".to_owned(),
        n => format!("{n} paid calls"),
    };
    let left = match estimate.budget_left_micros {
        Some(left) => format!("{} left this month", usd(left)),
        None => "no monthly limit".to_owned(),
    };
    format!("{} for {calls}; {left}", usd(estimate.cost_micros))
}

/// Whether the refresh costs more than the budget has left.
pub fn over_budget(estimate: &CostEstimate) -> bool {
    estimate
        .budget_left_micros
        .is_some_and(|left| estimate.cost_micros > left)
}

/// Which comparison the "what changed" panel uses, in words: `basis` is the view's
/// `since_basis`, `since` the brief's comparison time and `last_call` the newest logged call.
pub fn basis_line(basis: &str, since: Option<&str>, last_call: Option<&str>) -> String {
    let on = since
        .or(last_call)
        .map_or_else(|| "an unknown date".to_owned(), day);
    match basis {
        "call" => format!("Since your last call on {on}"),
        "opened" => format!("Since you last opened this brief on {on}"),
        "picked" => format!("Since {on}"),
        _ => "First look \u{2014} nothing to compare yet".to_owned(),
    }
}

/// The "why now" part of the headline: `Acme (acme.com): displace X` → `displace X`; `None`
/// when the headline names only the account.
pub fn why_now(headline: &str, name: &str, domain: &str) -> Option<String> {
    let prefix = format!("{name} ({domain})");
    match headline.strip_prefix(&prefix) {
        Some(rest) => {
            let rest = rest.trim_start_matches(':').trim();
            (!rest.is_empty()).then(|| rest.to_owned())
        }
        None => Some(headline.to_owned()),
    }
}

/// `hot` → `Hot`.
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
