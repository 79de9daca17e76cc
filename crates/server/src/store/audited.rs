//! Audit entries committed with the change they record. An admin handler runs its one store
//! write inside [`audited`], naming the action and how to describe the result; the backend's
//! write transaction ([`SqliteStore`](super::SqliteStore)'s `write`, [`PgStore`](super::PgStore)'s
//! `tx!`) takes the pending entry, builds it from the write's result and appends it before
//! committing. Both go in, or neither does: a change the log cannot record is refused, and an
//! entry never names a change that was rolled back.
//!
//! The pending entry travels in a task-local, so the trait's methods keep their signatures and
//! writes outside [`audited`] are untouched. An entry expecting another result type than the
//! write produced is an error (the write is rolled back), so a misuse fails loudly in tests.

use serde_json::Value;
use std::any::Any;
use std::cell::RefCell;
use std::future::Future;

use super::{AuditRecord, Result};
use crate::ServerError;
use pf_core::UserId;

/// Builds the entry from the write's result (`None` when the result is of another type).
pub(crate) type PendingEntry = Box<dyn FnOnce(&dyn Any) -> Option<AuditRecord> + Send>;

tokio::task_local! {
    static PENDING: RefCell<Option<PendingEntry>>;
}

/// Runs `write` (one store write, whose transaction yields a `W`, perhaps inside a larger
/// future) so that its transaction also appends `action` by `actor`, on the target and with the
/// detail `describe` derives from the `W`.
pub async fn audited<W, T, F, D>(
    actor: &UserId,
    action: &'static str,
    describe: D,
    write: F,
) -> Result<T>
where
    W: 'static,
    F: Future<Output = Result<T>>,
    D: FnOnce(&W) -> (String, Value) + Send + 'static,
{
    let actor = actor.clone();
    let entry: PendingEntry = Box::new(move |out: &dyn Any| {
        let out = out.downcast_ref::<W>()?;
        let (target, detail) = describe(out);
        Some(AuditRecord::new(Some(&actor), action, target, detail))
    });
    PENDING.scope(RefCell::new(Some(entry)), write).await
}

/// The entry pending for the write about to run, if its caller asked for one (taken: a second
/// write in the same scope appends nothing).
pub(crate) fn take() -> Option<PendingEntry> {
    PENDING.try_with(|p| p.borrow_mut().take()).ok().flatten()
}

/// The entry for `out`; an error when the pending entry expected another result.
pub(crate) fn entry_for<T: 'static>(pending: PendingEntry, out: &T) -> Result<AuditRecord> {
    pending(out).ok_or_else(|| {
        ServerError::Internal(format!(
            "an audit entry was pending for another kind of write than this one ({})",
            std::any::type_name::<T>()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ana() -> UserId {
        UserId::new("ana@t.test").expect("user")
    }

    #[tokio::test]
    async fn the_entry_is_built_from_the_result_of_the_write_in_scope() {
        let got = audited(
            &ana(),
            "team.change",
            |n: &u32| (format!("team:{n}"), json!({"op": "create"})),
            async {
                let pending = take().expect("pending inside the scope");
                assert!(take().is_none(), "taken once");
                let entry = entry_for(pending, &7_u32)?;
                assert_eq!(entry.target, "team:7");
                assert_eq!(entry.action, "team.change");
                assert_eq!(entry.actor, Some(ana()));
                Ok(7_u32)
            },
        )
        .await
        .expect("write");
        assert_eq!(got, 7);
        assert!(take().is_none(), "nothing pending outside a scope");
    }

    #[tokio::test]
    async fn an_entry_for_another_result_type_is_an_error() {
        let err = audited(
            &ana(),
            "flag.change",
            |_: &String| ("flag:x".to_owned(), json!({})),
            async {
                let pending = take().expect("pending");
                entry_for(pending, &()).map(|_| ())
            },
        )
        .await
        .expect_err("a mismatch");
        assert!(matches!(err, ServerError::Internal(_)), "{err:?}");
    }
}
