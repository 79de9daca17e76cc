//! Admin › Flags: every feature flag (click one to edit it) and the form: key, enabled, rollout
//! percentage, allowed users and allowed teams (by name or id). The same user gets the same
//! answer on every machine: the server evaluates flags, the laptops only read them.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::Admin;
use super::form::{
    Errors, FORM, FieldError, field_for, invalid, join_list, parse_list, parse_pct, text_field,
};
use crate::api::{self, Flag, Team};
use crate::components::toast::use_toasts;

const F: &str = "flag";
const FIELDS: [&str; 5] = ["key", "rollout", "allowed_users", "allowed_teams", "team"];

/// What the form holds, as typed.
#[derive(Debug, Clone, PartialEq)]
struct Draft {
    key: String,
    enabled: bool,
    rollout: String,
    users: String,
    teams: String,
}

impl Default for Draft {
    fn default() -> Self {
        Self {
            key: String::new(),
            enabled: true,
            rollout: "0".to_owned(),
            users: String::new(),
            teams: String::new(),
        }
    }
}

impl Draft {
    fn of(f: &Flag, teams: &[Team]) -> Self {
        let names: Vec<String> = f
            .allowed_teams
            .iter()
            .map(|id| {
                teams
                    .iter()
                    .find(|t| &t.id == id)
                    .map_or_else(|| id.clone(), |t| t.name.clone())
            })
            .collect();
        Self {
            key: f.key.clone(),
            enabled: f.enabled,
            rollout: f.rollout_percent.to_string(),
            users: join_list(&f.allowed_users),
            teams: join_list(&names),
        }
    }

    /// The flag to send, or the errors by field. Teams are given by name or id.
    fn check(&self, teams: &[Team]) -> Result<Flag, Errors> {
        let mut errors = Errors::new();
        let key = self.key.trim().to_owned();
        if key.is_empty() {
            errors.insert("key", invalid("Give the flag a key"));
        } else if !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        {
            errors.insert(
                "key",
                invalid("Keys use letters, digits, '_', '-' and '.' only"),
            );
        }
        let rollout = parse_pct(&self.rollout).unwrap_or_else(|e| {
            errors.insert("rollout", invalid(e));
            0
        });
        let mut allowed_teams = Vec::new();
        for name in parse_list(&self.teams) {
            match teams
                .iter()
                .find(|t| t.id == name || t.name.eq_ignore_ascii_case(&name))
            {
                Some(t) => allowed_teams.push(t.id.clone()),
                None => {
                    errors.insert("allowed_teams", invalid(format!("No team {name}")));
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Flag {
            key,
            enabled: self.enabled,
            rollout_percent: rollout,
            allowed_users: parse_list(&self.users),
            allowed_teams,
        })
    }
}

#[component]
pub(super) fn FlagsSection(admin: Admin) -> impl IntoView {
    let toasts = use_toasts();
    let draft = RwSignal::new(Draft::default());
    let errors = RwSignal::new(Errors::new());
    let busy = RwSignal::new(false);
    let teams = move || {
        admin
            .data
            .with(|d| d.as_ref().map(|d| d.teams.clone()).unwrap_or_default())
    };
    let flags = move || {
        admin
            .data
            .with(|d| d.as_ref().map(|d| d.flags.clone()).unwrap_or_default())
    };
    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        let flag = match draft.with_untracked(|d| d.check(&teams())) {
            Ok(f) => f,
            Err(e) => return errors.set(e),
        };
        errors.set(Errors::new());
        busy.set(true);
        spawn_local(async move {
            let result = api::save_flag(&flag).await;
            busy.set(false);
            match result {
                Ok(f) => {
                    toasts.success(format!("Flag {} saved", f.key));
                    draft.set(Draft::default());
                    admin.reload();
                }
                Err(err) => errors.set(Errors::from([(field_for(&err, &FIELDS), err)])),
            }
        });
    };
    let field = move |name, label, hint, get: fn(&Draft) -> String, set: fn(&mut Draft, String)| {
        text_field(draft, errors, F, name, label, hint, get, set)
    };

    view! {
        <section class="card admin-card" aria-labelledby="flags-title">
            <h3 id="flags-title" class="card-title">"Feature flags"</h3>
            <table id="flag-list" class="table table-compact">
                <thead><tr><th>"Key"</th><th>"On"</th><th class="num">"Rollout"</th><th>"Allowed"</th></tr></thead>
                <tbody>
                    <For each=flags key=|f| f.clone() children=move |f: Flag| {
                        let edit = f.clone();
                        let allowed = f.allowed_users.len() + f.allowed_teams.len();
                        view! {
                            <tr data-key=f.key.clone() data-enabled=f.enabled.to_string()>
                                <td>
                                    <button type="button" class="button button-ghost" on:click=move |_| {
                                        errors.set(Errors::new());
                                        draft.set(Draft::of(&edit, &teams()));
                                    }>{f.key.clone()}</button>
                                </td>
                                <td>{if f.enabled { "Yes" } else { "No" }}</td>
                                <td class="num">{format!("{}%", f.rollout_percent)}</td>
                                <td>{allowed}</td>
                            </tr>
                        }
                    } />
                </tbody>
            </table>
            <form id="flag-form" class="form-stack" on:submit=save>
                <fieldset class="form-stack" prop:disabled=move || !admin.is_admin() || busy.get()>
                    <div class="field-row">
                        {field("key", "Key", "new-brief", |d| d.key.clone(), |d, v| d.key = v)}
                        {field("rollout", "Rollout (%)", "0", |d| d.rollout.clone(), |d, v| d.rollout = v)}
                        <label class="check-row">
                            <input
                                id="flag-enabled"
                                type="checkbox"
                                prop:checked=move || draft.with(|d| d.enabled)
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    draft.update(|d| d.enabled = on);
                                }
                            />
                            "Enabled"
                        </label>
                    </div>
                    {field("allowed_users", "Always for users", "ae@example.com", |d| d.users.clone(), |d, v| d.users = v)}
                    {field("allowed_teams", "Always for teams", "Enterprise East", |d| d.teams.clone(), |d, v| d.teams = v)}
                    <FieldError errors form=F field=FORM />
                    <div class="form-actions">
                        <button type="submit" id="flag-save" class="button button-primary">"Save flag"</button>
                    </div>
                </fieldset>
            </form>
        </section>
    }
}
