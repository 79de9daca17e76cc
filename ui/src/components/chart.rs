//! Small SVG charts: a sparkline, bar charts (horizontal or by day) and the budget bar.
//!
//! No JS libraries and no remote content: plain SVG built from the data, coloured by CSS
//! classes (`styles/pages.css`) that use the tokens. The maths (scaling, paths, money) lives in
//! small pure functions below the components.

use leptos::prelude::*;

mod maths;

pub use maths::*;
use maths::{fmt, spark_summary};

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
