//! The event bus: the engine publishes what happens; subscribers (desktop notifications, alert
//! rules, metrics, Slack, CRM sync, workflows, progress bars) are added without touching it.

use pf_core::{Domain, ModuleId, SourceId};
use serde::Serialize;
use tokio::sync::broadcast;

/// How a job ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Complete,
    /// Some modules failed or were skipped; the rest is stored.
    Partial,
    Failed,
}

/// Everything the engine announces.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EngineEvent {
    EnrichmentStarted {
        job: String,
        domains: usize,
    },
    EnrichmentCompleted {
        job: String,
        status: JobStatus,
        done: usize,
        failed: usize,
        spent_micros: u64,
    },
    DomainCompleted {
        job: String,
        domain: Domain,
        status: JobStatus,
    },
    ModuleCompleted {
        domain: Domain,
        module: ModuleId,
        outcome: String,
    },
    TechChanged {
        domain: Domain,
        summary: String,
    },
    HotLeadDetected {
        domain: Domain,
        score: u32,
        priority: String,
        reasons: Vec<String>,
    },
    /// A competitor's search product is gone from the account's site (M06): `vendor` was
    /// detected before, `now` is what is detected instead (`None`: no search vendor).
    CompetitorDropped {
        domain: Domain,
        vendor: String,
        now: Option<String>,
    },
    BudgetThreshold {
        spent_micros: u64,
        limit_micros: u64,
        threshold: f64,
    },
    BudgetExhausted {
        needed_micros: u64,
        left_micros: u64,
    },
    CircuitOpened {
        source: SourceId,
        reason: String,
    },
    CircuitClosed {
        source: SourceId,
    },
    CallMade {
        source: SourceId,
        endpoint: String,
        cost_micros: u64,
        status: String,
    },
}

/// A broadcast bus. Publishing never blocks; a slow subscriber misses old events, not new ones.
#[derive(Debug, Clone)]
pub struct EventBus {
    tx: broadcast::Sender<EngineEvent>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new(1024)
    }
}

impl EventBus {
    pub fn new(capacity: usize) -> Self {
        let (tx, _) = broadcast::channel(capacity.max(1));
        Self { tx }
    }

    pub fn publish(&self, event: EngineEvent) {
        // No subscriber is fine.
        let _ = self.tx.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<EngineEvent> {
        self.tx.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn subscribers_receive_what_is_published_after_they_subscribe() {
        let bus = EventBus::default();
        bus.publish(EngineEvent::EnrichmentStarted {
            job: "lost".into(),
            domains: 1,
        });
        let mut rx = bus.subscribe();
        bus.publish(EngineEvent::CircuitClosed {
            source: SourceId::new("builtwith").expect("id"),
        });
        let got = rx.recv().await.expect("event");
        assert!(matches!(got, EngineEvent::CircuitClosed { .. }));
    }
}
