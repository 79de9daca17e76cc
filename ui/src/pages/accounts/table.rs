//! The accounts table: sortable columns (priority, score, search provider, region, segment,
//! last enriched), filters, row checkboxes for multi-select, and a click on a row opens the
//! account's brief. Sorting and filtering happen here, on the rows already loaded.

use std::collections::BTreeSet;

use leptos::prelude::*;

use crate::api::AccountRow;
use crate::components::score_badge::ScoreBadge;
use crate::route::{Route, go};
use crate::text::{empty_label, highlight_parts, segment_class};

/// Rows painted at once; more on request.
const PAGE: usize = 200;

/// A sortable column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Column {
    #[default]
    Name,
    Score,
    Provider,
    Region,
    Segment,
    Enriched,
}

/// The sort: a column and whether it runs descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sort {
    pub column: Column,
    pub descending: bool,
}

/// The filters: empty means "any".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filters {
    pub priority: String,
    pub provider: String,
    pub region: String,
    pub segment: String,
    /// A territory's name (from the sync server).
    pub territory: String,
}

impl Filters {
    fn keeps(&self, row: &AccountRow) -> bool {
        let is =
            |want: &str, have: &Option<String>| want.is_empty() || have.as_deref() == Some(want);
        let priority = match self.priority.as_str() {
            "" => true,
            "none" => row.priority.is_none(),
            p => row.priority.as_deref() == Some(p),
        };
        priority
            && is(&self.provider, &row.search_provider)
            && is(&self.region, &row.region)
            && is(&self.segment, &row.segment)
            && is(&self.territory, &row.territory)
    }
}

fn sorted(rows: &[AccountRow], sort: Sort, filters: &Filters, searching: bool) -> Vec<AccountRow> {
    let mut out: Vec<AccountRow> = rows.iter().filter(|r| filters.keeps(r)).cloned().collect();
    // Search results keep their rank until a column is chosen.
    if searching && sort == Sort::default() {
        return out;
    }
    let text = |v: &Option<String>| v.clone().unwrap_or_default().to_lowercase();
    out.sort_by(|a, b| {
        let ord = match sort.column {
            Column::Name => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
            Column::Score => a.score.cmp(&b.score),
            Column::Provider => text(&a.search_provider).cmp(&text(&b.search_provider)),
            Column::Region => text(&a.region).cmp(&text(&b.region)),
            Column::Segment => text(&a.segment).cmp(&text(&b.segment)),
            Column::Enriched => a.last_enriched.cmp(&b.last_enriched),
        };
        let ord = if sort.descending { ord.reverse() } else { ord };
        ord.then_with(|| a.domain.cmp(&b.domain))
    });
    out
}

/// The distinct values of a field, for a filter's options.
fn distinct(rows: &[AccountRow], f: impl Fn(&AccountRow) -> Option<String>) -> Vec<String> {
    rows.iter()
        .filter_map(f)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Filter selects over the loaded rows.
#[component]
pub fn FilterBar(rows: RwSignal<Vec<AccountRow>>, filters: RwSignal<Filters>) -> impl IntoView {
    let select = move |id: &'static str,
                       label: &'static str,
                       options: Signal<Vec<String>>,
                       set: fn(&mut Filters, String),
                       get: fn(&Filters) -> String| {
        view! {
            <label class="filter">
                <span class="filter-label">{label}</span>
                <select
                    id=id
                    prop:value=move || filters.with(get)
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        filters.update(|f| set(f, v));
                    }
                >
                    <option value="">"Any"</option>
                    <For each=move || options.get() key=|o| o.clone() children=|o: String| {
                        let label = o.clone();
                        view! { <option value=o>{label}</option> }
                    } />
                </select>
            </label>
        }
    };
    let priorities = Signal::derive(|| {
        ["hot", "warm", "cool", "cold", "none"]
            .map(String::from)
            .to_vec()
    });
    let providers =
        Signal::derive(move || rows.with(|r| distinct(r, |a| a.search_provider.clone())));
    let regions = Signal::derive(move || rows.with(|r| distinct(r, |a| a.region.clone())));
    let segments = Signal::derive(move || rows.with(|r| distinct(r, |a| a.segment.clone())));
    // Territories: the synced ones, and any an account names.
    let synced = RwSignal::new(Vec::<String>::new());
    leptos::task::spawn_local(async move {
        if let Ok(org) = crate::api::synced_org().await {
            synced.set(org.territories);
        }
    });
    let territories = Signal::derive(move || {
        let mut all: BTreeSet<String> =
            rows.with(|r| distinct(r, |a| a.territory.clone()).into_iter().collect());
        synced.with(|s| all.extend(s.iter().cloned()));
        all.into_iter().collect::<Vec<_>>()
    });
    view! {
        <div class="filter-bar" role="group" aria-label="Filters">
            {select("filter-priority", "Priority", priorities, |f, v| f.priority = v, |f| f.priority.clone())}
            {select("filter-provider", "Search provider", providers, |f, v| f.provider = v, |f| f.provider.clone())}
            {select("filter-region", "Region", regions, |f, v| f.region = v, |f| f.region.clone())}
            {select("filter-segment", "Segment", segments, |f, v| f.segment = v, |f| f.segment.clone())}
            {select("filter-territory", "Territory", territories, |f, v| f.territory = v, |f| f.territory.clone())}
        </div>
    }
}

