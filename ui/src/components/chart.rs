//! Small SVG charts: a sparkline, bar charts (horizontal or by day) and the budget bar.
//!
//! No JS libraries and no remote content: plain SVG built from the data, coloured by CSS
//! classes (`styles/pages.css`) that use the tokens. The maths (scaling, paths, money) lives in
//! small pure functions below the components.

use leptos::prelude::*;

/// Padding inside a sparkline's box, so the line and its end dot are not clipped.
const SPARK_PAD: f64 = 3.0;

/// A line with its area under it and a dot on the last point; 0 points draw an empty
/// baseline, 1 point a flat line. `labels` (one per point) become hover titles.
#[component]
pub fn Sparkline(
    #[prop(into)] points: Signal<Vec<f64>>,
    #[prop(optional)] labels: Option<Vec<String>>,
    #[prop(default = 240)] width: u32,
    #[prop(default = 56)] height: u32,
    #[prop(into, optional)] title: Option<String>,
) -> impl IntoView {
    let (w, h) = (f64::from(width), f64::from(height));
    let title = title.unwrap_or_else(|| "Trend".to_owned());
    let labels = labels.unwrap_or_default();
    let summary = {
        let title = title.clone();
        move || points.with(|p| spark_summary(&title, p))
    };
    let shapes = move || {
        let values = points.get();
        let xy = spark_points(&values, w, h, SPARK_PAD);
        let baseline = h - SPARK_PAD;
        let line = line_path(&xy);
        let area = area_path(&xy, baseline);
        let last = xy.last().copied();
        let hits = xy
            .iter()
            .zip(values.iter())
            .enumerate()
            .filter_map(|(i, (&(x, y), value))| {
                let label = labels.get(i)?;
                let tip = format!("{label}: {}", fmt_number(*value));
                Some(view! {
                    <g class="spark-hit">
                        <circle cx=fmt(x) cy=fmt(y) r="4" />
                        <title>{tip}</title>
                    </g>
                })
            })
            .collect::<Vec<_>>();
        view! {
            <g>
                <line class="spark-base" x1=fmt(SPARK_PAD) y1=fmt(baseline) x2=fmt(w - SPARK_PAD) y2=fmt(baseline) />
                <path class="spark-area" d=area />
                <path class="spark-line" d=line />
                {last.map(|(x, y)| view! { <g><circle class="spark-dot" cx=fmt(x) cy=fmt(y) r="2.5" /></g> })}
                {hits}
            </g>
        }
    };
    view! {
        <svg
            class="sparkline"
            data-points=move || points.with(Vec::len)
            width=width
            height=height
            viewBox=format!("0 0 {width} {height}")
            role="img"
        >
            <title>{summary}</title>
            {shapes}
        </svg>
    }
}

/// Bars with labels and values: horizontal rows (by source, by user) or, `vertical`, columns
/// with axis labels (by day). Each bar carries `data-key`. `format` renders values (default:
/// a plain number); `label` turns a key into the text shown (row label or column axis label,
/// default: the key itself), while `data-key` keeps the key.
#[component]
pub fn BarChart(
    #[prop(into)] bars: Signal<Vec<(String, f64)>>,
    #[prop(optional)] format: Option<fn(f64) -> String>,
    #[prop(default = false)] vertical: bool,
    #[prop(optional)] label: Option<fn(&str) -> String>,
    #[prop(into, optional)] title: Option<String>,
    #[prop(into, optional)] id: Option<String>,
) -> impl IntoView {
    let format = format.unwrap_or(fmt_number);
    let label = label.unwrap_or(str::to_owned);
    let title = title.unwrap_or_else(|| "Chart".to_owned());
    let body = move || {
        let data = bars.get();
        if vertical {
            columns(&data, format, label, &title).into_any()
        } else {
            rows(&data, format, label).into_any()
        }
    };
    view! {
        <div
            id=id
            class=if vertical { "bar-chart bar-chart-vertical" } else { "bar-chart" }
            data-bars=move || bars.with(Vec::len)
        >
            {body}
        </div>
    }
}

fn rows(
    data: &[(String, f64)],
    format: fn(f64) -> String,
    label: fn(&str) -> String,
) -> impl IntoView {
    let max = data.iter().map(|(_, v)| *v).fold(0.0, f64::max);
    data.iter()
        .map(|(key, value)| {
            let pct = fmt(share(*value, max) * 100.0);
            let shown = format(*value);
            let name = label(key);
            let tip = name.clone();
            view! {
                <div class="bar-row" data-key=key.clone() data-value=value.to_string()>
                    <span class="bar-label" title=tip>{name}</span>
                    <svg class="bar-track" width="100%" height="12" aria-hidden="true">
                        <rect class="bar-bg" x="0" y="0" width="100%" height="12" rx="3" />
                        <rect class="bar-fill" x="0" y="0" width=format!("{pct}%") height="12" rx="3" />
                    </svg>
                    <span class="bar-value">{shown}</span>
                </div>
            }
        })
        .collect::<Vec<_>>()
}

