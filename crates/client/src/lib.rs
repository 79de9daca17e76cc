//! PartnerForge's laptop side of the sync server, shared by the CLI and the desktop shell.
//!
//! What belongs here: logging in and out ([`login`]: the token to the OS keyring, the identity
//! to the store), one sync round ([`sync_once`]: pull every page since the cursor and apply each
//! in one transaction, push the usage outbox exactly once, retry unconfirmed budget settlements,
//! refresh `/v1/me`), the flags the server evaluated for the user ([`flags`]), and
//! [`ServerMeter`], the engine's budget guard and rate limiter backed by the server's
//! reservations and leases, with the offline allowance when the server cannot be reached, and
//! [`ServerPolicy`], the server's prices and module flags applied where the engine is built.
//!
//! The dependency arrow stays `core <- store, engine, sync <- client <- cli, desktop`: the
//! engine knows only its `Meter` trait; the store knows nothing of the wire types (this crate
//! maps them in [`convert`]).
#![forbid(unsafe_code)]

mod bridge;
pub mod convert;
mod error;
pub mod login;
pub mod meter;
pub mod policy;
pub mod privacy;
pub mod sync;

pub use error::ClientError;
pub use login::{Identity, connect, flags, identity, login, logout, token};
pub use meter::{MeterSettings, ServerMeter};
pub use policy::{ServerPolicy, disabled_modules};
pub use sync::{SyncReport, sync_once};

/// The environment variable that supplies the sync token where no keyring is (CI, servers);
/// when set it is used instead of the keyring's.
pub const TOKEN_ENV: &str = "PARTNERFORGE_SYNC_TOKEN";
