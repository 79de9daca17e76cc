//! Shared plumbing of the desktop end-to-end tests: the app binary, tauri-driver, the page
//! probes, screenshots and the notification daemon.

pub mod bus;
pub mod driver;
