//! PartnerForge's enrichment engine: the sources (one file each behind [`Source`]), the modules
//! M01-M15 (one file each, ordered into waves), the orchestrator that runs resumable jobs, and
//! everything around an external call — rate limits, circuit breakers, retries, the budget guard
//! and the usage log — plus events, conflict resolution, scoring and the brief.
//! Nothing here knows about Tauri or the terminal: the shell and the CLI drive it.
#![forbid(unsafe_code)]

pub mod error;
pub mod events;
pub mod fact;
pub mod gateway;
pub mod meter;
pub mod source;
pub mod sources;

pub use error::EngineError;
pub use fact::{Fact, FieldName};
pub use events::{EngineEvent, EventBus, JobStatus};
pub use gateway::{CallSpec, Gateway, GatewaySettings, Reply, Verdict, default_classify};
pub use meter::{BudgetMeter, BudgetSettings, FreeMeter, Meter};
pub use source::{
    AccountHint, Endpoint, Health, Source, SourceConfig, SourceContext, SourceDescriptor, SourceError,
    SourceKind,
};