#[component]
pub fn AccountsTable(
    rows: RwSignal<Vec<AccountRow>>,
    loading: RwSignal<bool>,
    query: RwSignal<String>,
    selected: RwSignal<BTreeSet<String>>,
    sort: RwSignal<Sort>,
    filters: RwSignal<Filters>,
    on_import: Callback<()>,
) -> impl IntoView {
    let matching = Memo::new(move |_| {
        let searching = !query.with(|q| q.trim().is_empty());
        rows.with(|r| filters.with(|f| sorted(r, sort.get(), f, searching)))
    });
    // Painting 10,000 rows would stall the window: show a page at a time.
    let limit = RwSignal::new(PAGE);
    let shown = Memo::new(move |_| {
        matching.with(|m| m.iter().take(limit.get()).cloned().collect::<Vec<_>>())
    });
    let hidden = move || matching.with(Vec::len).saturating_sub(limit.get());
    let empty = move || !loading.get() && shown.with(Vec::is_empty);
    let all_ticked = move || {
        shown.with(|s| {
            !s.is_empty() && selected.with(|sel| s.iter().all(|r| sel.contains(&r.domain)))
        })
    };
    let toggle_all = move |_| {
        let tick = !all_ticked();
        let domains: Vec<String> = shown.with(|s| s.iter().map(|r| r.domain.clone()).collect());
        selected.update(|sel| {
            for d in domains {
                if tick {
                    sel.insert(d);
                } else {
                    sel.remove(&d);
                }
            }
        });
    };
    let header = move |label: &'static str, column: Column, class: &'static str| {
        let aria = move || {
            let s = sort.get();
            match (s.column == column, s.descending) {
                (false, _) => "none",
                (true, false) => "ascending",
                (true, true) => "descending",
            }
        };
        view! {
            <th scope="col" class=class aria-sort=aria>
                <button class="th-sort" data-column=label on:click=move |_| sort.update(|s| {
                    if s.column == column { s.descending = !s.descending; } else { *s = Sort { column, descending: matches!(column, Column::Score | Column::Enriched) }; }
                })>
                    {label}
                    <span class="sort-mark" aria-hidden="true">{move || match aria() { "ascending" => "▲", "descending" => "▼", _ => "" }}</span>
                </button>
            </th>
        }
    };
    view! {
        <div class="card table-card">
            <table id="accounts" class="table" data-ready=move || (!loading.get()).to_string()>
                <thead>
                    <tr>
                        <th scope="col" class="col-select">
                            <input type="checkbox" id="select-all" aria-label="Select all shown accounts" prop:checked=all_ticked on:change=toggle_all />
                        </th>
                        {header("Name", Column::Name, "col-name")}
                        {header("Score", Column::Score, "col-score")}
                        {header("Search provider", Column::Provider, "col-provider")}
                        {header("Region", Column::Region, "col-region")}
                        {header("Segment", Column::Segment, "col-segment")}
                        {header("Last enriched", Column::Enriched, "col-enriched")}
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || shown.get()
                        key=|row| (row.id.clone(), row.matched.clone(), row.snippet.clone(), row.score, row.last_enriched.clone())
                        children=move |row: AccountRow| view! { <AccountRowView row selected /> }
                    />
                </tbody>
            </table>
            <Show when=move || { hidden() > 0 }>
                <div id="more" class="table-more">
                    <span class="muted">{move || format!("Showing {} of {} accounts; search or filter to narrow them.", limit.get(), matching.with(Vec::len))}</span>
                    <button class="button button-ghost" on:click=move |_| limit.update(|l| *l += PAGE)>
                        {move || format!("Show {} more", hidden().min(PAGE))}
                    </button>
                </div>
            </Show>
            <Show when=empty>
                <div id="empty" class="empty">
                    <p>{move || empty_label(&query.get())}</p>
                    <Show when=move || query.with(|q| q.trim().is_empty())>
                        <button class="button button-primary" on:click=move |_| on_import.run(())>"Import a CSV"</button>
                    </Show>
                </div>
            </Show>
        </div>
    }
}

