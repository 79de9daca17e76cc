//! Rate-limit leases: before a paid call the meter takes one call from the source's current
//! lease, and asks the server for a new lease (a few calls at a time) when it is used up. All
//! laptops together stay under the organisation's limit because the server never grants more
//! than the window allows; a refused lease fails the call as rate limited with the server's
//! `retry_after`. A source without a limit is granted what was asked: the meter then asks again
//! only when the window ends.

use pf_core::SourceId;
use std::collections::HashMap;
use time::OffsetDateTime;

/// What is left of one source's lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LeaseState {
    pub remaining: u32,
    pub unlimited: bool,
    pub window_ends: OffsetDateTime,
}

/// The leases held, by source.
#[derive(Debug, Default)]
pub(crate) struct Leases {
    by_source: HashMap<SourceId, LeaseState>,
}

impl Leases {
    /// Takes one call from a live lease; false when a new lease is needed.
    pub(crate) fn take(&mut self, source: &SourceId, now: OffsetDateTime) -> bool {
        match self.by_source.get_mut(source) {
            Some(l) if now < l.window_ends && l.unlimited => true,
            Some(l) if now < l.window_ends && l.remaining > 0 => {
                l.remaining -= 1;
                true
            }
            _ => false,
        }
    }

    /// Keeps a new lease, minus the call it was asked for. A lease of zero is not kept.
    pub(crate) fn grant(&mut self, source: &SourceId, lease: &pf_sync::Lease) {
        if lease.granted == 0 {
            return;
        }
        self.by_source.insert(
            source.clone(),
            LeaseState {
                remaining: lease.granted - 1,
                unlimited: lease.limit.is_none(),
                window_ends: lease.window_ends_at,
            },
        );
    }

    /// The lease of a source.
    #[cfg(test)]
    pub(crate) fn get(&self, source: &SourceId) -> Option<LeaseState> {
        self.by_source.get(source).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pf_sync::{Lease, LeaseId};
    use time::Duration;

    fn lease(granted: u32, limit: Option<u32>, ends: OffsetDateTime) -> Lease {
        Lease {
            id: LeaseId::new(),
            source: "builtwith".into(),
            granted,
            limit,
            window_secs: 60,
            window_ends_at: ends,
            retry_after_ms: None,
        }
    }

    #[test]
    fn a_lease_is_spent_call_by_call_and_dies_with_its_window() {
        let bw = SourceId::new("builtwith").expect("id");
        let now = OffsetDateTime::now_utc();
        let mut l = Leases::default();
        assert!(!l.take(&bw, now), "no lease yet");
        l.grant(&bw, &lease(3, Some(10), now + Duration::seconds(60)));
        assert!(l.take(&bw, now));
        assert!(l.take(&bw, now));
        assert!(
            !l.take(&bw, now),
            "3 granted: one used by the asking call, two taken"
        );
        l.grant(&bw, &lease(2, Some(10), now + Duration::seconds(60)));
        assert!(
            !l.take(&bw, now + Duration::seconds(61)),
            "the window ended"
        );
        l.grant(&bw, &lease(0, Some(10), now + Duration::seconds(60)));
        assert_eq!(
            l.get(&bw).map(|s| s.remaining),
            Some(1),
            "a zero lease is not kept"
        );
    }

    #[test]
    fn an_unlimited_source_is_asked_again_only_when_the_window_ends() {
        let ws = SourceId::new("websearch").expect("id");
        let now = OffsetDateTime::now_utc();
        let mut l = Leases::default();
        l.grant(&ws, &lease(1, None, now + Duration::seconds(60)));
        for _ in 0..100 {
            assert!(l.take(&ws, now));
        }
        assert!(!l.take(&ws, now + Duration::seconds(60)));
    }
}
