//! One file per page of the app.

pub mod accounts;
pub mod admin;
pub mod brief;
pub mod ops;
pub mod privacy;
pub mod search;
pub mod settings;
pub mod usage;
