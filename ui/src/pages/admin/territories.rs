//! Admin › Territories: the list (click one to edit it, or delete it) and the form: name, owner,
//! members, priority and the rule (regions, countries, segments, industries, employee and
//! revenue ranges, tags). Everything is checked before it is sent; an empty rule is refused
//! here because the server would let the territory match nothing.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::Admin;
use super::form::{
    Errors, FORM, FieldError, bound, field_for, invalid, join_list, parse_list, parse_range,
    text_field,
};
use crate::api::{self, Territory, TerritoryInput, TerritoryRule};
use crate::components::toast::use_toasts;

const F: &str = "territory";
const FIELDS: [&str; 12] = [
    "name",
    "owner",
    "members",
    "priority",
    "regions",
    "countries",
    "segments",
    "industries",
    "employees",
    "revenue",
    "tags",
    "rule",
];

/// What the form holds, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
struct Draft {
    id: Option<String>,
    name: String,
    owner: String,
    members: String,
    priority: String,
    regions: String,
    countries: String,
    segments: String,
    industries: String,
    employees_min: String,
    employees_max: String,
    revenue_min: String,
    revenue_max: String,
    tags: String,
}

impl Draft {
    fn of(t: &Territory) -> Self {
        let r = &t.rule;
        Self {
            id: Some(t.id.clone()),
            name: t.name.clone(),
            owner: t.owner.clone(),
            members: join_list(&t.members),
            priority: t.priority.to_string(),
            regions: join_list(&r.regions),
            countries: join_list(&r.countries),
            segments: join_list(&r.segments),
            industries: join_list(&r.industries),
            employees_min: bound(r.employees, false),
            employees_max: bound(r.employees, true),
            revenue_min: bound(r.revenue_usd, false),
            revenue_max: bound(r.revenue_usd, true),
            tags: join_list(&r.tags),
        }
    }

