//! PartnerForge's local store: one SQLCipher-encrypted SQLite file per laptop.
//!
//! What belongs here: opening the encrypted database (key from the OS keyring or a passphrase),
//! numbered migrations, and the repositories over it — accounts, cited intelligence and its
//! history, the usage log, job checkpoints, full-text search, and the laptop side of the sync
//! server (identity, cursor, synced items, the usage outbox). Nothing here knows about the
//! desktop shell, HTTP or the enrichment sources.
#![forbid(unsafe_code)]

mod accounts;
mod api_keys;
mod audit;
mod calls;
mod checkpoint;
mod data_dir;
mod diff;
mod error;
mod history;
mod import;
mod intelligence;
mod jobs;
mod key;
mod migrate;
mod notifications;
mod privacy;
mod queue;
mod retention;
mod row;
mod sample;
mod search;
mod source_facts;
mod store;
mod summary;
mod sync;
mod ts;
mod usage;

pub use accounts::UpsertOutcome;
pub use audit::AuditRecord;
pub use calls::{CallEntry, SAME_LOOK};
pub use checkpoint::{Checkpoint, CheckpointState, JobId};
pub use data_dir::{DATA_DIR_ENV, DB_FILE, resolve_data_dir};
pub use error::StoreError;
pub use history::Snapshot;
pub use import::{ImportReport, ParsedCsv, RejectedRow, parse_csv};
pub use intelligence::StoredIntelligence;
pub use jobs::JobRecord;
pub use key::{KEYRING_SERVICE, KeySource, PASSPHRASE_ENV, SALT_FILE, delete_database_key};
pub use notifications::Notification;
pub use privacy::{
    ExportRecord, OpenOrder, PrivacyOrigin, PrivacyOutcome, PrivacyRequestRecord, RecordCounts,
    SubjectRecord, access_report,
};
pub use queue::QueuedEnrichment;
pub use retention::PurgeReport;
pub use search::SearchHit;
pub use source_facts::CachedFacts;
pub use store::{OpenOptions, Pragmas, Store, sqlcipher_ready};
pub use summary::AccountSummary;
pub use sync::{
    ApplyReport, OutboxEntry, PendingSettlement, SyncChange, SyncIdentity, SyncPage, SyncProfile,
};
pub use usage::{UsageRecord, UsageStatus};
