//! Settings › Sync server: log in with the server's URL and a token (the shell checks it with
//! the server and keeps it in the OS keyring; the field is cleared and never shown again), log
//! out, and sync now. Shows who the user is there, their role and team, and the last sync.
//!
//! Hooks: `#settings-sync[data-logged-in]`, `#server-url`, `#server-token`, `#server-login`,
//! `#server-logout`, `#sync-now`, `#sync-who[data-role]`, `#err-sync[data-code]`.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError, Identity};
use crate::app::StatusHandle;
use crate::components::toast::use_toasts;

#[component]
pub(super) fn SyncServerForm() -> impl IntoView {
    let toasts = use_toasts();
    let handle = use_context::<StatusHandle>();
    let identity = RwSignal::new(None::<Identity>);
    let url = RwSignal::new(String::new());
    let token = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let reload_app = move || {
        if let Some(h) = handle {
            h.reload.run(());
        }
    };
    spawn_local(async move {
        if let Ok(id) = api::identity().await {
            if let Some(i) = &id {
                url.set(i.server_url.clone());
            }
            identity.set(id);
        }
    });

    let login = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (u, t) = (url.get_untracked(), token.get_untracked());
        if u.trim().is_empty() || t.trim().is_empty() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = api::login(u.trim(), t.trim()).await;
            busy.set(false);
            match result {
                Ok(id) => {
                    token.set(String::new());
                    error.set(None);
                    if let Some(i) = &id {
                        toasts.success(format!("Signed in as {} ({})", i.user, i.role));
                    }
                    identity.set(id);
                    reload_app();
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let logout = move |_| {
        busy.set(true);
        spawn_local(async move {
            let result = api::logout().await;
            busy.set(false);
            match result {
                Ok(id) => {
                    error.set(None);
                    identity.set(id);
                    toasts.success("Signed out of the sync server".to_owned());
                    reload_app();
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let sync_now = move |_| {
        busy.set(true);
        spawn_local(async move {
            let result = api::sync_now().await;
            busy.set(false);
            match result {
                Ok(Some(r)) => {
                    error.set(None);
                    toasts.success(format!(
                        "Synced: {} changes pulled, {} usage records pushed",
                        r.pulled, r.pushed
                    ));
                    if let Ok(id) = api::identity().await {
                        identity.set(id);
                    }
                }
                Ok(None) => {}
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let logged_in = move || identity.with(Option::is_some);

    view! {
        <section
            id="settings-sync"
            class="card settings-card"
            aria-labelledby="sync-title"
            data-logged-in=move || logged_in().to_string()
        >
            <h3 id="sync-title" class="card-title">"Sync server"</h3>
            <p class="settings-help">
                "Your organisation's server hands you your accounts, territories, budget and flags, and collects spend. The token is kept in your system keyring."
            </p>
            {move || identity.get().map(|i| {
                let team = i.team_name.clone().map(|t| format!(" · {t}")).unwrap_or_default();
                let last = i.last_sync_at.clone().map(|t| format!(" · last sync {}", t.get(..16).unwrap_or(&t).replace('T', " "))).unwrap_or_else(|| " · not synced yet".to_owned());
                view! {
                    <p id="sync-who" class="sync-who" data-role=i.role.clone()>
                        <strong>{i.user.clone()}</strong>
                        {format!(" · {}{team}{last}", i.role)}
                    </p>
                }
            })}
            <form class="form-stack" on:submit=login>
                <label class="field-label" for="server-url">"Server URL"</label>
                <input
                    id="server-url"
                    class="input"
                    type="url"
                    placeholder="https://sync.example.com/"
                    prop:value=move || url.get()
                    on:input=move |ev| url.set(event_target_value(&ev))
                />
                <label class="field-label" for="server-token">"Token"</label>
                <input
                    id="server-token"
                    class="input"
                    type="password"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder=move || if logged_in() { "Paste a new token to sign in again…" } else { "Paste your token…" }
                    prop:value=move || token.get()
                    on:input=move |ev| token.set(event_target_value(&ev))
                />
                {move || error.get().map(|ApiError { code, message }| {
                    let data_code = code.clone();
                    view! {
                        <p id="err-sync" class="field-error" role="alert" data-code=data_code>
                            <span class="field-error-code">{code}</span>" "{message}
                        </p>
                    }
                })}
                <div class="sync-actions">
                    <button
                        id="server-login"
                        class="button button-primary"
                        type="submit"
                        disabled=move || busy.get() || url.with(|u| u.trim().is_empty()) || token.with(|t| t.trim().is_empty())
                    >
                        "Log in"
                    </button>
                    <button id="server-logout" class="button button-ghost" type="button" disabled=move || busy.get() || !logged_in() on:click=logout>
                        "Log out"
                    </button>
                    <button id="sync-now" class="button button-ghost" type="button" disabled=move || busy.get() || !logged_in() on:click=sync_now>
                        "Sync now"
                    </button>
                </div>
            </form>
        </section>
    }
}
