//! [`Follower`]: the results and dead letters of the work, read by a
//! durable consumer of their own (`counterspy serve --nats` finishes its
//! submissions from them).
//!
//! The follower holds two durable pull consumers of one name, one on
//! the results stream and one on the dead-letter stream. Created the
//! first time, they start at the first message of their stream; after
//! that, they resume where the last follower of that name stopped. Each
//! message is handed to the caller as a [`Followed`] and acked only
//! once the caller's handler succeeded: a follower that dies (or a
//! handler that fails) leaves the message to be delivered again, so the
//! handler must be idempotent (finishing a finished submission changes
//! nothing). A message that cannot be followed (no work id) is logged,
//! acked and skipped.

use std::fmt::Display;
use std::future::Future;
use std::time::Duration;

use async_nats::HeaderMap;
use async_nats::jetstream::consumer::pull;
use async_nats::jetstream::consumer::{
    AckPolicy, DeliverPolicy, PullConsumer,
};
use async_nats::jetstream::{AckKind, Context, Message};

use crate::envelope::{Work, header};
use crate::error::{Result, WorkerError};
use crate::fetch::fetch;
use crate::setup::{Topology, ensure};
use crate::subjects::{DEAD_ALL, DEAD_STREAM, RESULTS_ALL, RESULTS_STREAM};

/// A result or a dead letter, by work id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Followed {
    /// A work item was analysed.
    Result {
        /// The work id ([`Work::id`]).
        id: String,
        /// The case of the result.
        case: String,
        /// The [`Analysed`](counterspy_engine::Analysed), JSON.
        analysed_json: String,
    },
    /// A work item was given up: poison, or failed too often.
    Dead {
        /// The work id, from the original work headers.
        id: String,
        /// Why (`Cs-Reason`, or the reason code of the subject).
        reason: String,
    },
}

/// Reads results and dead letters through durable consumers.
pub struct Follower {
    results: PullConsumer,
    dead: PullConsumer,
    batch: usize,
}

/// How long a follower's message may wait for its handler before
/// JetStream delivers it again.
const ACK_WAIT: Duration = Duration::from_secs(60);

/// How long a failed handler's message waits before it is delivered
/// again, and a failed fetch before the next.
const RETRY: Duration = Duration::from_secs(1);

/// What the follower's fetches are called in errors and logs.
const FETCHING: &str = "fetching to follow";

impl Follower {
    /// A follower called `durable` on `js`; creates the streams and its
    /// two consumers when missing (the consumers then start at the first
    /// message of their streams).
    ///
    /// # Errors
    ///
    /// When the streams or the consumers cannot be created.
    pub async fn new(
        js: Context,
        topology: &Topology,
        durable: &str,
    ) -> Result<Follower> {
        ensure(&js, topology).await?;
        let results = consumer(&js, RESULTS_STREAM, RESULTS_ALL, durable);
        let dead = consumer(&js, DEAD_STREAM, DEAD_ALL, durable);
        Ok(Follower { results: results.await?, dead: dead.await?, batch: 64 })
    }

    /// Hands every result and dead letter to `handle` until `stop`
    /// completes; acks each once `handle` succeeded, and has it
    /// delivered again after a second when it failed. A failed fetch
    /// (a node stopping, a leader election) is retried.
    pub async fn run<H, F, E>(
        self,
        mut handle: H,
        stop: impl Future<Output = ()>,
    ) where
        H: FnMut(Followed) -> F,
        F: Future<Output = std::result::Result<(), E>>,
        E: Display,
    {
        tokio::pin!(stop);
        loop {
            let both = async {
                tokio::join!(
                    fetch(&self.results, self.batch, FETCHING),
                    fetch(&self.dead, self.batch, FETCHING)
                )
            };
            let (results, dead) = tokio::select! {
                () = &mut stop => break,
                both = both => both,
            };
            let mut failed = false;
            for batch in [results, dead] {
                match batch {
                    Ok(messages) => {
                        for msg in messages {
                            deliver(&mut handle, msg).await;
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "follow: fetch failed");
                        failed = true;
                    }
                }
            }
            if failed {
                tokio::time::sleep(RETRY).await;
            }
        }
    }
}

