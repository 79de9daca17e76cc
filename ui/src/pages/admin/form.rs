//! What the Admin page's forms share: parsing and checking what was typed (lists, ranges,
//! dollars, percentages) before anything is sent, the per-field errors, and a labelled input
//! bound to one field of a form's draft. A server refusal is shown next to the field its
//! message names, else under the form; its text is rendered as text, never as markup.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::api::{ApiError, NumRange};
pub use crate::forms::{join_list, parse_list, parse_pct, parse_usd, usd_text};

/// Errors by field; `"form"` holds what belongs to no field.
pub type Errors = BTreeMap<&'static str, ApiError>;

/// The slot for errors that name no field.
pub const FORM: &str = "form";

/// A client-side check that failed.
pub fn invalid(message: impl Into<String>) -> ApiError {
    ApiError {
        code: "ui.invalid".to_owned(),
        message: message.into(),
    }
}

/// Two optional bounds as a range; both blank means none.
pub fn parse_range(min: &str, max: &str) -> Result<Option<NumRange>, String> {
    crate::forms::parse_range(min, max).map(|r| r.map(|(min, max)| NumRange { min, max }))
}

/// A range's bound as the form shows it.
pub fn bound(range: Option<NumRange>, upper: bool) -> String {
    range
        .and_then(|r| if upper { r.max } else { r.min })
        .map(|v| v.to_string())
        .unwrap_or_default()
}

/// Where a server refusal shows: the first of `fields` its message names, else under the form.
pub fn field_for(err: &ApiError, fields: &[&'static str]) -> &'static str {
    crate::forms::field_named(&err.message, fields).unwrap_or(FORM)
}

/// The error under `field`, if any (`#err-<form>-<field>[data-code]`).
#[component]
pub fn FieldError(
    errors: RwSignal<Errors>,
    form: &'static str,
    field: &'static str,
) -> impl IntoView {
    move || {
        errors.with(|e| e.get(field).cloned()).map(|ApiError { code, message }| {
            let data_code = code.clone();
            view! {
                <p id=format!("err-{form}-{field}") class="field-error" role="alert" data-code=data_code>
                    <span class="field-error-code">{code}</span>" "{message}
                </p>
            }
        })
    }
}

/// A labelled text input bound to one field of a draft, with its error below.
#[allow(clippy::too_many_arguments)]
pub fn text_field<D: Send + Sync + 'static>(
    draft: RwSignal<D>,
    errors: RwSignal<Errors>,
    form: &'static str,
    field: &'static str,
    label: &'static str,
    placeholder: &'static str,
    get: fn(&D) -> String,
    set: fn(&mut D, String),
) -> impl IntoView {
    let id = format!("{form}-{field}");
    let for_id = id.clone();
    view! {
        <div class="field-inline">
            <label class="field-label" for=for_id>{label}</label>
            <input
                id=id
                class="input"
                type="text"
                autocomplete="off"
                spellcheck="false"
                placeholder=placeholder
                aria-invalid=move || errors.with(|e| e.contains_key(field)).to_string()
                prop:value=move || draft.with(get)
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    draft.update(|d| set(d, value));
                }
            />
            <FieldError errors form field />
        </div>
    }
}
