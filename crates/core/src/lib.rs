//! PartnerForge's domain: validated names, identifiers, accounts, cited intelligence, roles,
//! permissions and feature flags. Pure rules only: no I/O, no clocks read here, no database.
//! Everything that crosses a crate boundary in PartnerForge is typed here.
#![forbid(unsafe_code)]

pub mod account;
pub mod domain;
pub mod error;
pub mod flag;
pub mod ids;
pub mod module;
pub mod permission;
pub mod privacy;
pub mod source;

pub use account::{Account, NewAccount};
pub use domain::{Domain, DomainError};
pub use error::CoreError;
pub use flag::FeatureFlag;
pub use ids::{AccountId, PrivacyRequestId, TeamId, TerritoryId, UserId};
pub use module::ModuleId;
pub use permission::{AccountScope, Action, Actor, Resource, Role, Setting, can};
pub use privacy::{Correction, DataClass, PrivacyKind, PrivacyStatus, RetentionDays, Subject};
pub use source::{Intelligence, SourceId, SourceRef, Sourced};
