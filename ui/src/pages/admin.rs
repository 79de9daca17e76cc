//! Admin: for admins and managers, the organisation's rules on the sync server — territories
//! ([`territories`]), account assignments ([`assignments`]), team budgets ([`budgets`]) and
//! feature flags ([`flags`]). The page loads `admin_overview` once and after every save; the
//! server decides what the user may change (only admins change territories, budgets and flags;
//! managers assign within their team), and a refusal keeps its code next to the field.
//!
//! Hooks: `section#admin[data-ready][data-role]`, `#admin-error[data-code]`, `#admin-refresh`,
//! the forms `#territory-form`, `#assign-form`, `#budget-form`, `#flag-form`, their errors
//! `#err-<form>-<field>[data-code]`, lists `#territory-list`, `#budget-list`, `#flag-list`.

use leptos::prelude::*;
use leptos::task::spawn_local;

mod assignments;
mod budgets;
mod flags;
mod form;
mod territories;

use crate::api::{self, AdminOverview, ApiError};
use crate::components::states::{ErrorState, Skeleton};

/// What the sections share: the overview and a way to load it again after a save.
#[derive(Clone, Copy)]
struct Admin {
    data: RwSignal<Option<AdminOverview>>,
    error: RwSignal<Option<ApiError>>,
    latest: StoredValue<u64>,
}

impl Admin {
    fn new() -> Self {
        Self {
            data: RwSignal::new(None),
            error: RwSignal::new(None),
            latest: StoredValue::new(0),
        }
    }

    /// Loads the overview; an answer to an older request is dropped.
    fn reload(self) {
        let Some(ticket) = self.latest.try_update_value(|n| {
            *n += 1;
            *n
        }) else {
            return; // the page is gone
        };
        spawn_local(async move {
            let result = api::admin_overview().await;
            if self.latest.try_get_value() != Some(ticket) {
                return;
            }
            match result {
                Ok(view) => {
                    self.data.set(Some(view));
                    self.error.set(None);
                }
                Err(err) => self.error.set(Some(err)),
            }
        });
    }

    fn is_admin(self) -> bool {
        self.data
            .with(|d| d.as_ref().is_some_and(|d| d.role == "admin"))
    }

    /// The user ids the forms offer (the team's, every user's for an admin).
    fn user_ids(self) -> Vec<String> {
        self.data.with(|d| {
            d.as_ref()
                .map(|d| {
                    d.users
                        .iter()
                        .filter(|u| u.active)
                        .map(|u| u.id.clone())
                        .collect()
                })
                .unwrap_or_default()
        })
    }

    /// A team's name, else its id.
    fn team_name(self, id: &str) -> String {
        self.data.with(|d| {
            d.as_ref()
                .and_then(|d| d.teams.iter().find(|t| t.id == id))
                .map_or_else(|| id.to_owned(), |t| t.name.clone())
        })
    }
}

/// The Admin page.
#[component]
pub fn AdminPage() -> impl IntoView {
    let admin = Admin::new();
    admin.reload();
    let ready = move || admin.data.with(Option::is_some);
    let role = move || {
        admin
            .data
            .with(|d| d.as_ref().map(|d| d.role.clone()).unwrap_or_default())
    };
    view! {
        <section id="admin" class="page" aria-labelledby="admin-title" data-ready=move || ready().to_string() data-role=role>
            <div class="page-head">
                <div>
                    <h2 id="admin-title" class="page-title">"Admin"</h2>
                    <p class="page-subtitle">
                        {move || if admin.is_admin() {
                            "Territories, assignments, budgets and flags for the whole organisation."
                        } else {
                            "Assign your team's accounts. Only admins change territories, budgets and flags."
                        }}
                    </p>
                </div>
                <div class="page-actions">
                    <button id="admin-refresh" class="button button-ghost" on:click=move |_| admin.reload()>
                        "Refresh"
                    </button>
                </div>
            </div>
            {move || admin.error.get().map(|err| {
                view! {
                    <div id="admin-error">
                        <ErrorState error=err on_retry=Callback::new(move |()| admin.reload()) />
                    </div>
                }
            })}
            <Show when=ready fallback=move || view! {
                <Show when=move || admin.error.with(Option::is_none)>
                    <div class="card"><Skeleton lines=6 /></div>
                </Show>
            }>
                <div class="admin-grid">
                    <territories::TerritoriesSection admin />
                    <assignments::AssignmentsSection admin />
                    <budgets::BudgetsSection admin />
                    <flags::FlagsSection admin />
                </div>
            </Show>
        </section>
    }
}
