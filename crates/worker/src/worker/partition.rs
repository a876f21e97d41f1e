//! One event partition's batches, in stream order, with the Sigma
//! correlation state carried from each batch to the next.
//!
//! The state lives in `cs-carries` under the partition's key, as the
//! stream sequence of the last batch hunted, the carry it was hunted
//! with and the carry it left. It is written (compare-and-set on its
//! revision) after the hunt and before the result is published, so:
//!
//! - a batch redelivered after the state was written (the worker died
//!   before its ack) is hunted again with the carry it was first hunted
//!   with, and its result (the same) is published again, harmlessly;
//! - an older batch seen again is only acked;
//! - a worker that lost its lease without noticing cannot overwrite the
//!   new owner's state: its write fails, it reloads and sends the batch
//!   back.

use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::consumer::PullConsumer;
use async_nats::jetstream::kv::{self, Operation};
use async_nats::jetstream::{AckKind, Message};
use counterspy_engine::{Analysed, Carry};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use super::{FETCHING, Failure, Worker, envelope, fetch, sequence};
use crate::envelope::{Work, WorkKind};
use crate::error::{Result, WorkerError};
use crate::setup::bucket_of;
use crate::subjects::{
    CARRIES, WORK_STREAM, partition_consumer, partition_key,
};

/// The largest state record written: a bigger carry (a flood of
/// correlation input) is dropped with a warning, and correlations then
/// start afresh at the next batch.
const MAX_RECORD: usize = 768 << 10;

/// What `cs-carries` holds for a partition.
#[derive(Default, Serialize, Deserialize)]
struct Record {
    /// Stream sequence of the last batch hunted.
    seq: u64,
    /// The carry that batch was hunted with.
    before: Carry,
    /// The carry it left.
    after: Carry,
}

/// The record and the revision it was read or written at.
struct State {
    record: Record,
    revision: Option<u64>,
}

/// Consumes partition `p` until `stop` turns true; each batch is
/// finished (published and acked) before it looks again.
pub(super) async fn run(
    worker: Arc<Worker>,
    p: u32,
    stop: watch::Receiver<bool>,
) {
    let Some((consumer, carries)) = open(&worker, p, &stop).await else {
        return;
    };
    let mut state = loop {
        match load(&carries, p).await {
            Ok(s) => break s,
            Err(e) => tracing::warn!(partition = p, error = %e, "carry"),
        }
        if wait(&stop).await {
            return;
        }
    };
    while !*stop.borrow() {
        let batch = match fetch(&consumer, 1, FETCHING).await {
            Ok(batch) => batch,
            Err(e) => {
                tracing::warn!(error = %e, "fetch failed; retrying");
                if wait(&stop).await {
                    return;
                }
                continue;
            }
        };
        for msg in batch {
            worker.hunt_batch(&msg, &carries, p, &mut state).await;
        }
    }
}

async fn open(
    worker: &Worker,
    p: u32,
    stop: &watch::Receiver<bool>,
) -> Option<(PullConsumer, kv::Store)> {
    loop {
        match try_open(worker, p).await {
            Ok(opened) => return Some(opened),
            Err(e) => tracing::warn!(partition = p, error = %e, "opening"),
        }
        if wait(stop).await {
            return None;
        }
    }
}

async fn try_open(
    worker: &Worker,
    p: u32,
) -> Result<(PullConsumer, kv::Store)> {
    let consumer = worker
        .js
        .get_stream(WORK_STREAM)
        .await
        .map_err(|e| WorkerError::js("opening the work stream", e))?
        .get_consumer(&partition_consumer(p))
        .await
        .map_err(|e| WorkerError::js("opening a partition consumer", e))?;
    let carries = bucket_of(&worker.js, &worker.topology, CARRIES).await?;
    Ok((consumer, carries))
}

/// Waits a second; `true` when told to stop.
async fn wait(stop: &watch::Receiver<bool>) -> bool {
    tokio::time::sleep(Duration::from_secs(1)).await;
    *stop.borrow()
}

