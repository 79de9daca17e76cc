//! Which page is showing. The app has a handful of pages and no URLs to share, so a signal in
//! context replaces a router: [`provide_route`] once in the app, [`use_route`] anywhere, and
//! [`go`] to move.

use leptos::prelude::*;

/// A page of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Accounts,
    /// The pre-call brief of one account, by domain.
    Brief(String),
    Search(String),
    Usage,
    Settings,
    Ops,
    /// Territories, assignments, budgets and flags (admins and managers).
    Admin,
    /// Privacy requests, retention and the audit log.
    Privacy,
}

impl Route {
    /// The navigation label, also the page title.
    pub fn label(&self) -> &'static str {
        match self {
            Route::Accounts => "My accounts",
            Route::Brief(_) => "Brief",
            Route::Search(_) => "Search",
            Route::Usage => "Usage & budget",
            Route::Settings => "Settings",
            Route::Ops => "Ops",
            Route::Admin => "Admin",
            Route::Privacy => "Privacy",
        }
    }

    /// A stable id for tests and CSS (`data-page`).
    pub fn key(&self) -> &'static str {
        match self {
            Route::Accounts => "accounts",
            Route::Brief(_) => "brief",
            Route::Search(_) => "search",
            Route::Usage => "usage",
            Route::Settings => "settings",
            Route::Ops => "ops",
            Route::Admin => "admin",
            Route::Privacy => "privacy",
        }
    }
}

#[derive(Clone, Copy)]
struct CurrentRoute(RwSignal<Route>);

thread_local! {
    /// The app's one route signal, also for event handlers, which run outside any reactive owner
    /// and so cannot read the context.
    static APP_ROUTE: std::cell::Cell<Option<RwSignal<Route>>> = const { std::cell::Cell::new(None) };
}

/// Puts the route signal into context, starting on the accounts page.
pub fn provide_route() -> RwSignal<Route> {
    let route = RwSignal::new(Route::Accounts);
    provide_context(CurrentRoute(route));
    APP_ROUTE.with(|r| r.set(Some(route)));
    route
}

/// The current page (works in components and in event handlers alike).
pub fn use_route() -> RwSignal<Route> {
    use_context::<CurrentRoute>()
        .map(|c| c.0)
        .or_else(|| APP_ROUTE.with(std::cell::Cell::get))
        .unwrap_or_else(|| RwSignal::new(Route::Accounts))
}

/// Shows `route`.
pub fn go(route: Route) {
    use_route().set(route);
}
