//! The application frame: the top bar (brand, DEMO badge, online/offline, the running job's
//! progress, the search palette button, who the user is on the sync server), the page
//! navigation, the current page, the unlock dialog when the store waits for a passphrase, and the
//! toasts. Shell events that concern the whole app (network, progress, a clicked notification,
//! a finished sync) are handled here.
//!
//! Feature flags come from the sync server, evaluated per user (the same answer on every
//! machine): the Ops page shows unless flag `ops_page` is off for the user. The Admin page shows
//! for admins and managers only.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, AppStatus, EnrichProgress, Navigate, NetworkChanged, SyncReport};
use crate::components::progress::ProgressBar;
use crate::components::states::ErrorState;
use crate::components::toast::{ToastHost, provide_toasts};
use crate::pages::accounts::AccountsPage;
use crate::pages::admin::AdminPage;
use crate::pages::brief::BriefPage;
use crate::pages::ops::OpsPage;
use crate::pages::privacy::PrivacyPage;
use crate::pages::search::{SearchPage, SearchPalette};
use crate::pages::settings::SettingsPage;
use crate::pages::usage::UsagePage;
use crate::route::{Route, provide_route};
use crate::unlock::UnlockDialog;

/// Bumped whenever the shell says accounts changed (an import, a finished enrichment). Pages
/// watch it instead of each registering a listener that would outlive them.
#[derive(Clone, Copy)]
pub struct AccountsChanged(pub RwSignal<u64>);

/// Runs `reload` each time accounts change after the calling page was created; the watch ends
/// with the page.
pub fn on_accounts_changed(reload: impl Fn() + 'static) {
    if let Some(AccountsChanged(changed)) = use_context::<AccountsChanged>() {
        // The first run only subscribes.
        Effect::new(move |seen: Option<u64>| {
            let now = changed.get();
            if seen.is_some_and(|s| s != now) {
                reload();
            }
            now
        });
    }
}

/// Has the app read its status again (a page logged in or out of the sync server).
#[derive(Clone, Copy)]
pub struct StatusHandle {
    pub reload: Callback<()>,
}

