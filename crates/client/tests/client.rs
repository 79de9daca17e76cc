//! The laptop side of sync against a real in-process `pf-server`: pulls applied to the store,
//! removals, flags per user, the usage outbox pushed exactly once across a server that vanishes
//! mid-push, and the server-backed meter (reservations, the hard cap, the offline allowance and
//! rate-limit leases), and the server's prices and module flags on the engine. Helpers (a laptop
//! store, a cutting proxy) are in `client/support.rs`.

#[path = "client/support.rs"]
mod support;

#[path = "client/meter.rs"]
mod meter;
#[path = "client/policy.rs"]
mod policy;
#[path = "client/privacy.rs"]
mod privacy;
#[path = "client/sync.rs"]
mod sync;
