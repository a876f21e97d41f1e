//! [`Worker`]: pulls work, analyses it, publishes and stores results.
//!
//! Delivery is at least once; everything after the analysis is
//! idempotent, so at least once is enough:
//!
//! 1. A message is fetched from the durable pull consumer (a few at a
//!    time, so little sits fetched and unprocessed).
//! 2. Its headers are read; a message without valid ones is poison and
//!    goes to the dead-letter subject at once, with the reason.
//! 3. The payload (inline, or from the object store) is checked against
//!    its SHA-256 and analysed on the blocking pool. From here to the
//!    ack, an in-progress ack every third of the ack wait keeps
//!    JetStream from delivering it to another worker, through a long
//!    analysis and through publishes retried across a leader election.
//! 4. The result is published to `cs.result.<case>` with the work id as
//!    `Nats-Msg-Id` (JetStream drops a duplicate within its window) and
//!    written to the store under the work id (a second write of the same
//!    id is skipped): a redelivered or re-submitted message never makes
//!    a second finding.
//! 5. Only then is the message acked (double ack: the server confirms;
//!    retried a few times, since a lost ack costs a delivery).
//!
//! A failure (the payload is missing, the analysis panicked) is retried
//! with a growing delay (`-NAK`) until the message has been delivered
//! [`Topology::max_deliver`] times; then it is dead-lettered with the
//! reason and terminated. A worker that dies mid-analysis simply never
//! acks: JetStream delivers the message again after the ack wait.
//! [`Worker::run`] stops fetching when told to and finishes, publishes
//! and acks what it holds before returning.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_nats::jetstream::consumer::PullConsumer;
use async_nats::jetstream::{AckKind, Context, Message};
use counterspy_engine::{Analysed, Analyzer};
use counterspy_store::SqliteStore;
use tokio::task::JoinSet;

mod outcome;
mod owner;
mod partition;
mod scoped;

use outcome::{Failure, sequence};
use scoped::Scoped;

use crate::envelope::{Work, sha256};
use crate::error::{Result, WorkerError};
use crate::fetch::fetch;
use crate::setup::{Topology, ensure, objects};
use crate::subjects::{WORK_STREAM, WORKERS};

/// What a worker did.
#[derive(Debug, Default)]
pub struct Stats {
    /// Messages analysed and acked.
    pub done: AtomicU64,
    /// Results the store already had (redeliveries, re-submissions).
    pub duplicates: AtomicU64,
    /// Messages sent back for another delivery.
    pub retried: AtomicU64,
    /// Messages dead-lettered.
    pub dead: AtomicU64,
}

impl Stats {
    /// `(done, duplicates, retried, dead)` now.
    pub fn snapshot(&self) -> (u64, u64, u64, u64) {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        (g(&self.done), g(&self.duplicates), g(&self.retried), g(&self.dead))
    }
}

/// A worker.
pub struct Worker {
    js: Context,
    name: String,
    topology: Topology,
    analyzer: Arc<Analyzer>,
    store: Option<Arc<Mutex<SqliteStore>>>,
    scratch: PathBuf,
    concurrency: usize,
    stats: Arc<Stats>,
}

impl Worker {
    /// A worker called `name` on `js`, analysing with `analyzer`,
    /// `concurrency` messages at a time, keeping payloads in `scratch`
    /// while they are analysed; creates the streams when missing.
    ///
    /// # Errors
    ///
    /// When the streams cannot be created or `scratch` cannot be made.
    pub async fn new(
        js: Context,
        name: &str,
        topology: Topology,
        analyzer: Arc<Analyzer>,
        scratch: PathBuf,
        concurrency: usize,
    ) -> Result<Worker> {
        ensure(&js, &topology).await?;
        std::fs::create_dir_all(&scratch).map_err(|source| {
            WorkerError::Io { what: "creating the scratch folder", source }
        })?;
        Ok(Worker {
            js,
            name: name.to_string(),
            topology,
            analyzer,
            store: None,
            scratch,
            concurrency: concurrency.max(1),
            stats: Arc::new(Stats::default()),
        })
    }

    /// Also writes every result to `store`.
    pub fn with_store(mut self, store: SqliteStore) -> Worker {
        self.store = Some(Arc::new(Mutex::new(store)));
        self
    }

    /// The counters, live.
    pub fn stats(&self) -> Arc<Stats> {
        Arc::clone(&self.stats)
    }

