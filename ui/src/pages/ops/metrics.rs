//! The Ops page's metrics: the engine's Prometheus families (`metrics_text`) as readable tables
//! with bars (counters and gauges: one row per label set; histograms: count and mean per label
//! set; breaker states as words), and the raw text with a "Copy Prometheus text" button. Polls
//! with the rest of the page.
//!
//! Hooks: `#ops-metrics`, `table.metrics-family[data-family]` (`tr[data-labels]`,
//! `td[data-value]`), `pre#ops-metrics-text`, `#ops-metrics-copy`, `#ops-metrics-error[data-code]`.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};

/// One row of a family: its labels (`a="x", b="y"`) and value (histograms: count and sum).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub labels: String,
    pub value: f64,
    pub sum: Option<f64>,
}

/// One family as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct FamilyView {
    pub name: String,
    pub help: String,
    pub kind: String,
    pub rows: Vec<Row>,
}

/// Splits `name{labels} value` into its parts.
fn sample(line: &str) -> Option<(&str, &str, f64)> {
    let (series, value) = line.rsplit_once(' ')?;
    let value = match value {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        v => v.parse().ok()?,
    };
    match series.split_once('{') {
        Some((name, rest)) => Some((name, rest.strip_suffix('}')?, value)),
        None => Some((series, "", value)),
    }
}

/// The families of a text exposition, in order; histograms folded to count and sum.
pub fn parse(text: &str) -> Vec<FamilyView> {
    let mut out: Vec<FamilyView> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').unwrap_or((rest, ""));
            out.push(FamilyView {
                name: name.to_owned(),
                help: help.to_owned(),
                kind: "untyped".to_owned(),
                rows: Vec::new(),
            });
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            if let (Some((_, kind)), Some(f)) = (rest.split_once(' '), out.last_mut()) {
                f.kind = kind.to_owned();
            }
        } else if !line.starts_with('#')
            && let (Some((name, labels, value)), Some(f)) = (sample(line), out.last_mut())
        {
            let labels = labels.replace(",", ", ");
            if f.kind != "histogram" {
                f.rows.push(Row {
                    labels,
                    value,
                    sum: None,
                });
            } else if name.ends_with("_count") {
                match f.rows.iter_mut().find(|r| r.labels == labels) {
                    Some(r) => r.value = value,
                    None => f.rows.push(Row {
                        labels,
                        value,
                        sum: None,
                    }),
                }
            } else if name.ends_with("_sum") {
                match f.rows.iter_mut().find(|r| r.labels == labels) {
                    Some(r) => r.sum = Some(value),
                    None => f.rows.push(Row {
                        labels,
                        value: 0.0,
                        sum: Some(value),
                    }),
                }
            }
        }
    }
    out
}

/// How a value reads in its family.
pub fn shown(family: &str, row: &Row) -> String {
    match (family, row.sum) {
        ("circuit_breaker_state", _) => match row.value as i64 {
            0 => "closed".into(),
            1 => "half-open".into(),
            2 => "open".into(),
            _ => format!("{}", row.value),
        },
        ("spend_usd_total", _) => format!("${:.4}", row.value),
        (_, Some(sum)) if row.value > 0.0 => {
            format!("{} × {:.3} s", row.value, sum / row.value)
        }
        _ if row.value.fract() == 0.0 => format!("{}", row.value),
        _ => format!("{:.3}", row.value),
    }
}

