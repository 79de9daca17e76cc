//! Import from CSV: choose a file or paste the text, see a preview (rows to import, rejected
//! rows with the line, the row and why), then confirm. Nothing is written before the confirm,
//! and rejected rows never stop the good ones.
//!
//! Hooks: `#import-dialog`, `#import-file`, `#import-text`, `#import-preview`, `#import-summary`
//! (`data-accepted`, `data-rejected`), `#import-rejected tr[data-line]`, `#import-confirm`.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError, ImportPreview};
use crate::components::toast::use_toasts;

#[component]
pub fn ImportDialog(on_close: Callback<()>, on_done: Callback<()>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let preview = RwSignal::new(None::<ImportPreview>);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let toasts = use_toasts();

    let run_preview = move || {
        let csv = text.get_untracked();
        if csv.trim().is_empty() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match api::import_csv(&csv, false).await {
                Ok(p) => {
                    preview.set(Some(p));
                    error.set(None);
                }
                Err(e) => {
                    preview.set(None);
                    error.set(Some(e));
                }
            }
            busy.set(false);
        });
    };
    let confirm = move |_| {
        let csv = text.get_untracked();
        busy.set(true);
        spawn_local(async move {
            match api::import_csv(&csv, true).await {
                Ok(p) => {
                    let rejected = p.rejected.len();
                    toasts.success(format!(
                        "Imported {} new and {} updated accounts{}",
                        p.inserted,
                        p.updated,
                        if rejected > 0 {
                            format!("; {rejected} rows rejected")
                        } else {
                            String::new()
                        }
                    ));
                    on_done.run(());
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(value) => {
                    text.set(value.as_string().unwrap_or_default());
                    run_preview();
                }
                Err(_) => error.set(Some(ApiError {
                    code: "ui.file_unreadable".into(),
                    message: "The file could not be read.".into(),
                })),
            }
        });
    };

    view! {
        <div class="modal-backdrop" on:click=move |_| on_close.run(())>
            <div id="import-dialog" class="modal" role="dialog" aria-modal="true" aria-labelledby="import-title"
                on:click=|ev| ev.stop_propagation()
                on:keydown=move |ev| if ev.key() == "Escape" { on_close.run(()) }
            >
                <h3 id="import-title" class="modal-title">"Import accounts from CSV"</h3>
                <p class="muted">"A header row with at least a domain column (domain, website or url); name, region, segment, industry, employees, revenue, owner and tags are read when present."</p>
                <label class="field">
                    <span>"Choose a file"</span>
                    <input id="import-file" type="file" accept=".csv,text/csv" on:change=on_file />
                </label>
                <label class="field">
                    <span>"…or paste the CSV"</span>
                    <textarea id="import-text" rows="6" spellcheck="false"
                        prop:value=move || text.get()
                        on:input=move |ev| { text.set(event_target_value(&ev)); preview.set(None); }
                    ></textarea>
                </label>
                {move || error.get().map(|e| view! {
                    <p class="field-error" role="alert" data-code=e.code.clone()>{e.message.clone()}</p>
                })}
                {move || preview.get().map(|p| view! { <PreviewView preview=p /> })}
                <div class="modal-actions">
                    <button class="button button-ghost" on:click=move |_| on_close.run(())>"Cancel"</button>
                    <button id="import-preview" class="button" prop:disabled=move || busy.get() || text.with(|t| t.trim().is_empty())
                        on:click=move |_| run_preview()>"Preview"</button>
                    <button id="import-confirm" class="button button-primary"
                        prop:disabled=move || busy.get() || preview.with(|p| p.as_ref().is_none_or(|p| p.accepted.is_empty()))
                        on:click=confirm
                    >
                        {move || match preview.with(|p| p.as_ref().map(|p| p.accepted.len())) {
                            Some(n) => format!("Import {n} accounts"),
                            None => "Import".to_owned(),
                        }}
                    </button>
                </div>
            </div>
        </div>
    }
}

#[component]
fn PreviewView(preview: ImportPreview) -> impl IntoView {
    let accepted = preview.accepted.len();
    let rejected = preview.rejected.len();
    view! {
        <div class="import-preview">
            <p id="import-summary" data-accepted=accepted data-rejected=rejected>
                {format!("{} rows read: {accepted} to import, {rejected} rejected.", preview.rows)}
            </p>
            {(rejected > 0).then(|| view! {
                <table id="import-rejected" class="table table-compact">
                    <thead><tr><th>"Line"</th><th>"Row"</th><th>"Why"</th></tr></thead>
                    <tbody>
                        {preview.rejected.iter().map(|r| view! {
                            <tr data-line=r.line>
                                <td>{r.line}</td>
                                <td class="mono">{r.raw.clone()}</td>
                                <td>{r.reason.clone()}</td>
                            </tr>
                        }).collect::<Vec<_>>()}
                    </tbody>
                </table>
            })}
        </div>
    }
}
