//! A private async runtime on its own thread, so synchronous code (the engine's `Meter`
//! trait) can make the sync server's HTTP calls from anywhere — inside a Tokio worker, a
//! current-thread test runtime, or no runtime at all — without nesting runtimes. The caller
//! blocks until the answer or the timeout; the runtime stops when the bridge is dropped.

use std::future::Future;
use std::sync::mpsc;
use std::time::Duration;

use tokio::runtime::Handle;
use tokio::sync::oneshot;

use crate::ClientError;

pub(crate) struct Bridge {
    handle: Handle,
    stop: Option<oneshot::Sender<()>>,
}

impl Bridge {
    /// Starts the runtime thread.
    pub(crate) fn start() -> Result<Self, ClientError> {
        let (ready_tx, ready_rx) = mpsc::channel();
        let (stop, stopped) = oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("pf-sync-bridge".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.to_string()));
                        return;
                    }
                };
                let _ = ready_tx.send(Ok(rt.handle().clone()));
                rt.block_on(async {
                    let _ = stopped.await;
                });
            })
            .map_err(|e| ClientError::Protocol(format!("cannot start the sync thread: {e}")))?;
        let handle = ready_rx
            .recv()
            .map_err(|_| ClientError::Protocol("the sync thread died".into()))?
            .map_err(|e| ClientError::Protocol(format!("cannot start the sync runtime: {e}")))?;
        Ok(Self {
            handle,
            stop: Some(stop),
        })
    }

    /// Runs `fut` on the bridge's runtime and waits for it at most `timeout`; `None` when it
    /// did not finish in time (it is left to finish or fail on its own).
    pub(crate) fn run<T, F>(&self, fut: F, timeout: Duration) -> Option<T>
    where
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        let (tx, rx) = mpsc::sync_channel(1);
        self.handle.spawn(async move {
            let _ = tx.send(fut.await);
        });
        rx.recv_timeout(timeout).ok()
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn works_without_a_runtime_and_times_out_on_slow_work() {
        let b = Bridge::start().expect("bridge");
        assert_eq!(b.run(async { 41 + 1 }, Duration::from_secs(5)), Some(42));
        let slow = b.run(
            async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                1
            },
            Duration::from_millis(50),
        );
        assert_eq!(slow, None);
    }

    #[tokio::test]
    async fn works_from_inside_a_current_thread_runtime() {
        let b = Bridge::start().expect("bridge");
        assert_eq!(b.run(async { "ok" }, Duration::from_secs(5)), Some("ok"));
        drop(b); // dropping inside an async context must not panic
    }
}
