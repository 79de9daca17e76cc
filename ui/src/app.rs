//! The application frame: the top bar with the product name and the current page below it.
//! Later issues add navigation (brief, alerts, usage, admin, settings) here.

use leptos::prelude::*;

use crate::pages::accounts::AccountsPage;

/// The whole app: a header bar and the accounts page.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <div class="app">
            <header class="topbar">
                <div class="brand">
                    <span class="brand-mark" aria-hidden="true">"PF"</span>
                    <h1 id="app-title" class="brand-name">"PartnerForge"</h1>
                </div>
                <span class="topbar-tagline">"Account intelligence, on your laptop"</span>
            </header>
            <main class="content">
                <AccountsPage />
            </main>
        </div>
    }
}
