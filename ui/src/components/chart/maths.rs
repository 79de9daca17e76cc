//! The charts' pure maths: money and number formatting, budget state, scaling and SVG paths.

/// Dollars from micro-dollars, rounded to the cent, with thousands separators: `$1,234.50`.
pub fn usd(micros: u64) -> String {
    let cents = (micros + 5_000) / 10_000;
    let dollars = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in dollars.chars().enumerate() {
        if i > 0 && (dollars.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("${grouped}.{:02}", cents % 100)
}

/// [`usd`] for a chart value in micro-dollars.
pub fn usd_f64(micros: f64) -> String {
    usd(if micros.is_finite() && micros > 0.0 {
        micros.round() as u64
    } else {
        0
    })
}

/// A plain number: integers without decimals, others with up to two.
pub fn fmt_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// `spent / limit`, 0 when there is no limit to speak of.
pub fn ratio(spent: u64, limit: u64) -> f64 {
    if limit == 0 {
        0.0
    } else {
        spent as f64 / limit as f64
    }
}

/// `ok`, `warm` (past the threshold) or `hot` (at or over the limit).
pub fn budget_state(spent: u64, limit: Option<u64>, threshold: f64) -> &'static str {
    match limit {
        Some(limit) if limit > 0 && spent >= limit => "hot",
        Some(limit) if limit > 0 && ratio(spent, limit) >= threshold => "warm",
        _ => "ok",
    }
}

/// `$12.40 of $100.00 (12%)`; without a limit, `$12.40 spent, no monthly limit`.
pub fn budget_text(spent: u64, limit: Option<u64>) -> String {
    match limit {
        Some(limit) if limit > 0 => {
            let pct = (ratio(spent, limit) * 100.0).floor();
            format!("{} of {} ({pct:.0}%)", usd(spent), usd(limit))
        }
        _ => format!("{} spent, no monthly limit", usd(spent)),
    }
}

/// `value / max` clamped to 0..=1 (0 when `max` is not positive).
pub fn share(value: f64, max: f64) -> f64 {
    if max > 0.0 && value.is_finite() {
        (value / max).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// The smallest 1, 2 or 5 × 10ⁿ at or above `value`, so axis labels are round; 1 for ≤ 0.
pub fn nice_ceiling(value: f64) -> f64 {
    if !value.is_finite() || value <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|step| step * magnitude)
        .find(|candidate| *candidate >= value * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude)
}

/// Every how many columns an axis label fits, for at most `max_labels` labels.
pub fn label_step(count: usize, max_labels: usize) -> usize {
    count.div_ceil(max_labels.max(1)).max(1)
}

/// A sparkline's points in the box: x spread evenly, y scaled from min(0, values)..max (so a
/// flat zero series lies on the baseline); a single value becomes a flat line across the box.
pub fn spark_points(values: &[f64], width: f64, height: f64, pad: f64) -> Vec<(f64, f64)> {
    let low = values.iter().copied().fold(0.0, f64::min);
    let high = values.iter().copied().fold(f64::MIN, f64::max);
    let span = if high > low { high - low } else { 1.0 };
    let y_of = |v: f64| height - pad - (v - low) / span * (height - 2.0 * pad);
    match values {
        [] => Vec::new(),
        [only] => vec![(pad, y_of(*only)), (width - pad, y_of(*only))],
        _ => {
            let step = (width - 2.0 * pad) / (values.len() - 1) as f64;
            values
                .iter()
                .enumerate()
                .map(|(i, v)| (pad + step * i as f64, y_of(*v)))
                .collect()
        }
    }
}

/// `M x y L x y …` through the points; empty for none.
pub fn line_path(points: &[(f64, f64)]) -> String {
    points
        .iter()
        .enumerate()
        .map(|(i, (x, y))| format!("{}{} {}", if i == 0 { "M" } else { " L" }, fmt(*x), fmt(*y)))
        .collect()
}

/// The line closed down to `baseline`: the area under it.
pub fn area_path(points: &[(f64, f64)], baseline: f64) -> String {
    match (points.first(), points.last()) {
        (Some((x0, _)), Some((x1, _))) => format!(
            "{} L {} {} L {} {} Z",
            line_path(points),
            fmt(*x1),
            fmt(baseline),
            fmt(*x0),
            fmt(baseline)
        ),
        _ => String::new(),
    }
}

/// What a screen reader hears for a sparkline.
pub(super) fn spark_summary(title: &str, values: &[f64]) -> String {
    match values.last() {
        None => format!("{title}: no data"),
        Some(last) => format!(
            "{title}: {} points, latest {}",
            values.len(),
            fmt_number(*last)
        ),
    }
}

/// A coordinate with at most two decimals, no trailing zeros.
pub(super) fn fmt(value: f64) -> String {
    fmt_number((value * 100.0).round() / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_round_to_cents_and_group_thousands() {
        assert_eq!(usd(0), "$0.00");
        assert_eq!(usd(12_400_000), "$12.40");
        assert_eq!(usd(4_999), "$0.00");
        assert_eq!(usd(5_000), "$0.01");
        assert_eq!(usd(1_234_567_890), "$1,234.57");
        assert_eq!(usd(100_000_000_000), "$100,000.00");
    }

    #[test]
    fn budget_states_and_text() {
        assert_eq!(budget_state(10, Some(100), 0.8), "ok");
        assert_eq!(budget_state(80, Some(100), 0.8), "warm");
        assert_eq!(budget_state(100, Some(100), 0.8), "hot");
        assert_eq!(budget_state(100, None, 0.8), "ok");
        assert_eq!(
            budget_text(12_400_000, Some(100_000_000)),
            "$12.40 of $100.00 (12%)"
        );
        assert_eq!(
            budget_text(1_000_000, None),
            "$1.00 spent, no monthly limit"
        );
    }

    #[test]
    fn nice_ceilings() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(3.2), 5.0);
        assert_eq!(nice_ceiling(5.0), 5.0);
        assert_eq!(nice_ceiling(1_300_000.0), 2_000_000.0);
        assert_eq!(label_step(30, 12), 3);
        assert_eq!(label_step(0, 12), 1);
    }

    #[test]
    fn sparkline_points_and_paths() {
        assert!(spark_points(&[], 100.0, 20.0, 0.0).is_empty());
        assert_eq!(
            spark_points(&[5.0], 100.0, 20.0, 0.0),
            vec![(0.0, 0.0), (100.0, 0.0)]
        );
        let pts = spark_points(&[0.0, 10.0], 100.0, 20.0, 0.0);
        assert_eq!(pts, vec![(0.0, 20.0), (100.0, 0.0)]);
        assert_eq!(line_path(&pts), "M0 20 L100 0");
        assert_eq!(area_path(&pts, 20.0), "M0 20 L100 0 L 100 20 L 0 20 Z");
        assert_eq!(area_path(&[], 20.0), "");
    }
}
