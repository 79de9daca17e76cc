//! Pages of the desktop UI. Each page is one component that owns its own state and calls the
//! shell through [`crate::api`].

pub mod accounts;