/// The flag that gates the Ops page.
pub const OPS_PAGE_FLAG: &str = "ops_page";

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let route = provide_route();
    let toasts = provide_toasts();
    let accounts_changed = RwSignal::new(0_u64);
    provide_context(AccountsChanged(accounts_changed));
    api::listen::<()>(api::events::ACCOUNTS_CHANGED, move |()| {
        accounts_changed.update(|n| *n += 1);
    });
    let status = RwSignal::new(None::<AppStatus>);
    let palette = RwSignal::new(false);
    let job = RwSignal::new(None::<EnrichProgress>);

    let load_status = move || {
        spawn_local(async move {
            match api::app_status().await {
                Ok(s) => status.set(Some(s)),
                Err(e) => toasts.error(&e),
            }
        })
    };
    load_status();
    provide_context(StatusHandle {
        reload: Callback::new(move |()| load_status()),
    });
    // Budget alerts the server sent this manager: a toast once per alert and app run.
    let alerts_seen = StoredValue::new(std::collections::BTreeSet::<String>::new());
    api::listen::<SyncReport>(api::events::SYNCED, move |_| {
        spawn_local(async move {
            let Ok(org) = api::synced_org().await else {
                return;
            };
            for alert in org.budget_alerts {
                let key = format!("{}/{}", alert.team, alert.month);
                if alerts_seen.try_update_value(|seen| seen.insert(key)) == Some(true) {
                    toasts.info(alert.text());
                }
            }
        });
    });
    api::listen::<SyncReport>(api::events::SYNCED, move |r| {
        if r.applied > 0 || r.removed > 0 {
            toasts.info(format!(
                "Synced: {} changes{}",
                r.applied,
                if r.removed > 0 {
                    format!(", {} accounts no longer yours", r.removed)
                } else {
                    String::new()
                }
            ));
        }
        load_status();
    });
    api::listen::<NetworkChanged>(api::events::NETWORK, move |n| {
        status.update(|s| {
            if let Some(s) = s {
                s.online = n.online;
                s.queued = n.queued;
            }
        });
        if n.online {
            toasts.info("Back online.".to_owned());
        } else {
            toasts.info("Offline: stored data stays readable; enrichment is queued.".to_owned());
        }
    });
    api::listen::<Navigate>(api::events::NAVIGATE, move |n| {
        if let ("brief", Some(domain)) = (n.page.as_str(), n.domain) {
            route.set(Route::Brief(domain));
        }
    });
    api::listen::<EnrichProgress>(api::events::ENRICH_PROGRESS, move |p| {
        if p.finished {
            let failed = p.failed;
            let text = format!(
                "Enrichment {}: {} of {} accounts, ${:.2} spent{}",
                p.status.as_deref().unwrap_or("done"),
                p.done,
                p.total,
                p.spent_micros as f64 / 1e6,
                if failed > 0 {
                    format!(", {failed} failed")
                } else {
                    String::new()
                }
            );
            toasts.success(text);
            job.set(None);
            load_status();
        } else {
            job.set(Some(p));
        }
    });

    let ready = move || status.with(|s| s.as_ref().is_some_and(|s| s.store == "ready"));
    let ops_on = move || status.with(|s| s.as_ref().is_none_or(|s| s.feature(OPS_PAGE_FLAG)));
    // The Admin page is for admins and managers; the server checks every write anyway.
    let admin_on = move || {
        status.with(|s| {
            s.as_ref()
                .and_then(|s| s.role.as_deref())
                .is_some_and(|r| r == "admin" || r == "manager")
        })
    };
    let failed = move || {
        status.with(|s| {
            s.as_ref()
                .filter(|s| s.store == "failed")
                .and_then(|s| s.error.clone())
        })
    };

    view! {
        <div class="app" data-page=move || route.with(Route::key)>
            <header class="topbar">
                <div class="brand">
                    <span class="brand-mark" aria-hidden="true">"PF"</span>
                    <h1 id="app-title" class="brand-name">"PartnerForge"</h1>
                    <Show when=move || status.with(|s| s.as_ref().is_some_and(|s| s.demo))>
                        <span id="demo-badge" class="demo-badge" title="Demo mode: sources answer from built-in mock APIs; every figure is made up">"DEMO"</span>
                    </Show>
                </div>
                <div class="topbar-job">
                    {move || job.get().map(|p| {
                        let value = Signal::derive(move || job.with(|j| j.as_ref().map_or(0.0, |p| f64::from(p.done) / f64::from(p.total.max(1)))));
                        let label = Signal::derive(move || job.with(|j| j.as_ref().map(|p| format!("Enriching {}/{}{}", p.done, p.total, p.current.as_ref().map(|c| format!(" · {c}")).unwrap_or_default())).unwrap_or_default()));
                        view! { <div id="job-progress" data-job=p.job.clone()><ProgressBar value label /></div> }
                    })}
                </div>
                <div class="topbar-right">
                    <button id="palette-open" class="button button-ghost palette-button" on:click=move |_| palette.set(true) title="Search everything (Ctrl+K)">
                        "Search" <kbd>"Ctrl K"</kbd>
                    </button>
                    {move || status.get().and_then(|s| {
                        let role = s.role.clone()?;
                        let data_role = role.clone();
                        let title = format!("Signed in to {}", s.server_url.clone().unwrap_or_default());
                        Some(view! {
                            <span id="identity" class="identity" data-role=data_role title=title>
                                <span class="identity-user">{s.user.clone()}</span>
                                <span class="identity-role">{role}</span>
                            </span>
                        })
                    })}
                    {move || status.get().map(|s| {
                        let (class, text) = if s.online { ("pill pill-online", "Online".to_owned()) } else if s.queued > 0 { ("pill pill-offline", format!("Offline · {} queued", s.queued)) } else { ("pill pill-offline", "Offline".to_owned()) };
                        view! { <span id="network" class=class data-online=s.online.to_string() title=if s.online { "Sources are reachable" } else { "Working offline: stored data stays readable; enrichment waits for the network" }>{text}</span> }
                    })}
                </div>
            </header>
            <div class="frame">
                <nav class="sidebar" aria-label="Pages">
                    <NavLink target=Route::Accounts id="nav-accounts" />
                    <NavLink target=Route::Search(String::new()) id="nav-search" />
                    <NavLink target=Route::Usage id="nav-usage" />
                    <NavLink target=Route::Settings id="nav-settings" />
                    <Show when=ops_on>
                        <NavLink target=Route::Ops id="nav-ops" />
                    </Show>
                    <Show when=admin_on>
                        <NavLink target=Route::Admin id="nav-admin" />
                    </Show>
                    <NavLink target=Route::Privacy id="nav-privacy" />
                </nav>
                <main class="content">
                    {move || {
                        if let Some(err) = failed() {
                            return view! { <ErrorState error=err /> }.into_any();
                        }
                        if !ready() {
                            return view! { <div class="page-loading" aria-busy="true"></div> }.into_any();
                        }
                        match route.get() {
                            Route::Accounts => view! { <AccountsPage /> }.into_any(),
                            Route::Brief(domain) => view! { <BriefPage domain /> }.into_any(),
                            Route::Search(query) => view! { <SearchPage query /> }.into_any(),
                            Route::Usage => view! { <UsagePage /> }.into_any(),
                            Route::Settings => view! { <SettingsPage /> }.into_any(),
                            Route::Ops if ops_on() => view! { <OpsPage /> }.into_any(),
                            Route::Ops => view! { <AccountsPage /> }.into_any(),
                            Route::Admin if admin_on() => view! { <AdminPage /> }.into_any(),
                            Route::Admin => view! { <AccountsPage /> }.into_any(),
                            Route::Privacy => view! { <PrivacyPage /> }.into_any(),
                        }
                    }}
                </main>
            </div>
            <SearchPalette open=palette />
            <UnlockDialog status on_unlocked=Callback::new(move |s: AppStatus| status.set(Some(s))) />
            <ToastHost />
        </div>
    }
}

/// One navigation entry; `aria-current` marks the page showing.
#[component]
fn NavLink(target: Route, id: &'static str) -> impl IntoView {
    let route = crate::route::use_route();
    let key = target.key();
    let label = target.label();
    let current = move || (route.with(Route::key) == key).then_some("page");
    view! {
        <button id=id class="nav-link" aria-current=current on:click=move |_| route.set(target.clone())>
            {label}
        </button>
    }
}