#[component]
fn AccountRowView(row: AccountRow, selected: RwSignal<BTreeSet<String>>) -> impl IntoView {
    let AccountRow {
        name,
        domain,
        region,
        segment,
        score,
        priority,
        search_provider,
        last_enriched,
        matched,
        snippet,
        ..
    } = row;
    let tick_domain = domain.clone();
    let open_domain = domain.clone();
    let key_domain = domain.clone();
    let checked_domain = domain.clone();
    let row_domain = domain.clone();
    let label = format!("Select {name}");
    let open = move || go(Route::Brief(open_domain.clone()));
    let open_key = open.clone();
    view! {
        <tr data-domain=row_domain class="row-link" tabindex="0"
            on:click=move |_| open()
            on:keydown=move |ev| if ev.key() == "Enter" { open_key() }
        >
            <td class="cell-select" on:click=|ev| ev.stop_propagation()>
                <input type="checkbox" class="select-row" data-domain=key_domain aria-label=label
                    prop:checked=move || selected.with(|s| s.contains(&checked_domain))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        let d = tick_domain.clone();
                        selected.update(|s| { if on { s.insert(d); } else { s.remove(&d); } });
                    }
                />
            </td>
            <td class="cell-name">
                <span class="account-name">{name}</span>
                <span class="cell-domain">{domain}</span>
                {snippet.map(|text| view! { <Snippet label=matched text /> })}
            </td>
            <td><ScoreBadge score=score priority=priority /></td>
            <td>{text_or_dash(search_provider)}</td>
            <td>{text_or_dash(region)}</td>
            <td>
                {match segment {
                    Some(seg) => {
                        let class = segment_class(&seg);
                        view! { <span class=class>{seg}</span> }.into_any()
                    }
                    None => view! { <span class="muted">"—"</span> }.into_any(),
                }}
            </td>
            <td class="cell-date">{text_or_dash(last_enriched.map(|t| t.chars().take(10).collect()))}</td>
        </tr>
    }
}

/// A search snippet: what matched, then the text with the store's `[match]` marks highlighted.
#[component]
fn Snippet(label: Option<String>, text: String) -> impl IntoView {
    let parts = highlight_parts(&text)
        .into_iter()
        .map(|(hit, part)| {
            if hit {
                view! { <mark>{part}</mark> }.into_any()
            } else {
                view! { <span>{part}</span> }.into_any()
            }
        })
        .collect::<Vec<_>>();
    view! {
        <span class="snippet">
            {label.map(|l| view! { <span class="snippet-label">{l}</span> })}
            {parts}
        </span>
    }
}

fn text_or_dash(value: Option<String>) -> impl IntoView {
    match value {
        Some(text) => view! { <span>{text}</span> }.into_any(),
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}