/// Copies `text` with the browser's clipboard (`navigator.clipboard.writeText`).
fn copy(text: &str) -> bool {
    use wasm_bindgen::JsCast as _;
    let global = js_sys::global();
    let Some(clipboard) = js_sys::Reflect::get(&global, &"navigator".into())
        .ok()
        .and_then(|n| js_sys::Reflect::get(&n, &"clipboard".into()).ok())
        .filter(|c| !c.is_undefined())
    else {
        return false;
    };
    js_sys::Reflect::get(&clipboard, &"writeText".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .is_some_and(|f| f.call1(&clipboard, &text.into()).is_ok())
}

fn family_table(f: FamilyView) -> impl IntoView {
    let max = f
        .rows
        .iter()
        .map(|r| r.value)
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    let name = f.name.clone();
    let rows = f
        .rows
        .iter()
        .map(|r| {
            let width = if max > 0.0 { (r.value / max * 100.0).clamp(0.0, 100.0) } else { 0.0 };
            let text = shown(&name, r);
            let labels = if r.labels.is_empty() { "—".to_owned() } else { r.labels.clone() };
            view! {
                <tr data-labels=r.labels.clone()>
                    <td class="mono">{labels}</td>
                    <td class="num" data-value=r.value.to_string()>{text}</td>
                    <td class="metrics-bar-cell">
                        <span
                            class="metrics-bar"
                            style=format!(
                                "display:inline-block;height:0.6em;background:currentColor;opacity:0.5;width:{width:.1}%",
                            )
                        ></span>
                    </td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    let empty = rows.is_empty();
    view! {
        <table class="table ops-table metrics-family" data-family=name>
            <caption>
                <span class="mono cell-strong">{f.name}</span>
                <span class="muted">{format!(" ({}) {}", f.kind, f.help)}</span>
            </caption>
            <tbody>{rows}</tbody>
        </table>
        {empty.then(|| view! { <p class="empty">"No samples yet."</p> })}
    }
}

/// The metrics card; `tick` changes when the page polls.
#[component]
pub fn MetricsPanel(tick: ReadSignal<u64>) -> impl IntoView {
    let text: RwSignal<Option<String>> = RwSignal::new(None);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let copied = RwSignal::new(false);
    Effect::new(move |_| {
        tick.track();
        spawn_local(async move {
            let result = api::metrics_text().await;
            if text.is_disposed() {
                return;
            }
            match result {
                Ok(t) => {
                    text.set(Some(t));
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });
    view! {
        <div id="ops-metrics" class="card ops-card">
            <h3 class="card-title">
                "Metrics"
                <span class="card-title-note">"Prometheus families, this session"</span>
            </h3>
            {move || error.get().map(|e| view! {
                <p id="ops-metrics-error" class="error" data-code=e.code.clone()>{e.message}</p>
            })}
            {move || text.get().map(|t| {
                let tables = parse(&t).into_iter().map(family_table).collect::<Vec<_>>();
                let raw = t.clone();
                view! {
                    <div class="metrics-families">{tables}</div>
                    <div class="metrics-raw">
                        <button
                            id="ops-metrics-copy"
                            class="button button-ghost"
                            type="button"
                            on:click=move |_| copied.set(copy(&raw))
                        >
                            {move || if copied.get() { "Copied" } else { "Copy Prometheus text" }}
                        </button>
                        <pre id="ops-metrics-text" class="mono">{t}</pre>
                    </div>
                }
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# HELP circuit_breaker_state 0 closed, 1 half-open, 2 open\n\
        # TYPE circuit_breaker_state gauge\n\
        circuit_breaker_state{adapter=\"builtwith\"} 2\n\
        # HELP api_call_duration_seconds Latency\n\
        # TYPE api_call_duration_seconds histogram\n\
        api_call_duration_seconds_bucket{adapter=\"a\",le=\"+Inf\"} 4\n\
        api_call_duration_seconds_sum{adapter=\"a\"} 2\n\
        api_call_duration_seconds_count{adapter=\"a\"} 4\n";

    #[test]
    fn families_fold_histograms_and_name_breaker_states() {
        let fams = parse(TEXT);
        assert_eq!(fams.len(), 2);
        assert_eq!(fams[0].kind, "gauge");
        assert_eq!(shown(&fams[0].name, &fams[0].rows[0]), "open");
        assert_eq!(fams[1].rows.len(), 1);
        assert_eq!(fams[1].rows[0].value, 4.0);
        assert_eq!(shown(&fams[1].name, &fams[1].rows[0]), "4 × 0.500 s");
    }
}
