//! The command palette: Ctrl+K (Cmd+K) anywhere opens a search box over all intelligence;
//! arrow keys move the selection, Enter opens the selected account's brief, Esc closes.
//!
//! Hooks: `#palette` (the dialog, only while open), `#palette-input`, `#palette-results`,
//! `.palette-result[data-domain][aria-selected]`, `#palette-empty`, `#palette-error[data-code]`,
//! `#palette-all` (all results on the search page).

use leptos::ev;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

use super::{Searcher, error_hint, snippet_parts};
use crate::api::SearchResult;
use crate::route::{Route, use_route};

/// At most this many results are listed; the search page has them all.
const MAX_RESULTS: usize = 30;

/// The palette and its global shortcut. Put it once in the app frame; `open` shows it.
#[component]
pub fn SearchPalette(open: RwSignal<bool>) -> impl IntoView {
    let shortcut = window_event_listener(ev::keydown, move |ev| {
        let key = ev.key();
        if (ev.ctrl_key() || ev.meta_key()) && key.eq_ignore_ascii_case("k") {
            ev.prevent_default();
            open.try_update(|o| *o = !*o);
        } else if key == "Escape" && open.try_get_untracked() == Some(true) {
            open.set(false);
        }
    });
    on_cleanup(move || shortcut.remove());
    // Kept across openings: the palette reopens on the last query.
    let searcher = Searcher::new(String::new());

    view! {
        <Show when=move || open.get()>
            <PaletteDialog open searcher />
        </Show>
    }
}

#[component]
fn PaletteDialog(open: RwSignal<bool>, searcher: Searcher) -> impl IntoView {
    let route = use_route();
    let selected = RwSignal::new(0usize);
    let input_ref = NodeRef::<leptos::html::Input>::new();
    let shown = Memo::new(move |_| {
        searcher.results.with(|r| {
            r.iter()
                .take(MAX_RESULTS)
                .cloned()
                .collect::<Vec<SearchResult>>()
        })
    });

    // Give focus back to where it was when the dialog closes (if that is still on the page).
    let previous = StoredValue::new_local(document().active_element());
    on_cleanup(move || {
        if let Some(Some(el)) = previous.try_get_value()
            && el.is_connected()
            && let Some(el) = el.dyn_ref::<leptos::web_sys::HtmlElement>()
        {
            let _ = el.focus();
        }
    });
    // Focus the box when the dialog appears, with the last query selected for retyping.
    Effect::new(move |_| {
        if let Some(input) = input_ref.get() {
            let _ = input.focus();
            input.select();
        }
    });
    // A new answer starts at the top.
    Effect::new(move |_| {
        shown.track();
        selected.set(0);
    });
    // Keep the selected row visible.
    Effect::new(move |_| {
        let index = selected.get();
        if let Some(el) = document().get_element_by_id(&format!("palette-result-{index}")) {
            el.scroll_into_view_with_bool(false);
        }
    });

    let close = move || open.set(false);
    let go_to = move |domain: String| {
        open.set(false);
        route.set(Route::Brief(domain));
    };
    let on_key = move |ev: ev::KeyboardEvent| {
        let count = shown.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                selected.update(|s| *s = step(*s, count, true));
            }
            "ArrowUp" => {
                ev.prevent_default();
                selected.update(|s| *s = step(*s, count, false));
            }
            "Enter" => {
                ev.prevent_default();
                let pick = shown
                    .with_untracked(|r| r.get(selected.get_untracked()).map(|r| r.domain.clone()));
                if let Some(domain) = pick {
                    go_to(domain);
                }
            }
            "Escape" => {
                ev.prevent_default();
                ev.stop_propagation();
                close();
            }
            _ => {}
        }
    };
    let active = move || {
        let has = shown.with(|r| !r.is_empty());
        has.then(|| format!("palette-result-{}", selected.get()))
    };
    let see_all = move |_| {
        let query = searcher.query.get_untracked().trim().to_owned();
        open.set(false);
        route.set(Route::Search(query));
    };

    view! {
        <div class="palette-layer">
            <div class="palette-backdrop" on:click=move |_| close()></div>
            <div id="palette" class="palette" role="dialog" aria-modal="true" aria-label="Search all intelligence">
                <div class="palette-search">
                    <svg class="search-icon" viewBox="0 0 20 20" aria-hidden="true">
                        <circle cx="8.5" cy="8.5" r="5.5" />
                        <line x1="12.6" y1="12.6" x2="17" y2="17" />
                    </svg>
                    <input
                        id="palette-input"
                        node_ref=input_ref
                        type="text"
                        role="combobox"
                        aria-expanded="true"
                        aria-controls="palette-results"
                        aria-autocomplete="list"
                        aria-activedescendant=active
                        placeholder="Search companies, technologies, people…"
                        autocomplete="off"
                        spellcheck="false"
                        autofocus
                        prop:value=move || searcher.query.get()
                        on:input=move |ev| searcher.set_query(event_target_value(&ev), false)
                        on:keydown=on_key
                    />
                    <kbd class="palette-kbd">"Esc"</kbd>
                </div>
                {move || searcher.error.get().map(|error| {
                    let code = error.code.clone();
                    view! { <p id="palette-error" class="palette-note" data-code=code>{error_hint(&error)}</p> }
                })}
                <ul id="palette-results" class="palette-results" role="listbox" aria-label="Results">
                    {move || {
                        shown
                            .get()
                            .into_iter()
                            .enumerate()
                            .map(|(i, result)| view! { <PaletteItem index=i result selected go_to /> })
                            .collect::<Vec<_>>()
                    }}
                </ul>
                {move || palette_note(searcher)}
                <div class="palette-foot">
                    <span class="palette-hint">
                        <kbd>"↑"</kbd><kbd>"↓"</kbd>" move · "<kbd>"Enter"</kbd>" open · "<kbd>"Esc"</kbd>" close"
                    </span>
                    <button
                        id="palette-all"
                        class="button button-ghost"
                        type="button"
                        disabled=move || searcher.query.with(|q| q.trim().is_empty())
                        on:click=see_all
                    >
                        "All results"
                    </button>
                </div>
            </div>
        </div>
    }
}