    /// Works until `stop` completes, then finishes what it holds: files
    /// from the shared consumer, and event batches of the partitions it
    /// owns (their leases are given back at the end). A
    /// failed fetch (a node stopping, a leader election) is retried.
    ///
    /// # Errors
    ///
    /// When the consumer cannot be opened at the start.
    pub async fn run(
        self,
        stop: impl std::future::Future<Output = ()>,
    ) -> Result<()> {
        let consumer: PullConsumer = self
            .js
            .get_stream(WORK_STREAM)
            .await
            .map_err(|e| WorkerError::js("opening the work stream", e))?
            .get_consumer(WORKERS)
            .await
            .map_err(|e| WorkerError::js("opening the consumer", e))?;
        let me = Arc::new(self);
        let (stop_owner, owning) = tokio::sync::watch::channel(false);
        let owner = (me.topology.partitions > 0)
            .then(|| Scoped::spawn(owner::own(Arc::clone(&me), owning)));
        let mut running = JoinSet::new();
        tokio::pin!(stop);
        loop {
            let batch = tokio::select! {
                () = &mut stop => break,
                batch = fetch(&consumer, me.concurrency, FETCHING) => batch,
            };
            let batch = match batch {
                Ok(batch) => batch,
                Err(e) => {
                    // A cluster electing a leader refuses for a moment.
                    tracing::warn!(error = %e, "fetch failed; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            for msg in batch {
                let w = Arc::clone(&me);
                running.spawn(async move { w.handle(msg).await });
            }
            while running.join_next().await.is_some() {}
        }
        while running.join_next().await.is_some() {}
        let _ = stop_owner.send(true);
        if let Some(owner) = owner {
            owner.join().await;
        }
        Ok(())
    }

    async fn handle(&self, msg: Message) {
        match self.progressing(&msg, self.process(&msg)).await {
            Ok(fresh) => self.ack(&msg, fresh).await,
            Err(failure) => self.failed(&msg, failure).await,
        }
    }

    /// Dead-letters a poison message; sends a transient failure back
    /// for another delivery (dead-lettered on the last one).
    async fn failed(&self, msg: &Message, failure: Failure) {
        let delivered = msg.info().map_or(1, |i| i.delivered);
        match failure {
            Failure::Poison { code, reason } => {
                self.dead(msg, code, &reason).await;
            }
            Failure::Transient { what, why } => {
                self.retry(msg, delivered, what, &why).await;
            }
        }
    }

    /// Runs `work` while sending an in-progress ack every third of the
    /// ack wait, so that neither a long analysis nor a publish retried
    /// through a leader election lets JetStream deliver the message to
    /// another worker (and spend one of its deliveries).
    async fn progressing<T>(
        &self,
        msg: &Message,
        work: impl std::future::Future<Output = T>,
    ) -> T {
        let tick = self.topology.ack_wait / 3;
        tokio::pin!(work);
        loop {
            tokio::select! {
                out = &mut work => return out,
                () = tokio::time::sleep(tick) => {
                    let _ = msg.ack_with(AckKind::Progress).await;
                }
            }
        }
    }

    /// Reads, checks, analyses, publishes and stores one message;
    /// `true` when its result is new to the store.
    async fn process(&self, msg: &Message) -> Result<bool, Failure> {
        let work = envelope(msg)?;
        let payload = self.checked_payload(&work, msg).await?;
        let analysed = self
            .analyse(&work, payload)
            .await
            .map_err(|why| Failure::transient("analysis", why))?;
        self.publish(&work, &analysed).await
    }

    /// The payload of `work` (inline, or from the object store), checked
    /// against its SHA-256.
    async fn checked_payload(
        &self,
        work: &Work,
        msg: &Message,
    ) -> Result<Vec<u8>, Failure> {
        let payload = self
            .payload(work, msg)
            .await
            .map_err(|why| Failure::transient("payload", why))?;
        if sha256(&payload) != work.sha256 {
            let why = "the payload does not match its Cs-Sha256";
            return Err(Failure::poison("hash-mismatch", why.into()));
        }
        Ok(payload)
    }

    async fn payload(
        &self,
        work: &Work,
        msg: &Message,
    ) -> Result<Vec<u8>, String> {
        let Some(name) = &work.object else {
            return Ok(msg.payload.to_vec());
        };
        let store = objects(&self.js, &self.topology)
            .await
            .map_err(|e| e.to_string())?;
        let mut object =
            store.get(name.as_str()).await.map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        tokio::io::AsyncReadExt::read_to_end(&mut object, &mut out)
            .await
            .map_err(|e| e.to_string())?;
        Ok(out)
    }

    /// Runs the analysis on the blocking pool.
    async fn analyse(
        &self,
        work: &Work,
        payload: Vec<u8>,
    ) -> Result<Analysed, String> {
        self.on_scratch(work, payload, |analyzer, org, path, name| {
            analyzer.analyse(org, path, name)
        })
        .await
    }

    /// Writes the payload to the scratch folder and runs `analysis` on
    /// it on the blocking pool; the file is removed afterwards.
    async fn on_scratch<T, E>(
        &self,
        work: &Work,
        payload: Vec<u8>,
        analysis: impl FnOnce(&Analyzer, &str, PathBuf, &str) -> Result<T, E>
        + Send
        + 'static,
    ) -> Result<T, String>
    where
        T: Send + 'static,
        E: std::fmt::Display + Send + 'static,
    {
        let path = self.scratch.join(work.id());
        tokio::fs::write(&path, &payload).await.map_err(|e| e.to_string())?;
        let analyzer = Arc::clone(&self.analyzer);
        let (org, name, p) =
            (work.org.clone(), work.name.clone(), path.clone());
        let joined = tokio::task::spawn_blocking(move || {
            analysis(&analyzer, &org, p, &name)
        })
        .await;
        let _ = tokio::fs::remove_file(&path).await;
        match joined {
            Ok(Ok(out)) => Ok(out),
            Ok(Err(e)) => Err(e.to_string()),
            Err(e) => Err(format!("the analysis panicked: {e}")),
        }
    }
}

/// The work a message's headers describe; without valid ones the
/// message is poison.
fn envelope(msg: &Message) -> Result<Work, Failure> {
    Work::from_headers(msg.headers.as_ref())
        .map_err(|reason| Failure::poison("bad-envelope", reason))
}

/// What the workers' fetches are called in errors and logs.
const FETCHING: &str = "fetching work";
