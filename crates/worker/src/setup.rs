//! [`Topology`]: the streams, the object store and the consumer, created
//! when missing (every worker and publisher calls [`ensure`]).

use std::time::Duration;

use async_nats::jetstream::consumer::{AckPolicy, pull};
use async_nats::jetstream::object_store::ObjectStore;
use async_nats::jetstream::stream::{Config, RetentionPolicy, StorageType};
use async_nats::jetstream::{self, Context};

use crate::error::{Result, WorkerError};
use crate::subjects::{
    DEAD_ALL, DEAD_STREAM, OBJECT_BUCKET, RESULTS_ALL, RESULTS_STREAM,
    WORK_ALL, WORK_STREAM, WORKERS,
};

/// How the streams are laid out and how work is delivered.
#[derive(Clone, Debug)]
pub struct Topology {
    /// Replicas of every stream (1 on one server, 3 in a 3-node
    /// cluster).
    pub replicas: usize,
    /// Deliveries of one work message before it is dead-lettered.
    pub max_deliver: i64,
    /// How long a delivered message waits for an ack (workers send
    /// in-progress acks meanwhile) before it is delivered again.
    pub ack_wait: Duration,
    /// Payloads up to this size travel inline; larger ones through the
    /// object store.
    pub inline_limit: usize,
    /// How long JetStream drops a re-published message with the same id.
    pub duplicate_window: Duration,
}

impl Default for Topology {
    fn default() -> Self {
        Topology {
            replicas: 1,
            max_deliver: 5,
            ack_wait: Duration::from_secs(30),
            inline_limit: 512 << 10,
            duplicate_window: Duration::from_secs(600),
        }
    }
}

/// Creates what is missing: the work, results and dead-letter streams,
/// the object store and the workers' durable pull consumer.
///
/// # Errors
///
/// When JetStream refuses (it is not enabled, a stream exists with
/// another configuration, …).
pub async fn ensure(js: &Context, t: &Topology) -> Result<()> {
    let stream = |name: &str, subject: &str, retention| Config {
        name: name.to_string(),
        subjects: vec![subject.to_string()],
        retention,
        storage: StorageType::File,
        num_replicas: t.replicas,
        duplicate_window: t.duplicate_window,
        ..Config::default()
    };
    let work = js
        .get_or_create_stream(stream(
            WORK_STREAM,
            WORK_ALL,
            RetentionPolicy::WorkQueue,
        ))
        .await
        .map_err(|e| WorkerError::js("creating the work stream", e))?;
    for (name, subject) in
        [(RESULTS_STREAM, RESULTS_ALL), (DEAD_STREAM, DEAD_ALL)]
    {
        js.get_or_create_stream(stream(
            name,
            subject,
            RetentionPolicy::Limits,
        ))
        .await
        .map_err(|e| WorkerError::js("creating a stream", e))?;
    }
    work.get_or_create_consumer(
        WORKERS,
        pull::Config {
            durable_name: Some(WORKERS.to_string()),
            ack_policy: AckPolicy::Explicit,
            ack_wait: t.ack_wait,
            max_deliver: t.max_deliver,
            filter_subject: WORK_ALL.to_string(),
            max_ack_pending: 10_000,
            ..pull::Config::default()
        },
    )
    .await
    .map_err(|e| WorkerError::js("creating the workers' consumer", e))?;
    objects(js, t).await?;
    Ok(())
}

/// The object store of large payloads.
pub(crate) async fn objects(
    js: &Context,
    t: &Topology,
) -> Result<ObjectStore> {
    if let Ok(store) = js.get_object_store(OBJECT_BUCKET).await {
        return Ok(store);
    }
    js.create_object_store(jetstream::object_store::Config {
        bucket: OBJECT_BUCKET.to_string(),
        num_replicas: t.replicas,
        storage: StorageType::File,
        ..Default::default()
    })
    .await
    .map_err(|e| WorkerError::js("creating the object store", e))
}