#[component]
fn PaletteItem(
    index: usize,
    result: SearchResult,
    selected: RwSignal<usize>,
    go_to: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let SearchResult {
        domain,
        name,
        field_label,
        snippet,
    } = result;
    let key = domain.clone();
    let target = domain.clone();
    let is_selected = move || selected.get() == index;
    view! {
        <li
            id=format!("palette-result-{index}")
            class="palette-result"
            class:selected=is_selected
            role="option"
            data-domain=key
            aria-selected=move || is_selected().to_string()
            on:mousemove=move |_| {
                if selected.get_untracked() != index {
                    selected.set(index);
                }
            }
            on:click=move |_| go_to(target.clone())
        >
            <span class="palette-result-head">
                <span class="account-name">{name}</span>
                <span class="cell-domain">{domain}</span>
                <span class="search-field">{field_label}</span>
            </span>
            <span class="search-snippet">{snippet_parts(&snippet)}</span>
        </li>
    }
}

/// A hint under the list: what to type, searching, or nothing found.
fn palette_note(searcher: Searcher) -> Option<AnyView> {
    if searcher.error.with(Option::is_some) {
        return None;
    }
    let query = searcher.query.with(|q| q.trim().to_owned());
    let text = if query.is_empty() {
        "Type to search every account's stored intelligence.".to_owned()
    } else if searcher.loading.get() && searcher.results.with(Vec::is_empty) {
        "Searching…".to_owned()
    } else if searcher.results.with(Vec::is_empty) && !searcher.answered.with(String::is_empty) {
        format!(
            "Nothing matches \u{201c}{}\u{201d}.",
            searcher.answered.get()
        )
    } else {
        return None;
    };
    Some(view! { <p id="palette-empty" class="palette-note">{text}</p> }.into_any())
}

/// The next selection moving down (or up), wrapping around `count` items.
fn step(current: usize, count: usize, down: bool) -> usize {
    match (count, down) {
        (0, _) => 0,
        (_, true) => (current + 1) % count,
        (_, false) => (current + count - 1) % count,
    }
}

#[cfg(test)]
mod tests {
    use super::step;

    #[test]
    fn selection_wraps() {
        assert_eq!(step(0, 0, true), 0);
        assert_eq!(step(0, 3, true), 1);
        assert_eq!(step(2, 3, true), 0);
        assert_eq!(step(0, 3, false), 2);
    }
}
