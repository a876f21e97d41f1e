//! `counterspy worker`: the analyses of `scan`, `hunt` and `serve`,
//! scaled out over many machines on NATS JetStream.
//!
//! Publishers ([`Submitter`]: `counterspy submit`) put files and event
//! batches on the work-queue stream; any number of [`Worker`]s share its
//! durable pull consumer, analyse each item with the same
//! [`Analyzer`](counterspy_engine::Analyzer) as `serve`, publish the
//! result to the results stream and write it to the store; [`results`]
//! reads a case's results back for correlation. Streams and subjects:
//! [`subjects`]. Delivery and idempotency: [`worker`].
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use counterspy_worker::{Submitter, Topology, connect};
//! let js = connect("nats://127.0.0.1:4222").await?;
//! let submitter = Submitter::new(js, Topology::default()).await?;
//! let id = submitter
//!     .file("kbzenit", "demo", "mail.eml", std::fs::read("mail.eml")?)
//!     .await?;
//! println!("queued {id}");
//! # Ok(()) }
//! ```
//!
//! # Guarantees
//!
//! - At-least-once delivery with explicit acks; a message is acked only
//!   after its result is confirmed by JetStream and stored.
//! - Results are idempotent by work id (the SHA-256 of kind,
//!   organisation, case, name and content): JetStream drops a duplicate
//!   publish within its window, and the store keeps the first result of
//!   an id, so a redelivered or re-submitted message never makes a
//!   second finding.
//! - Redelivery is bounded ([`Topology::max_deliver`]); a poison message
//!   lands on `cs.dead.<reason>` with a `Cs-Reason` header.
//! - A worker told to stop finishes, publishes and acks what it holds.
//!
//! # Design decisions
//!
//! - **JetStream, not our own broker.** Durable replicated streams,
//!   work-queue retention, pull consumers shared by any number of
//!   workers, an object store for large payloads and clustering come
//!   with one Debian package (`nats-server`) and the official Rust
//!   client (`async-nats`).
//! - **Fetch a few at a time.** Workers fetch as many messages as they
//!   analyse at once, so nothing waits fetched-but-idle on a worker that
//!   dies; in-progress acks cover long analyses.
#![deny(missing_docs)]

mod envelope;
mod error;
mod fetch;
mod follow;
mod publish;
pub mod results;
mod setup;
pub mod subjects;
mod submit;
pub mod worker;

pub use envelope::{Work, WorkKind, header, sha256};
pub use error::{Result, WorkerError};
pub use follow::{Followed, Follower};
pub use setup::{Topology, ensure};
pub use submit::Submitter;
pub use worker::{Stats, Worker};

/// Connects to the NATS server(s) at `url` (comma-separated for a
/// cluster) and returns the JetStream context. A user and password in a
/// URL (`nats://user:secret@host:4222`) are sent when connecting.
///
/// # Errors
///
/// When a URL does not parse or no server answers.
pub async fn connect(url: &str) -> Result<async_nats::jetstream::Context> {
    let failed =
        |source| WorkerError::Connect { url: url.to_string(), source };
    let servers = url
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<async_nats::ServerAddr>())
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| {
            failed(async_nats::ConnectError::with_source(
                async_nats::ConnectErrorKind::ServerParse,
                e,
            ))
        })?;
    let credentials =
        servers.iter().find_map(|s| Some((s.username()?, s.password()?)));
    let options = match credentials {
        Some((user, password)) => {
            async_nats::ConnectOptions::with_user_and_password(
                user.to_string(),
                password.to_string(),
            )
        }
        None => async_nats::ConnectOptions::new(),
    };
    let client = options.connect(servers).await.map_err(failed)?;
    Ok(async_nats::jetstream::new(client))
}
