//! The event bus: the engine publishes what happens; subscribers (desktop notifications, alert
//! rules, metrics, Slack, CRM sync, workflows, progress bars) are added without touching it.

use pf_core::{Domain, ModuleId, SourceId};
use serde::Serialize;
use std::sync::{Arc, RwLock};
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
    /// How long a call took, published with [`EngineEvent::CallMade`] for every call that went
    /// out (a breaker's refusal is no call). `endpoint` is the endpoint's name, never a URL.
    CallTimed {
        source: SourceId,
        endpoint: String,
        status: String,
        seconds: f64,
    },
    /// One wave of modules finished for one domain (`wave` counts from 0).
    WaveCompleted {
        job: String,
        domain: Domain,
        wave: usize,
        seconds: f64,
    },
}

/// Something told of every event synchronously, as it is published (e.g. metrics, which must
/// not miss events the way a lagging broadcast subscriber can).
pub type Observer = Arc<dyn Fn(&EngineEvent) + Send + Sync>;

/// A broadcast bus. Publishing never blocks; a slow subscriber misses old events, not new ones.
/// Observers ([`EventBus::observe`]) are called in line and miss nothing.
#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<EngineEvent>,
    observers: Arc<RwLock<Vec<Observer>>>,
}

impl std::fmt::Debug for EventBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventBus")
            .field("subscribers", &self.tx.receiver_count())
            .finish_non_exhaustive()
    }
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new(1024)
    }
}

impl EventBus {
    pub fn new(capacity: usize) -> Self {
        let (tx, _) = broadcast::channel(capacity.max(1));
        Self {
            tx,
            observers: Arc::new(RwLock::new(Vec::new())),
        }
    }

    /// Calls `observer` with every event published from now on, on the publisher's thread:
    /// it must be quick and must not publish.
    pub fn observe(&self, observer: Observer) {
        self.observers
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(observer);
    }

    pub fn publish(&self, event: EngineEvent) {
        for observer in self
            .observers
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
        {
            observer(&event);
        }
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

    #[test]
    fn observers_see_every_event_even_without_a_subscriber() {
        let bus = EventBus::new(1);
        let seen = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = seen.clone();
        bus.observe(Arc::new(move |_| {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }));
        for n in 0..5 {
            bus.publish(EngineEvent::EnrichmentStarted {
                job: format!("j{n}"),
                domains: 1,
            });
        }
        assert_eq!(seen.load(std::sync::atomic::Ordering::SeqCst), 5);
    }
}