async fn load(carries: &kv::Store, p: u32) -> Result<State> {
    let entry = carries
        .entry(partition_key(p))
        .await
        .map_err(|e| WorkerError::js("reading a carry", e))?;
    let Some(entry) = entry.filter(|e| e.operation == Operation::Put) else {
        return Ok(State { record: Record::default(), revision: None });
    };
    let record = serde_json::from_slice(&entry.value).unwrap_or_else(|e| {
        tracing::warn!(partition = p, error = %e, "unreadable carry");
        Record::default()
    });
    Ok(State { record, revision: Some(entry.revision) })
}

/// Writes `record` over the state at its revision; `false` when another
/// worker wrote since (the state is then reloaded).
async fn save(
    carries: &kv::Store,
    p: u32,
    state: &mut State,
    mut record: Record,
) -> Result<bool> {
    let mut json = serde_json::to_vec(&record).unwrap_or_default();
    if json.len() > MAX_RECORD {
        tracing::warn!(partition = p, bytes = json.len(), "carry dropped");
        record = Record { seq: record.seq, ..Record::default() };
        json = serde_json::to_vec(&record).unwrap_or_default();
    }
    let key = partition_key(p);
    let written = match state.revision {
        None => {
            carries.create(&key, json.into()).await.map_err(|e| e.to_string())
        }
        Some(r) => carries
            .update(&key, json.into(), r)
            .await
            .map_err(|e| e.to_string()),
    };
    match written {
        Ok(revision) => {
            *state = State { record, revision: Some(revision) };
            Ok(true)
        }
        Err(e) => {
            tracing::warn!(partition = p, error = %e, "carry written meanwhile");
            *state = load(carries, p).await?;
            Ok(false)
        }
    }
}

impl Worker {
    /// Hunts one batch of the partition with the carried state.
    async fn hunt_batch(
        &self,
        msg: &Message,
        carries: &kv::Store,
        p: u32,
        state: &mut State,
    ) {
        let seq = sequence(msg);
        if seq < state.record.seq {
            return self.ack(msg, false).await;
        }
        let again = seq == state.record.seq;
        let carry = if again {
            state.record.before.clone()
        } else {
            state.record.after.clone()
        };
        let hunted = self.progressing(msg, self.hunt_events(msg, carry)).await;
        let (work, analysed, after) = match hunted {
            Ok(h) => h,
            Err(failure) => return self.failed(msg, failure).await,
        };
        if !again {
            let before = std::mem::take(&mut state.record.after);
            let record = Record { seq, before, after };
            match save(carries, p, state, record).await {
                Ok(true) => {}
                Ok(false) => {
                    let _ = msg.ack_with(AckKind::Nak(None)).await;
                    return;
                }
                Err(e) => {
                    let why = e.to_string();
                    return self
                        .failed(msg, Failure::transient("carry", why))
                        .await;
                }
            }
        }
        match self.progressing(msg, self.publish(&work, &analysed)).await {
            Ok(fresh) => self.ack(msg, fresh).await,
            Err(failure) => self.failed(msg, failure).await,
        }
    }

    /// Reads and checks a batch and hunts it with `carry`.
    async fn hunt_events(
        &self,
        msg: &Message,
        carry: Carry,
    ) -> Result<(Work, Analysed, Carry), Failure> {
        let work = envelope(msg)?;
        if work.kind != WorkKind::Events {
            let why = "a file on an event partition".to_string();
            return Err(Failure::poison("wrong-kind", why));
        }
        let payload = self.checked_payload(&work, msg).await?;
        let (analysed, after) = self
            .on_scratch(&work, payload, move |analyzer, org, path, name| {
                analyzer.analyse_carried(org, path, name, carry)
            })
            .await
            .map_err(|why| Failure::transient("analysis", why))?;
        Ok((work, analysed, after))
    }
}
