//! Toasts: short notices in a corner of the window. [`provide_toasts`] once in the app with a
//! [`ToastHost`] somewhere in the page; [`use_toasts`] anywhere to show one.
//!
//! Success and info toasts go away after [`AUTO_DISMISS`]; error toasts stay until closed, and
//! keep the error's machine code in `data-code`.
//!
//! Stable hooks: `#toasts` (the host), `.toast[data-kind="success|info|error"]` with
//! `data-code` on errors, `.toast-close` (the close button of each toast).

use std::time::Duration;

use leptos::prelude::*;

use crate::api::ApiError;

/// How long a success or info toast stays.
pub const AUTO_DISMISS: Duration = Duration::from_secs(5);

/// At most this many toasts are shown; older ones make room.
const MAX_TOASTS: usize = 5;

/// What a toast says and how it looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Info,
    Error,
}

impl ToastKind {
    /// The `data-kind` value.
    pub fn key(self) -> &'static str {
        match self {
            ToastKind::Success => "success",
            ToastKind::Info => "info",
            ToastKind::Error => "error",
        }
    }
}

/// One toast on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    pub id: u64,
    pub kind: ToastKind,
    pub text: String,
    /// Errors: the [`ApiError::code`].
    pub code: Option<String>,
}

/// The toast list, a `Copy` handle (from [`use_toasts`]).
#[derive(Debug, Clone, Copy)]
pub struct Toasts {
    items: RwSignal<Vec<Toast>>,
    next: StoredValue<u64>,
}

impl Toasts {
    fn new() -> Self {
        Self {
            items: RwSignal::new(Vec::new()),
            next: StoredValue::new(0),
        }
    }

    /// A green notice that goes away by itself.
    pub fn success(self, text: impl Into<String>) {
        self.push(ToastKind::Success, text.into(), None);
    }

    /// A neutral notice that goes away by itself.
    pub fn info(self, text: impl Into<String>) {
        self.push(ToastKind::Info, text.into(), None);
    }

    /// A failed command: its human message, the code in `data-code`; stays until closed.
    pub fn error(self, error: &ApiError) {
        self.push(
            ToastKind::Error,
            error.message.clone(),
            Some(error.code.clone()),
        );
    }

    /// Closes one toast (no-op if it is gone already).
    pub fn dismiss(self, id: u64) {
        self.items.try_update(|items| items.retain(|t| t.id != id));
    }

    fn push(self, kind: ToastKind, text: String, code: Option<String>) {
        let Some(id) = self.next.try_update_value(|n| {
            *n = n.wrapping_add(1);
            *n
        }) else {
            return;
        };
        self.items.try_update(|items| {
            items.push(Toast {
                id,
                kind,
                text,
                code,
            });
            let extra = items.len().saturating_sub(MAX_TOASTS);
            items.drain(..extra);
        });
        if kind != ToastKind::Error {
            set_timeout(move || self.dismiss(id), AUTO_DISMISS);
        }
    }
}

/// Creates the toast list and puts it into context; call once, in the app's root.
pub fn provide_toasts() -> Toasts {
    let toasts = Toasts::new();
    provide_context(toasts);
    toasts
}

/// The toast list from context. Without [`provide_toasts`] a detached list is returned (its
/// toasts are shown nowhere), so a page never panics for a missing host.
pub fn use_toasts() -> Toasts {
    use_context::<Toasts>().unwrap_or_else(Toasts::new)
}

/// Shows the toasts of [`use_toasts`], newest at the bottom; put it once in the app frame.
#[component]
pub fn ToastHost() -> impl IntoView {
    let toasts = use_toasts();
    view! {
        <div id="toasts" class="toast-host" role="status" aria-live="polite">
            <For
                each=move || toasts.items.get()
                key=|toast| toast.id
                children=move |toast: Toast| view! { <ToastView toast toasts /> }
            />
        </div>
    }
}

#[component]
fn ToastView(toast: Toast, toasts: Toasts) -> impl IntoView {
    let Toast {
        id,
        kind,
        text,
        code,
    } = toast;
    let code_attr = code.clone();
    let glyph = match kind {
        ToastKind::Success => "\u{2713}",
        ToastKind::Info => "i",
        ToastKind::Error => "!",
    };
    view! {
        <div class="toast" data-kind=kind.key() data-code=code_attr>
            <span class="toast-icon" aria-hidden="true">{glyph}</span>
            <span class="toast-text">{text}</span>
            {code.map(|c| view! { <code class="toast-code">{c}</code> })}
            <button
                type="button"
                class="toast-close"
                aria-label="Dismiss"
                title="Dismiss"
                on:click=move |_| toasts.dismiss(id)
            >
                "\u{00d7}"
            </button>
        </div>
    }
}
