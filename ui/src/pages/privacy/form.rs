//! The request form: kind, the person's e-mail and name, and for a rectification the corrected
//! values. An erasure asks to be confirmed (it cannot be undone).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::Privacy;
use crate::api::{self, Correction, PrivacyInput};
use crate::components::toast::use_toasts;

fn opt(s: String) -> Option<String> {
    let t = s.trim().to_owned();
    (!t.is_empty()).then_some(t)
}

#[component]
pub(super) fn RequestForm(state: Privacy) -> impl IntoView {
    let toasts = use_toasts();
    let kind = RwSignal::new("access".to_owned());
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let new_name = RwSignal::new(String::new());
    let new_email = RwSignal::new(String::new());
    let new_title = RwSignal::new(String::new());
    let confirm = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let last = RwSignal::new(None::<String>);
    let on_server = move || {
        state
            .data
            .with(|d| d.as_ref().is_some_and(|d| d.server_managed))
    };

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let k = kind.get_untracked();
        if k == "erasure" && !confirm.get_untracked() {
            confirm.set(true);
            return;
        }
        let correction = (k == "rectification").then(|| Correction {
            name: opt(new_name.get_untracked()),
            email: opt(new_email.get_untracked()),
            title: opt(new_title.get_untracked()),
        });
        let input = PrivacyInput {
            kind: k.clone(),
            email: email.get_untracked(),
            name: opt(name.get_untracked()),
            correction,
        };
        busy.set(true);
        spawn_local(async move {
            match api::file_privacy_request(&input).await {
                Ok(f) => {
                    let text = if f.on_server {
                        format!(
                            "{k} request filed on the server: every laptop carries it out at its next sync"
                        )
                    } else {
                        format!("{k} {}: {} record(s)", f.status, f.records)
                    };
                    toasts.success(text.clone());
                    last.set(Some(match f.export_path {
                        Some(p) => format!("{text}. Export written to {p}"),
                        None => text,
                    }));
                    email.set(String::new());
                    name.set(String::new());
                    confirm.set(false);
                    state.reload();
                }
                Err(e) => toasts.error(&e),
            }
            busy.set(false);
        });
    };

    view! {
        <section class="card privacy-form-card" aria-labelledby="privacy-form-title">
            <h3 id="privacy-form-title" class="card-title">"New request"</h3>
            <p class="card-note">
                {move || if on_server() {
                    "Filed on the sync server: carried out there and on every laptop."
                } else {
                    "Carried out on this laptop now: live data, history, search index, cached source answers and exported briefs."
                }}
            </p>
            <form id="privacy-form" class="form-grid" on:submit=submit>
                <label class="field">
                    <span class="field-label">"Request"</span>
                    <select
                        id="privacy-kind"
                        prop:value=move || kind.get()
                        on:change=move |ev| { kind.set(event_target_value(&ev)); confirm.set(false); }
                    >
                        <option value="access">"Access: export everything held"</option>
                        <option value="erasure">"Erasure: delete every copy"</option>
                        <option value="rectification">"Rectification: correct the values"</option>
                    </select>
                </label>
                <label class="field">
                    <span class="field-label">"E-mail"</span>
                    <input id="privacy-email" type="email" required=true autocomplete="off"
                        prop:value=move || email.get()
                        on:input=move |ev| email.set(event_target_value(&ev)) />
                </label>
                <label class="field">
                    <span class="field-label">"Full name (optional)"</span>
                    <input id="privacy-name" type="text" autocomplete="off"
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev)) />
                </label>
                {move || (kind.get() == "rectification").then(|| view! {
                    <label class="field">
                        <span class="field-label">"Correct name"</span>
                        <input id="privacy-new-name" type="text"
                            on:input=move |ev| new_name.set(event_target_value(&ev)) />
                    </label>
                    <label class="field">
                        <span class="field-label">"Correct e-mail"</span>
                        <input id="privacy-new-email" type="email"
                            on:input=move |ev| new_email.set(event_target_value(&ev)) />
                    </label>
                    <label class="field">
                        <span class="field-label">"Correct title"</span>
                        <input id="privacy-new-title" type="text"
                            on:input=move |ev| new_title.set(event_target_value(&ev)) />
                    </label>
                })}
                <div class="form-actions">
                    <button
                        id="privacy-submit"
                        class=move || if confirm.get() { "button button-danger" } else { "button button-primary" }
                        type="submit"
                        disabled=move || busy.get()
                    >
                        {move || match (busy.get(), confirm.get()) {
                            (true, _) => "Working…",
                            (false, true) => "Erase everywhere: confirm",
                            (false, false) => "File request",
                        }}
                    </button>
                </div>
            </form>
            {move || last.get().map(|t| view! { <p id="privacy-last" class="card-note" role="status">{t}</p> })}
        </section>
    }
}
