//! PartnerForge desktop UI: a Leptos (CSR) app compiled to wasm by trunk and shown by the Tauri
//! shell. It talks to the shell only through the commands in [`api`].
//!
//! All code is gated on `wasm32` so that host builds of the workspace (`cargo build`,
//! `cargo clippy --workspace`) compile an empty binary instead of leptos.

#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod pages;
#[cfg(target_arch = "wasm32")]
mod route;
#[cfg(target_arch = "wasm32")]
mod unlock;
// Pure helpers: also built on the host, where only their tests use them.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod forms;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod text;

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}

/// The UI only runs in the webview; on the host this binary does nothing.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the PartnerForge UI is built for wasm32 with `trunk build --config ui/Trunk.toml`");
}