    /// The input to send, or the errors by field.
    fn check(&self) -> Result<TerritoryInput, Errors> {
        let mut errors = Errors::new();
        if self.name.trim().is_empty() {
            errors.insert("name", invalid("Give the territory a name"));
        }
        if self.owner.trim().is_empty() {
            errors.insert("owner", invalid("Choose who owns the territory"));
        }
        let priority = match self.priority.trim() {
            "" => 0,
            p => p.parse::<i32>().unwrap_or_else(|_| {
                errors.insert("priority", invalid("Priority is a whole number"));
                0
            }),
        };
        let mut range = |field, min: &str, max: &str| {
            parse_range(min, max).unwrap_or_else(|e| {
                errors.insert(field, invalid(e));
                None
            })
        };
        let employees = range("employees", &self.employees_min, &self.employees_max);
        let revenue_usd = range("revenue", &self.revenue_min, &self.revenue_max);
        let rule = TerritoryRule {
            regions: parse_list(&self.regions),
            countries: parse_list(&self.countries),
            segments: parse_list(&self.segments),
            industries: parse_list(&self.industries),
            employees,
            revenue_usd,
            tags: parse_list(&self.tags),
        };
        if rule == TerritoryRule::default() && errors.is_empty() {
            errors.insert(
                "rule",
                invalid("Set at least one rule field: an empty rule matches no account"),
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(TerritoryInput {
            name: self.name.trim().to_owned(),
            owner: self.owner.trim().to_owned(),
            members: parse_list(&self.members),
            rule,
            priority,
        })
    }
}

#[component]
pub(super) fn TerritoriesSection(admin: Admin) -> impl IntoView {
    let toasts = use_toasts();
    let draft = RwSignal::new(Draft::default());
    let errors = RwSignal::new(Errors::new());
    let busy = RwSignal::new(false);
    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        let d = draft.get_untracked();
        let input = match d.check() {
            Ok(input) => input,
            Err(e) => return errors.set(e),
        };
        errors.set(Errors::new());
        busy.set(true);
        spawn_local(async move {
            let result = api::save_territory(d.id.as_deref(), &input).await;
            busy.set(false);
            match result {
                Ok(t) => {
                    toasts.success(format!("Territory {} saved", t.name));
                    draft.set(Draft::default());
                    admin.reload();
                }
                Err(err) => errors.set(Errors::from([(field_for(&err, &FIELDS), err)])),
            }
        });
    };
    let delete = move |t: Territory| {
        spawn_local(async move {
            match api::delete_territory(&t.id).await {
                Ok(_) => {
                    toasts.success(format!("Territory {} deleted", t.name));
                    if draft.with_untracked(|d| d.id.as_deref() == Some(t.id.as_str())) {
                        draft.set(Draft::default());
                    }
                    admin.reload();
                }
                Err(err) => toasts.error(&err),
            }
        });
    };
    let territories = move || {
        admin.data.with(|d| {
            d.as_ref()
                .map(|d| d.territories.clone())
                .unwrap_or_default()
        })
    };
    let field = move |name, label, hint, get: fn(&Draft) -> String, set: fn(&mut Draft, String)| {
        text_field(draft, errors, F, name, label, hint, get, set)
    };

    view! {
        <section class="card admin-card" aria-labelledby="territories-title">
            <h3 id="territories-title" class="card-title">"Territories"</h3>
            <table id="territory-list" class="table table-compact">
                <thead><tr><th>"Name"</th><th>"Owner"</th><th>"Members"</th><th></th></tr></thead>
                <tbody>
                    <For each=territories key=|t| (t.id.clone(), t.name.clone(), t.owner.clone()) children=move |t: Territory| {
                        let (edit, gone) = (t.clone(), t.clone());
                        view! {
                            <tr data-id=t.id.clone()>
                                <td>
                                    <button type="button" class="button button-ghost" on:click=move |_| {
                                        errors.set(Errors::new());
                                        draft.set(Draft::of(&edit));
                                    }>{t.name.clone()}</button>
                                </td>
                                <td>{t.owner.clone()}</td>
                                <td>{t.members.len()}</td>
                                <td>
                                    <button type="button" class="button button-ghost" prop:disabled=move || !admin.is_admin() on:click=move |_| delete(gone.clone())>
                                        "Delete"
                                    </button>
                                </td>
                            </tr>
                        }
                    } />
                </tbody>
            </table>
            <form id="territory-form" class="form-stack" on:submit=save data-editing=move || draft.with(|d| d.id.is_some()).to_string()>
                <fieldset class="form-stack" prop:disabled=move || !admin.is_admin() || busy.get()>
                    <datalist id="admin-users">
                        <For each=move || admin.user_ids() key=|u| u.clone() children=|u: String| view! { <option value=u></option> } />
                    </datalist>
                    <div class="field-row">
                        {field("name", "Name", "DACH enterprise", |d| d.name.clone(), |d, v| d.name = v)}
                        <div class="field-inline">
                            <label class="field-label" for="territory-owner">"Owner"</label>
                            <input id="territory-owner" class="input" list="admin-users" autocomplete="off"
                                prop:value=move || draft.with(|d| d.owner.clone())
                                on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.owner = v); } />
                            <FieldError errors form=F field="owner" />
                        </div>
                        {field("priority", "Priority", "0", |d| d.priority.clone(), |d, v| d.priority = v)}
                    </div>
                    {field("members", "Members (comma-separated user ids)", "ae@example.com, sdr@example.com", |d| d.members.clone(), |d, v| d.members = v)}
                    <div class="field-row">
                        {field("regions", "Regions", "EMEA", |d| d.regions.clone(), |d, v| d.regions = v)}
                        {field("countries", "Countries", "DE, AT, CH", |d| d.countries.clone(), |d, v| d.countries = v)}
                        {field("segments", "Segments", "Enterprise", |d| d.segments.clone(), |d, v| d.segments = v)}
                        {field("industries", "Industries", "Retail", |d| d.industries.clone(), |d, v| d.industries = v)}
                    </div>
                    <div class="field-row">
                        {field("employees_min", "Employees from", "1000", |d| d.employees_min.clone(), |d, v| d.employees_min = v)}
                        {field("employees_max", "Employees to", "", |d| d.employees_max.clone(), |d, v| d.employees_max = v)}
                        {field("revenue_min", "Revenue from (USD)", "", |d| d.revenue_min.clone(), |d, v| d.revenue_min = v)}
                        {field("revenue_max", "Revenue to (USD)", "", |d| d.revenue_max.clone(), |d, v| d.revenue_max = v)}
                    </div>
                    <FieldError errors form=F field="employees" />
                    <FieldError errors form=F field="revenue" />
                    {field("tags", "Tags", "strategic", |d| d.tags.clone(), |d, v| d.tags = v)}
                    <FieldError errors form=F field="rule" />
                    <FieldError errors form=F field=FORM />
                    <div class="form-actions">
                        <button type="submit" id="territory-save" class="button button-primary">
                            {move || if draft.with(|d| d.id.is_some()) { "Save territory" } else { "Add territory" }}
                        </button>
                        <button type="button" class="button button-ghost" on:click=move |_| {
                            errors.set(Errors::new());
                            draft.set(Draft::default());
                        }>"Clear"</button>
                    </div>
                </fieldset>
            </form>
        </section>
    }
}
