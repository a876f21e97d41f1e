//! What becomes of a message: its result published, stored and acked;
//! or sent back for another delivery; or dead-lettered with the reason.

use std::sync::atomic::Ordering;
use std::time::Duration;

use async_nats::HeaderMap;
use async_nats::jetstream::{AckKind, Message};
use counterspy_engine::Analysed;
use counterspy_model::Timestamp;
use counterspy_store::{
    Error as StoreError, NewSubmission, Outcome, SqliteStore, Submissions,
};

use super::Worker;
use crate::envelope::{Work, header};
use crate::error::{Result, WorkerError};
use crate::subjects::{dead_subject, result_subject};

impl Worker {
    /// Publishes the result until JetStream confirms it, then stores it;
    /// `true` when the store did not have it.
    pub(super) async fn publish(
        &self,
        work: &Work,
        analysed: &Analysed,
    ) -> Result<bool, Failure> {
        let id = work.id();
        let json = serde_json::to_string(analysed).map_err(|e| {
            Failure::poison("unserialisable", format!("result: {e}"))
        })?;
        let mut headers = HeaderMap::new();
        headers.insert(header::MSG_ID, id.as_str());
        headers.insert(header::ID, id.as_str());
        headers.insert(header::ORG, work.org.as_str());
        headers.insert(header::CASE, work.case.as_str());
        let subject = result_subject(&work.case);
        let body = json.clone().into();
        crate::publish::confirmed(&self.js, &subject, headers, body)
            .await
            .map_err(|why| {
                let why =
                    format!("JetStream did not confirm the result: {why}");
                Failure::transient("publish", why)
            })?;
        self.record(work, analysed, json).await.map_err(|e| {
            tracing::error!(work = %id, error = %e, "store");
            Failure::transient("store", e.to_string())
        })
    }

    /// Acks until the server confirms (a leader election may refuse the
    /// first tries); a message whose ack is lost is delivered again and
    /// found in the store.
    pub(super) async fn ack(&self, msg: &Message, fresh: bool) {
        if !fresh {
            self.stats.duplicates.fetch_add(1, Ordering::Relaxed);
        }
        for attempt in 0..ACK_ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(ACK_RETRY_DELAY * attempt).await;
            }
            if msg.double_ack().await.is_ok() {
                self.stats.done.fetch_add(1, Ordering::Relaxed);
                return;
            }
        }
        tracing::warn!("ack not confirmed; the message will come again");
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
            received: Timestamp::now(),
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

    pub(super) async fn retry(
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
        let delay = Duration::from_millis(1000 * delivered.max(1) as u64);
        tracing::warn!(%why, delivered, "{what} failed; retrying");
        let _ = msg.ack_with(AckKind::Nak(Some(delay))).await;
        self.stats.retried.fetch_add(1, Ordering::Relaxed);
    }

    /// Publishes the message to `cs.dead.<code>` with its reason, then
    /// terminates its delivery.
    pub(super) async fn dead(&self, msg: &Message, code: &str, reason: &str) {
        let mut headers = msg.headers.clone().unwrap_or_default();
        headers.insert(header::REASON, reason);
        headers.insert(
            header::MSG_ID,
            format!("dead-{}", sequence(msg)).as_str(),
        );
        tracing::warn!(%reason, "dead-lettered");
        let subject = dead_subject(code);
        let body = msg.payload.clone();
        if let Err(e) =
            crate::publish::confirmed(&self.js, &subject, headers, body).await
        {
            tracing::error!(error = %e, "dead letter not confirmed");
        }
        let _ = msg.ack_with(AckKind::Term).await;
        self.stats.dead.fetch_add(1, Ordering::Relaxed);
    }
}

pub(super) fn sequence(msg: &Message) -> u64 {
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
    s.start_submission(&new.id, Timestamp::now())?;
    s.finish_submission(&new.id, outcome, Timestamp::now())?;
    Ok(true)
}

/// Why a message was not done.
pub(super) enum Failure {
    /// It can never succeed: dead-letter it at once.
    Poison { code: &'static str, reason: String },
    /// It may succeed on another delivery.
    Transient { what: &'static str, why: String },
}

impl Failure {
    pub(super) fn poison(code: &'static str, reason: String) -> Failure {
        Failure::Poison { code, reason }
    }

    pub(super) fn transient(what: &'static str, why: String) -> Failure {
        Failure::Transient { what, why }
    }
}

/// How often an ack is tried before the message is left to come again.
const ACK_ATTEMPTS: u32 = 6;

/// The pause before the second ack; it grows by as much each time.
const ACK_RETRY_DELAY: Duration = Duration::from_millis(250);