/// The durable consumer `durable` on `stream`.
async fn consumer(
    js: &Context,
    stream: &str,
    filter: &str,
    durable: &str,
) -> Result<PullConsumer> {
    js.get_stream(stream)
        .await
        .map_err(|e| WorkerError::js("opening a stream to follow", e))?
        .get_or_create_consumer(
            durable,
            pull::Config {
                durable_name: Some(durable.to_string()),
                deliver_policy: DeliverPolicy::All,
                ack_policy: AckPolicy::Explicit,
                ack_wait: ACK_WAIT,
                filter_subject: filter.to_string(),
                ..pull::Config::default()
            },
        )
        .await
        .map_err(|e| WorkerError::js("creating a follower's consumer", e))
}

/// Hands `msg` to `handle`, then acks it, or has it delivered again.
async fn deliver<H, F, E>(handle: &mut H, msg: Message)
where
    H: FnMut(Followed) -> F,
    F: Future<Output = std::result::Result<(), E>>,
    E: Display,
{
    let Some(followed) = read(&msg) else {
        let subject = msg.subject.as_str();
        tracing::warn!(%subject, "follow: no work id; skipped");
        let _ = msg.ack().await;
        return;
    };
    match handle(followed).await {
        Ok(()) => {
            let _ = msg.ack().await;
        }
        Err(e) => {
            // A pause here, then a plain NAK: nats-server 2.9 now and
            // then redelivers a message NAKed with a delay only after
            // the ack wait (a minute here).
            tracing::warn!(error = %e, "follow: handler failed; again soon");
            tokio::time::sleep(RETRY).await;
            let _ = msg.ack_with(AckKind::Nak(None)).await;
        }
    }
}

/// What `msg` says, by the stream it came from.
fn read(msg: &Message) -> Option<Followed> {
    let subject = msg.subject.as_str();
    if let Some(code) = subject.strip_prefix(DEAD_ALL.trim_end_matches('>')) {
        return dead(msg.headers.as_ref(), code);
    }
    result(msg.headers.as_ref(), &msg.payload)
}

/// A result: its `Cs-Id`, `Cs-Case` and JSON payload.
fn result(headers: Option<&HeaderMap>, payload: &[u8]) -> Option<Followed> {
    let get = |name| {
        headers.and_then(|h| h.get(name)).map(|v| v.as_str().to_string())
    };
    let id = get(header::ID).filter(|id| !id.is_empty())?;
    Some(Followed::Result {
        id,
        case: get(header::CASE).unwrap_or_default(),
        analysed_json: String::from_utf8_lossy(payload).into_owned(),
    })
}

/// A dead letter: the id of its original work, and why.
fn dead(headers: Option<&HeaderMap>, code: &str) -> Option<Followed> {
    let id = Work::from_headers(headers).ok()?.id();
    let reason = headers
        .and_then(|h| h.get(header::REASON))
        .map(|v| v.as_str().to_string())
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| code.to_string());
    Some(Followed::Dead { id, reason })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::{WorkKind, sha256};

    fn work() -> Work {
        Work {
            kind: WorkKind::File,
            org: "kbzenit".into(),
            case: "demo".into(),
            name: "0004.eml".into(),
            sha256: sha256(b"mail"),
            object: None,
        }
    }

    #[test]
    fn results_carry_their_work_id_case_and_json() {
        let mut h = HeaderMap::new();
        h.insert(header::ID, "abc");
        h.insert(header::CASE, "demo");
        let f = result(Some(&h), b"{\"x\":1}").unwrap();
        let want = Followed::Result {
            id: "abc".into(),
            case: "demo".into(),
            analysed_json: "{\"x\":1}".into(),
        };
        assert_eq!(f, want);
        assert_eq!(result(None, b"{}"), None, "no work id");
    }

    #[test]
    fn dead_letters_recover_the_work_id_and_the_reason() {
        let w = work();
        let mut h = w.headers();
        h.insert(header::REASON, "the payload does not match");
        let f = dead(Some(&h), "hash-mismatch").unwrap();
        let reason = "the payload does not match".to_string();
        assert_eq!(f, Followed::Dead { id: w.id(), reason });
        let f = dead(Some(&w.headers()), "analysis").unwrap();
        let reason = "analysis".to_string();
        assert_eq!(f, Followed::Dead { id: w.id(), reason });
        assert_eq!(dead(None, "bad-envelope"), None);
    }
}
