//! Settings: API keys (kept in the OS keyring, never shown back), source base URLs, the vendor
//! profile, scoring thresholds, the budget, notifications, and the sync server ([`sync`]).
//!
//! Every setter answers with the whole [`SettingsView`] again, which replaces the page's copy;
//! the inputs keep their own drafts so saving one field never resets another. A refused value
//! (`ApiError`) is shown next to its field (`#err-<field>[data-code]`); success shows a toast.
//!
//! Hooks: `#settings[data-ready]`, `.key-row[data-source]`, `#key-<id>`, `#save-key-<id>`,
//! `#delete-key-<id>`, `#key-status-<id>[data-has-key]`, `#url-<id>`, `#save-url-<id>`, and the
//! ids of [`forms`].

mod forms;
mod sync;

use std::collections::{HashMap, HashSet};
use std::future::Future;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError, SettingsView, SourceSetting};
use crate::components::states::{ErrorState, Skeleton};
use crate::components::toast::{Toasts, use_toasts};

/// The page's state, `Copy` so handlers and tasks share it.
#[derive(Clone, Copy)]
struct SettingsState {
    view: RwSignal<Option<SettingsView>>,
    load_error: RwSignal<Option<ApiError>>,
    loading: RwSignal<bool>,
    /// Field id → the shell's refusal, shown next to the field.
    errors: RwSignal<HashMap<String, ApiError>>,
    /// Fields being saved (their buttons are disabled).
    busy: RwSignal<HashSet<String>>,
    toasts: Toasts,
}

impl SettingsState {
    fn new() -> Self {
        Self {
            view: RwSignal::new(None),
            load_error: RwSignal::new(None),
            loading: RwSignal::new(true),
            errors: RwSignal::new(HashMap::new()),
            busy: RwSignal::new(HashSet::new()),
            toasts: use_toasts(),
        }
    }

    fn load(self) {
        self.loading.set(true);
        self.load_error.set(None);
        spawn_local(async move {
            match api::get_settings().await {
                Ok(view) => self.view.set(Some(view)),
                Err(err) => self.load_error.set(Some(err)),
            }
            self.loading.set(false);
        });
    }

    fn is_busy(self, field: &str) -> bool {
        self.busy.with(|b| b.contains(field))
    }

    fn set_error(self, field: &str, error: Option<ApiError>) {
        self.errors.update(|errors| match error {
            Some(err) => {
                errors.insert(field.to_owned(), err);
            }
            None => {
                errors.remove(field);
            }
        });
    }

    /// Runs one save for `field`: marks it busy, then on success takes the new settings,
    /// clears the field's error, toasts `ok_text` and calls `after`; on failure shows the error
    /// next to the field.
    fn save<F>(
        self,
        field: impl Into<String>,
        ok_text: impl Into<String>,
        call: F,
        after: impl FnOnce(&SettingsView) + 'static,
    ) where
        F: Future<Output = Result<SettingsView, ApiError>> + 'static,
    {
        let field = field.into();
        let ok_text = ok_text.into();
        self.busy.update(|b| {
            b.insert(field.clone());
        });
        spawn_local(async move {
            let result = call.await;
            if self.view.is_disposed() {
                return;
            }
            self.busy.update(|b| {
                b.remove(&field);
            });
            match result {
                Ok(view) => {
                    self.set_error(&field, None);
                    after(&view);
                    self.view.set(Some(view));
                    self.toasts.success(ok_text);
                }
                Err(err) => self.set_error(&field, Some(err)),
            }
        });
    }
}

/// The settings page.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let state = SettingsState::new();
    state.load();
    let loaded = Memo::new(move |_| state.view.with(Option::is_some));
    let retry = Callback::new(move |()| state.load());

    view! {
        <section
            id="settings"
            class="page settings-page"
            aria-labelledby="settings-title"
            data-ready=move || (!state.loading.get()).to_string()
        >
            <div class="page-head">
                <div>
                    <h2 id="settings-title" class="page-title">"Settings"</h2>
                    <p class="page-subtitle">
                        "Keys are stored in your system keyring and never shown again."
                    </p>
                </div>
            </div>
            {move || state.load_error.get().map(|error| view! { <ErrorState error on_retry=retry /> })}
            <Show when=move || state.loading.get() && !loaded.get()>
                <div class="card settings-skeleton"><Skeleton lines=12 /></div>
            </Show>
            <Show when=move || loaded.get()>
                <SettingsForms state />
            </Show>
        </section>
    }
}

#[component]
fn SettingsForms(state: SettingsState) -> impl IntoView {
    let view = state.view.get_untracked().unwrap_or_else(|| SettingsView {
        sources: Vec::new(),
        home_vendor: String::new(),
        competitors: Vec::new(),
        hot: 0,
        warm: 0,
        cool: 0,
        notifications: false,
        budget_monthly_usd: 0.0,
        budget_alert_threshold: 0.0,
    });
    let sources = sorted_sources(view.sources.clone());
    let keys = sources
        .iter()
        .map(|s| view! { <KeyRow state source=s.clone() /> })
        .collect::<Vec<_>>();
    let urls = sources
        .iter()
        .map(|s| view! { <UrlRow state source=s.clone() /> })
        .collect::<Vec<_>>();
    view! {
        <div class="settings-grid">
            <section id="settings-keys" class="card settings-card" aria-labelledby="keys-title">
                <h3 id="keys-title" class="card-title">"API keys"</h3>
                <p class="settings-help">"Paid sources need a key. Saving replaces the stored key."</p>
                <div class="key-list">{keys}</div>
            </section>
            <section id="settings-sources" class="card settings-card" aria-labelledby="urls-title">
                <h3 id="urls-title" class="card-title">"Source base URLs"</h3>
                <div class="url-list">{urls}</div>
            </section>
            <forms::VendorForm state view=view.clone() />
            <forms::ScoringForm state view=view.clone() />
            <forms::BudgetForm state view=view.clone() />
            <forms::NotificationsForm state view />
            <sync::SyncServerForm />
        </div>
    }
}

