//! Admin › Assignments: give an account an owner by hand, or hand it back to the territory
//! rules. The domain is one of the synced accounts (a list to pick from); the owner is one of
//! the team's users, or "rules decide". Managers may assign within their team; the server
//! refuses anything else with `perm.denied`, shown next to the owner.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::Admin;
use super::form::{Errors, FORM, FieldError, field_for, invalid};
use crate::api::{self, AccountRow};
use crate::components::toast::use_toasts;

const F: &str = "assign";
const FIELDS: [&str; 3] = ["domain", "owner", "account"];

/// What the form holds, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
struct Draft {
    domain: String,
    /// Empty: the territory rules decide.
    owner: String,
}

impl Draft {
    /// The domain and owner to send, or the errors by field.
    fn check(&self, known: &[AccountRow]) -> Result<(String, Option<String>), Errors> {
        let domain = self.domain.trim().to_lowercase();
        let mut errors = Errors::new();
        if domain.is_empty() {
            errors.insert("domain", invalid("Enter the account's domain"));
        } else if !known.is_empty() && !known.iter().any(|a| a.domain == domain) {
            errors.insert(
                "domain",
                invalid(format!("No account {domain} on this laptop")),
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let owner = Some(self.owner.trim().to_owned()).filter(|o| !o.is_empty());
        Ok((domain, owner))
    }
}

#[component]
pub(super) fn AssignmentsSection(admin: Admin) -> impl IntoView {
    let toasts = use_toasts();
    let draft = RwSignal::new(Draft::default());
    let errors = RwSignal::new(Errors::new());
    let busy = RwSignal::new(false);
    let accounts = RwSignal::new(Vec::<AccountRow>::new());
    spawn_local(async move {
        match api::list_accounts().await {
            Ok(rows) => accounts.set(rows),
            Err(err) => toasts.error(&err),
        }
    });
    let territory_of = move |domain: &str| {
        accounts.with(|rows| {
            rows.iter()
                .find(|r| r.domain == domain)
                .and_then(|r| r.territory.clone())
        })
    };

    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        let checked = accounts.with_untracked(|rows| draft.with_untracked(|d| d.check(rows)));
        let (domain, owner) = match checked {
            Ok(v) => v,
            Err(e) => return errors.set(e),
        };
        errors.set(Errors::new());
        busy.set(true);
        spawn_local(async move {
            let result = api::assign_account(&domain, owner.as_deref()).await;
            busy.set(false);
            match result {
                Ok(a) => {
                    toasts.success(match &a.owner {
                        Some(o) => format!("{} now belongs to {o}", a.domain),
                        None => format!("{} follows the territory rules again", a.domain),
                    });
                    draft.set(Draft::default());
                }
                Err(err) => errors.set(Errors::from([(field_for(&err, &FIELDS), err)])),
            }
        });
    };

    view! {
        <section class="card admin-card" aria-labelledby="assign-title">
            <h3 id="assign-title" class="card-title">"Assignments"</h3>
            <p class="settings-help">
                "An owner set by hand wins over the territory rules. Choose “Rules decide” to hand an account back."
            </p>
            <form id="assign-form" class="form-stack" on:submit=save>
                <fieldset class="form-stack" prop:disabled=move || busy.get()>
                    <datalist id="admin-domains">
                        <For each=move || accounts.get() key=|a| a.domain.clone() children=|a: AccountRow| {
                            let label = a.name.clone();
                            view! { <option value=a.domain>{label}</option> }
                        } />
                    </datalist>
                    <div class="field-row">
                        <div class="field-inline">
                            <label class="field-label" for="assign-domain">"Account domain"</label>
                            <input
                                id="assign-domain"
                                class="input"
                                list="admin-domains"
                                autocomplete="off"
                                spellcheck="false"
                                placeholder="zalando.de"
                                prop:value=move || draft.with(|d| d.domain.clone())
                                on:input=move |ev| {
                                    let v = event_target_value(&ev);
                                    draft.update(|d| d.domain = v);
                                }
                            />
                            <FieldError errors form=F field="domain" />
                            <FieldError errors form=F field="account" />
                        </div>
                        <div class="field-inline">
                            <label class="field-label" for="assign-owner">"Owner"</label>
                            <select
                                id="assign-owner"
                                class="input"
                                prop:value=move || draft.with(|d| d.owner.clone())
                                on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    draft.update(|d| d.owner = v);
                                }
                            >
                                <option value="">"Rules decide"</option>
                                <For each=move || admin.user_ids() key=|u| u.clone() children=|u: String| {
                                    let label = u.clone();
                                    view! { <option value=u>{label}</option> }
                                } />
                            </select>
                            <FieldError errors form=F field="owner" />
                        </div>
                    </div>
                    {move || {
                        let domain = draft.with(|d| d.domain.trim().to_lowercase());
                        territory_of(&domain).map(|t| view! {
                            <p class="settings-help">{format!("Territory now: {t}")}</p>
                        })
                    }}
                    <FieldError errors form=F field=FORM />
                    <div class="form-actions">
                        <button type="submit" id="assign-save" class="button button-primary">"Assign"</button>
                    </div>
                </fieldset>
            </form>
        </section>
    }
}