/// Column chart geometry (SVG user units; the SVG scales to its box).
const COL_W: f64 = 960.0;
const COL_H: f64 = 200.0;
const COL_LEFT: f64 = 56.0;
const COL_BOTTOM: f64 = 22.0;
const COL_TOP: f64 = 8.0;

fn columns(
    data: &[(String, f64)],
    format: fn(f64) -> String,
    label: fn(&str) -> String,
    title: &str,
) -> impl IntoView {
    let max = nice_ceiling(data.iter().map(|(_, v)| *v).fold(0.0, f64::max));
    let plot_h = COL_H - COL_BOTTOM - COL_TOP;
    let base = COL_H - COL_BOTTOM;
    let slot = if data.is_empty() {
        0.0
    } else {
        (COL_W - COL_LEFT) / data.len() as f64
    };
    let bar_w = (slot * 0.7).max(1.0);
    let every = label_step(data.len(), 12);
    let bars = data
        .iter()
        .enumerate()
        .map(|(i, (key, value))| {
            let bh = share(*value, max) * plot_h;
            let x = COL_LEFT + slot * i as f64 + (slot - bar_w) / 2.0;
            let tip = format!("{key}: {}", format(*value));
            let axis = (i % every == 0 || i + 1 == data.len()).then(|| label(key));
            view! {
                <g class="col" data-key=key.clone() data-value=value.to_string()>
                    <rect class="bar-fill" x=fmt(x) y=fmt(base - bh) width=fmt(bar_w) height=fmt(bh) rx="2" />
                    <title>{tip}</title>
                    {axis.map(|l| view! {
                        <g><text class="axis-label" x=fmt(x + bar_w / 2.0) y=fmt(COL_H - 6.0) text-anchor="middle">{l}</text></g>
                    })}
                </g>
            }
        })
        .collect::<Vec<_>>();
    let mid = fmt(COL_TOP + plot_h / 2.0);
    view! {
        <svg class="columns" viewBox=format!("0 0 {COL_W} {COL_H}") width="100%" role="img">
            <title>{format!("{title}: {} bars, up to {}", data.len(), format(max))}</title>
            <line class="grid" x1=fmt(COL_LEFT) y1=fmt(COL_TOP) x2=fmt(COL_W) y2=fmt(COL_TOP) />
            <line class="grid" x1=fmt(COL_LEFT) y1=mid.clone() x2=fmt(COL_W) y2=mid.clone() />
            <line class="axis" x1=fmt(COL_LEFT) y1=fmt(base) x2=fmt(COL_W) y2=fmt(base) />
            <text class="axis-label" x=fmt(COL_LEFT - 6.0) y=fmt(COL_TOP + 4.0) text-anchor="end">{format(max)}</text>
            <text class="axis-label" x=fmt(COL_LEFT - 6.0) y=fmt(COL_TOP + plot_h / 2.0 + 4.0) text-anchor="end">{format(max / 2.0)}</text>
            <text class="axis-label" x=fmt(COL_LEFT - 6.0) y=fmt(base + 4.0) text-anchor="end">{format(0.0)}</text>
            {bars}
        </svg>
    }
}

/// The month's spend against the limit: a filled bar with a marker at the alert threshold,
/// warm past the threshold and hot at or over the limit, and `$12.40 of $100.00 (12%)`.
#[component]
pub fn BudgetBar(spent_micros: u64, limit_micros: Option<u64>, threshold: f64) -> impl IntoView {
    let state = budget_state(spent_micros, limit_micros, threshold);
    let text = budget_text(spent_micros, limit_micros);
    let fill = limit_micros.map_or(0.0, |limit| ratio(spent_micros, limit).min(1.0) * 100.0);
    let marker = fmt(threshold.clamp(0.0, 1.0) * 100.0);
    let now = limit_micros.map(|limit| fmt(ratio(spent_micros, limit) * 100.0));
    view! {
        <div class=format!("budget budget-{state}") data-state=state>
            <div
                class="budget-track"
                role="meter"
                aria-label="Budget used"
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=now
                aria-valuetext=text.clone()
            >
                <svg width="100%" height="14" aria-hidden="true">
                    <rect class="budget-bg" x="0" y="0" width="100%" height="14" rx="7" />
                    <rect class="budget-fill" x="0" y="0" width=format!("{}%", fmt(fill)) height="14" rx="7" />
                    {limit_micros.map(|_| view! {
                        <g><line class="budget-marker" x1=format!("{marker}%") y1="0" x2=format!("{marker}%") y2="14" /></g>
                    })}
                </svg>
            </div>
            <p class="budget-text">{text}</p>
        </div>
    }
}

// ---- pure maths -------------------------------------------------------------------------------

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
fn spark_summary(title: &str, values: &[f64]) -> String {
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
fn fmt(value: f64) -> String {
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
