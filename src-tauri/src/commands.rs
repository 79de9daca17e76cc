//! Tauri commands: each is a few lines that find the session and hand off to a plain function
//! here (testable without a window), which calls the store or the engine and maps the answer to
//! a small serialisable view. Errors cross as [`crate::CommandError`] (`{ code, message }`).

pub mod accounts;
pub mod admin;
pub mod app;
pub mod brief;
pub mod enrich;
pub mod ops;
pub mod privacy;
pub mod settings;
pub mod sync;
pub mod usage;

use std::sync::Arc;

use crate::AppState;

/// The state as commands receive it.
pub type Shared<'a> = tauri::State<'a, Arc<AppState>>;
