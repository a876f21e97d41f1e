//! [`WorkerError`]: what stops a publisher or a worker.

/// A failure talking to NATS or the store.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// Connecting to the server failed.
    #[error("connecting to NATS at {url}: {source}")]
    Connect {
        /// The server's URL.
        url: String,
        /// The cause.
        #[source]
        source: async_nats::ConnectError,
    },
    /// A JetStream call failed.
    #[error("JetStream: {what}: {detail}")]
    JetStream {
        /// What was being done.
        what: &'static str,
        /// The client's error.
        detail: String,
    },
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] counterspy_store::Error),
    /// Local files (the worker's scratch folder) failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

impl WorkerError {
    /// A JetStream error while doing `what`.
    pub(crate) fn js(what: &'static str, e: impl std::fmt::Display) -> Self {
        WorkerError::JetStream { what, detail: e.to_string() }
    }
}

/// Results of this crate.
pub type Result<T, E = WorkerError> = std::result::Result<T, E>;
