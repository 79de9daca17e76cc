//! The sync protocol between PartnerForge laptops and the sync server: the versioned JSON wire
//! types of every endpoint (requests refuse unknown fields), the error body and its stable codes,
//! the opaque [`Cursor`] of `/v1/changes`, and [`SyncClient`], an async HTTP client for all of it.
//!
//! What belongs here: anything both ends must agree on byte for byte. What does not: storage (the
//! client hands changes to its caller, who applies them to the local store), server policy (which
//! rows a role sees is decided by the server with `pf_core::can`), and I/O other than HTTP.
#![forbid(unsafe_code)]

pub mod client;
pub mod cursor;
pub mod error;
pub mod wire;

pub use client::SyncClient;
pub use cursor::Cursor;
pub use error::{ErrorBody, ErrorCode, SyncError};
pub use wire::*;

/// The protocol version in every path (`/v1/...`). A breaking change to a wire type bumps it.
pub const API_VERSION: &str = "v1";
