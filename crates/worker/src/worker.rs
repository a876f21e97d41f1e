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
//!    its SHA-256 and analysed on the blocking pool, while an in-progress
//!    ack every third of the ack wait keeps JetStream from delivering it
//!    to another worker.
//! 4. The result is published to `cs.result.<case>` with the work id as
//!    `Nats-Msg-Id` (JetStream drops a duplicate within its window) and
//!    written to the store under the work id (a second write of the same
//!    id is skipped): a redelivered or re-submitted message never makes
//!    a second finding.
//! 5. Only then is the message acked (double ack: the server confirms).
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

use async_nats::HeaderMap;
use async_nats::jetstream::consumer::PullConsumer;
use async_nats::jetstream::{AckKind, Context, Message};
use counterspy_engine::{Analysed, Analyzer};
use counterspy_model::Timestamp;
use counterspy_store::{
    Error as StoreError, NewSubmission, Outcome, SqliteStore, Submissions,
};
use futures_util::StreamExt;
use tokio::task::JoinSet;

use crate::envelope::{Work, header, sha256};
use crate::error::{Result, WorkerError};
use crate::setup::{Topology, ensure, objects};
use crate::subjects::{WORK_STREAM, WORKERS, dead_subject, result_subject};

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

    /// Works until `stop` completes, then finishes what it holds. A
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
        let mut running = JoinSet::new();
        tokio::pin!(stop);
        loop {
            let batch = tokio::select! {
                () = &mut stop => break,
                batch = fetch(&consumer, me.concurrency) => batch,
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
        Ok(())
    }

    async fn handle(&self, msg: Message) {
        let delivered = msg.info().map_or(1, |i| i.delivered);
        let work = match Work::from_headers(msg.headers.as_ref()) {
            Ok(w) => w,
            Err(reason) => {
                return self.dead(&msg, "bad-envelope", &reason).await;
            }
        };
        let payload = match self.payload(&work, &msg).await {
            Ok(p) => p,
            Err(e) => {
                return self.retry(&msg, delivered, "payload", &e).await;
            }
        };
        if sha256(&payload) != work.sha256 {
            let why = "the payload does not match its Cs-Sha256";
            return self.dead(&msg, "hash-mismatch", why).await;
        }
        match self.analyse(&work, payload, &msg).await {
            Ok(analysed) => {
                self.finish(&work, &analysed, &msg, delivered).await;
            }
            Err(e) => self.retry(&msg, delivered, "analysis", &e).await,
        }
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

    /// Runs the analysis on the blocking pool, acking progress.
    async fn analyse(
        &self,
        work: &Work,
        payload: Vec<u8>,
        msg: &Message,
    ) -> Result<Analysed, String> {
        let path = self.scratch.join(work.id());
        tokio::fs::write(&path, &payload).await.map_err(|e| e.to_string())?;
        let analyzer = Arc::clone(&self.analyzer);
        let (org, name, p) =
            (work.org.clone(), work.name.clone(), path.clone());
        let mut task = tokio::task::spawn_blocking(move || {
            analyzer.analyse(&org, p, &name)
        });
        let tick = self.topology.ack_wait / 3;
        let joined = loop {
            tokio::select! {
                joined = &mut task => break joined,
                () = tokio::time::sleep(tick) => {
                    let _ = msg.ack_with(AckKind::Progress).await;
                }
            }
        };
        let _ = tokio::fs::remove_file(&path).await;
        match joined {
            Ok(Ok(analysed)) => Ok(analysed),
            Ok(Err(e)) => Err(e.to_string()),
            Err(e) => Err(format!("the analysis panicked: {e}")),
        }
    }

    /// Publishes and stores the result, then acks; a failure of either
    /// is retried like a failed analysis (dead-lettered on the last
    /// delivery, never left undelivered).
    async fn finish(
        &self,
        work: &Work,
        analysed: &Analysed,
        msg: &Message,
        delivered: i64,
    ) {
        let id = work.id();
        let Ok(json) = serde_json::to_string(analysed) else {
            return self.dead(msg, "unserialisable", "result").await;
        };
        let mut headers = HeaderMap::new();
        headers.insert(header::MSG_ID, id.as_str());
        headers.insert(header::ID, id.as_str());
        headers.insert(header::ORG, work.org.as_str());
        headers.insert(header::CASE, work.case.as_str());
        let published = self
            .js
            .publish_with_headers(
                result_subject(&work.case),
                headers,
                json.clone().into(),
            )
            .await;
        let confirmed = match published {
            Ok(ack) => ack.await.is_ok(),
            Err(_) => false,
        };
        if !confirmed {
            let why = "JetStream did not confirm the result";
            return self.retry(msg, delivered, "publish", why).await;
        }
        match self.record(work, analysed, json).await {
            Ok(true) => {}
            Ok(false) => {
                self.stats.duplicates.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                tracing::error!(work = %id, error = %e, "store");
                let why = e.to_string();
                return self.retry(msg, delivered, "store", &why).await;
            }
        }
        if msg.double_ack().await.is_ok() {
            self.stats.done.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Writes the result under the work id; `false` when it was there.
    async fn record(
        &self,
        work: &Work,
        analysed: &Analysed,
        json: String,
    ) -> Result<bool> {
        let Some(store) = self.store.clone() else { return Ok(true) };
        let file = analysed.file();
        let new = NewSubmission {
            id: work.id(),
            case_key: work.case.clone(),
            org: work.org.clone(),
            name: work.name.clone(),
            kind: file.kind,
            size: file.size,
            sha256: work.sha256.clone(),
            submitter: format!("worker:{}", self.name),
            received: now(),
        };
        let outcome =
            Outcome::Done { verdict: analysed.verdict(), result: json };
        let joined = tokio::task::spawn_blocking(move || {
            let mut s = store.lock().unwrap_or_else(|e| e.into_inner());
            write_once(&mut s, &new, &outcome)
        })
        .await
        .map_err(|e| WorkerError::Io {
            what: "store task",
            source: std::io::Error::other(e.to_string()),
        })?;
        Ok(joined?)
    }

    async fn retry(
        &self,
        msg: &Message,
        delivered: i64,
        what: &str,
        why: &str,
    ) {
        if delivered >= self.topology.max_deliver {
            let reason = format!("{what} failed {delivered} times: {why}");
            return self.dead(msg, what, &reason).await;
        }
        let delay = Duration::from_millis(200 * delivered.max(1) as u64);
        tracing::warn!(%why, delivered, "{what} failed; retrying");
        let _ = msg.ack_with(AckKind::Nak(Some(delay))).await;
        self.stats.retried.fetch_add(1, Ordering::Relaxed);
    }

    /// Publishes the message to `cs.dead.<code>` with its reason, then
    /// terminates its delivery.
    async fn dead(&self, msg: &Message, code: &str, reason: &str) {
        let mut headers = msg.headers.clone().unwrap_or_default();
        headers.insert(header::REASON, reason);
        headers.insert(
            header::MSG_ID,
            format!("dead-{}", sequence(msg)).as_str(),
        );
        tracing::warn!(%reason, "dead-lettered");
        let sent = self
            .js
            .publish_with_headers(
                dead_subject(code),
                headers,
                msg.payload.clone(),
            )
            .await;
        if let Ok(ack) = sent {
            let _ = ack.await;
        }
        let _ = msg.ack_with(AckKind::Term).await;
        self.stats.dead.fetch_add(1, Ordering::Relaxed);
    }
}

fn sequence(msg: &Message) -> u64 {
    msg.info().map_or(0, |i| i.stream_sequence)
}

/// Adds a finished submission unless its id is stored already.
fn write_once(
    s: &mut SqliteStore,
    new: &NewSubmission,
    outcome: &Outcome,
) -> counterspy_store::Result<bool> {
    match s.add_submission(new) {
        Ok(_) => {}
        Err(StoreError::Duplicate { .. }) => return Ok(false),
        Err(e) => return Err(e),
    }
    s.start_submission(&new.id, now())?;
    s.finish_submission(&new.id, outcome, now())?;
    Ok(true)
}

/// How long a fetch waits for messages.
const FETCH_EXPIRES: Duration = Duration::from_millis(500);

/// How long past its expiry a fetch is given up: the server that took
/// the request may have died (a cluster node stopping), and its expiry
/// notice will never come.
const FETCH_GRACE: Duration = Duration::from_secs(5);

async fn fetch(consumer: &PullConsumer, n: usize) -> Result<Vec<Message>> {
    let mut out = Vec::with_capacity(n);
    let pull = async {
        let mut batch = consumer
            .fetch()
            .max_messages(n)
            .expires(FETCH_EXPIRES)
            .messages()
            .await
            .map_err(|e| WorkerError::js("fetching work", e))?;
        while let Some(m) = batch.next().await {
            match m {
                Ok(m) => out.push(m),
                Err(e) => tracing::warn!(error = %e, "fetch"),
            }
        }
        Ok::<(), WorkerError>(())
    };
    match tokio::time::timeout(FETCH_EXPIRES + FETCH_GRACE, pull).await {
        Ok(result) => result?,
        Err(_) => tracing::warn!("a fetch got no answer; fetching again"),
    }
    Ok(out)
}

fn now() -> Timestamp {
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX));
    Timestamp::from_micros(micros)
}
