//! [`Scoped`]: a spawned task that dies with its owner.

use std::future::Future;

use tokio::task::JoinHandle;

/// A spawned task aborted when its handle is dropped, so that a worker
/// whose `run` future is dropped (or whose owner task is) leaves no
/// partition consumer running behind it.
pub(super) struct Scoped(Option<JoinHandle<()>>);

impl Scoped {
    /// Spawns `task` on the runtime.
    pub(super) fn spawn(
        task: impl Future<Output = ()> + Send + 'static,
    ) -> Scoped {
        Scoped(Some(tokio::spawn(task)))
    }

    /// Whether the task has ended.
    pub(super) fn is_finished(&self) -> bool {
        self.0.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Waits for the task to end.
    pub(super) async fn join(mut self) {
        if let Some(handle) = self.0.take() {
            let _ = handle.await;
        }
    }
}

impl Drop for Scoped {
    fn drop(&mut self) {
        if let Some(handle) = &self.0 {
            handle.abort();
        }
    }
}
