//! The passphrase dialog: shown when no OS keyring can hold the database key. Creating a new
//! store asks twice; a wrong passphrase says so and lets the user try again.
//!
//! Hooks: `#unlock`, `#passphrase`, `#passphrase-again`, `#unlock-submit`, `#unlock-error`.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError, AppStatus};

#[component]
pub fn UnlockDialog(
    status: RwSignal<Option<AppStatus>>,
    on_unlocked: Callback<AppStatus>,
) -> impl IntoView {
    let locked = move || status.with(|s| s.as_ref().is_some_and(|s| s.store == "locked"));
    let creating = move || status.with(|s| s.as_ref().is_some_and(|s| s.creating));
    let pass = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let p = pass.get_untracked();
        if p.is_empty() {
            error.set(Some(ApiError {
                code: "ui.empty_passphrase".into(),
                message: "Enter a passphrase.".into(),
            }));
            return;
        }
        if creating() && p != again.get_untracked() {
            error.set(Some(ApiError {
                code: "ui.passphrase_mismatch".into(),
                message: "The two passphrases differ.".into(),
            }));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match api::unlock(&p).await {
                Ok(s) => {
                    pass.set(String::new());
                    again.set(String::new());
                    error.set(None);
                    on_unlocked.run(s);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <Show when=locked>
            <div class="modal-backdrop">
                <form id="unlock" class="modal" role="dialog" aria-modal="true" aria-labelledby="unlock-title" on:submit=submit>
                    <h3 id="unlock-title" class="modal-title">
                        {move || if creating() { "Choose a passphrase" } else { "Unlock PartnerForge" }}
                    </h3>
                    <p class="muted">
                        {move || if creating() {
                            "No OS keyring is available on this computer, so your encrypted database is protected by a passphrase. It cannot be recovered if you forget it."
                        } else {
                            "No OS keyring is available: enter the passphrase of your encrypted database."
                        }}
                    </p>
                    <label class="field">
                        <span>"Passphrase"</span>
                        <input id="passphrase" type="password" autocomplete="current-password" autofocus
                            prop:value=move || pass.get() on:input=move |ev| pass.set(event_target_value(&ev)) />
                    </label>
                    <Show when=creating>
                        <label class="field">
                            <span>"Repeat it"</span>
                            <input id="passphrase-again" type="password" autocomplete="new-password"
                                prop:value=move || again.get() on:input=move |ev| again.set(event_target_value(&ev)) />
                        </label>
                    </Show>
                    {move || error.get().map(|e| view! { <p id="unlock-error" class="field-error" role="alert" data-code=e.code.clone()>{e.message.clone()}</p> })}
                    <div class="modal-actions">
                        <button id="unlock-submit" class="button button-primary" type="submit" prop:disabled=move || busy.get()>
                            {move || if creating() { "Create" } else { "Unlock" }}
                        </button>
                    </div>
                </form>
            </div>
        </Show>
    }
}
