//! PartnerForge's enrichment engine: the sources (one file each behind [`Source`]), the modules
//! M01-M15 (one file each, ordered into waves), the orchestrator that runs resumable jobs, and
//! everything around an external call — rate limits, circuit breakers, retries, the budget guard
//! and the usage log — plus events, conflict resolution, scoring and the brief.
//! Nothing here knows about Tauri or the terminal: the shell and the CLI drive it.
#![forbid(unsafe_code)]

pub mod brief;
pub mod config;
pub mod engine;
pub mod error;
pub mod estimate;
pub mod events;
pub mod fact;
pub mod fetcher;
pub mod gateway;
pub mod merge;
pub mod meter;
pub mod metrics;
pub mod module;
pub mod modules;
pub mod orchestrator;
pub mod registry;
pub mod score;
pub mod settings;
pub mod source;
pub mod sources;
pub mod vendor;

pub use brief::{Brief, BriefFact, BriefSection, FieldChange, SeriesPoint, TalkingPoint};
pub use config::Config;
pub use engine::{Engine, ModulePlan, SourceStatus};
pub use error::EngineError;
pub use estimate::{CostEstimate, SourceCost};
pub use events::{EngineEvent, EventBus, JobStatus};
pub use fact::{Fact, FieldName};
pub use gateway::{CallSpec, Gateway, GatewaySettings, Reply, Verdict, default_classify};
pub use meter::{BudgetMeter, BudgetSettings, FreeMeter, Meter};
pub use metrics::Metrics;
pub use module::{Module, ModuleInput, ModuleOutput, ModuleSpec, Policy};
pub use orchestrator::{DomainReport, JobReport, JobRequest, ModuleOutcome};
pub use registry::Registry;
pub use score::{Score, ScorePart, ScoringWeights};
pub use settings::EngineSettings;
pub use source::{
    AccountHint, Endpoint, Health, Source, SourceConfig, SourceContext, SourceDescriptor,
    SourceError, SourceKind,
};