/// Paid sources first, then those needing a key, then by name.
fn sorted_sources(mut sources: Vec<SourceSetting>) -> Vec<SourceSetting> {
    sources.sort_by(|a, b| {
        (a.kind != "paid", !a.needs_key, a.name.to_lowercase()).cmp(&(
            b.kind != "paid",
            !b.needs_key,
            b.name.to_lowercase(),
        ))
    });
    sources
}

/// `Key set on 2026-11-05`, `No key` or `No key needed`.
fn key_status(source: &SourceSetting) -> String {
    match (source.has_key, &source.key_set_at) {
        (true, Some(at)) => format!("Key set on {}", at.get(..10).unwrap_or(at)),
        (true, None) => "Key set".to_owned(),
        (false, _) if source.needs_key => "No key".to_owned(),
        (false, _) => "No key needed".to_owned(),
    }
}

/// The shell's refusal for `field`, next to it.
#[component]
fn FieldError(state: SettingsState, #[prop(into)] field: String) -> impl IntoView {
    let id = format!("err-{field}");
    move || {
        state.errors.with(|e| e.get(&field).cloned()).map(|err| {
            let ApiError { code, message } = err;
            let id = id.clone();
            let data_code = code.clone();
            view! {
                <p id=id class="field-error" role="alert" data-code=data_code>
                    <span class="field-error-code">{code}</span>
                    " "
                    {message}
                </p>
            }
        })
    }
}

#[component]
fn KeyRow(state: SettingsState, source: SourceSetting) -> impl IntoView {
    let id = source.id.clone();
    let name = source.name.clone();
    let field = format!("key-{id}");
    let draft = RwSignal::new(String::new());
    // The current setting of this source, from the latest answer.
    let current = {
        let id = id.clone();
        Memo::new(move |_| {
            state.view.with(|v| {
                v.as_ref()
                    .and_then(|v| v.sources.iter().find(|s| s.id == id).cloned())
            })
        })
    };
    let has_key = move || current.with(|s| s.as_ref().is_some_and(|s| s.has_key));
    let status = move || current.with(|s| s.as_ref().map(key_status).unwrap_or_default());
    let busy = {
        let field = field.clone();
        move || state.is_busy(&field)
    };

    let save = {
        let (id, name, field) = (id.clone(), name.clone(), field.clone());
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let key = draft.get_untracked().trim().to_owned();
            if key.is_empty() {
                return;
            }
            let source = id.clone();
            state.save(
                field.clone(),
                format!("Key saved for {name}"),
                async move { api::set_api_key(&source, &key).await },
                move |_| draft.set(String::new()),
            );
        }
    };
    let delete = {
        let (id, name, field) = (id.clone(), name.clone(), field.clone());
        move |_| {
            let source = id.clone();
            state.save(
                field.clone(),
                format!("Key deleted for {name}"),
                async move { api::delete_api_key(&source).await },
                |_| {},
            );
        }
    };
    let kind_class = if source.kind == "paid" {
        "badge badge-paid"
    } else {
        "badge"
    };
    let busy_save = busy.clone();
    view! {
        <form class="key-row" data-source=id.clone() on:submit=save>
            <div class="key-source">
                <label class="field-label" for=field.clone()>{name.clone()}</label>
                <span class=kind_class>{source.kind.clone()}</span>
                <span
                    id=format!("key-status-{id}")
                    class="key-status"
                    data-has-key=move || has_key().to_string()
                >
                    {status}
                </span>
            </div>
            <div class="key-controls">
                <input
                    id=field.clone()
                    class="input"
                    type="password"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder=move || if has_key() { "Replace key…" } else { "Paste key…" }
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))
                />
                <button
                    id=format!("save-key-{id}")
                    class="button button-primary"
                    type="submit"
                    disabled=move || busy_save() || draft.with(|d| d.trim().is_empty())
                >
                    "Save"
                </button>
                <button
                    id=format!("delete-key-{id}")
                    class="button button-ghost"
                    type="button"
                    disabled=move || busy() || !has_key()
                    on:click=delete
                >
                    "Delete"
                </button>
            </div>
            <FieldError state field />
        </form>
    }
}

#[component]
fn UrlRow(state: SettingsState, source: SourceSetting) -> impl IntoView {
    let SourceSetting {
        id, name, base_url, ..
    } = source;
    let field = format!("url-{id}");
    let draft = RwSignal::new(base_url);
    let save = {
        let (id, name, field) = (id.clone(), name.clone(), field.clone());
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let key = format!("sources.{id}.base_url");
            let value = draft.get_untracked().trim().to_owned();
            state.save(
                field.clone(),
                format!("Base URL saved for {name}"),
                async move { api::set_config(&key, &value).await },
                |_| {},
            );
        }
    };
    let busy = {
        let field = field.clone();
        move || state.is_busy(&field)
    };
    view! {
        <form class="url-row" data-source=id.clone() on:submit=save>
            <label class="field-label" for=field.clone()>{name}</label>
            <input
                id=field.clone()
                class="input input-mono"
                type="url"
                spellcheck="false"
                prop:value=move || draft.get()
                on:input=move |ev| draft.set(event_target_value(&ev))
            />
            <button id=format!("save-url-{id}") class="button button-ghost" type="submit" disabled=busy>
                "Save"
            </button>
            <FieldError state field />
        </form>
    }
}
