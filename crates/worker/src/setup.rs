//! [`Topology`]: the streams, the object store and the consumer, created
//! when missing (every worker and publisher calls [`ensure`]).

use std::time::Duration;

use async_nats::jetstream::consumer::{AckPolicy, pull};
use async_nats::jetstream::object_store::ObjectStore;
use async_nats::jetstream::stream::{
    Config, DiscardPolicy, RetentionPolicy, StorageType,
};
use async_nats::jetstream::{self, Context};

use crate::error::{Result, WorkerError};
use async_nats::jetstream::kv;

use crate::subjects::{
    CARRIES, DEAD_ALL, DEAD_STREAM, FILES_ALL, LEASES, MEMBERS, OBJECT_BUCKET,
    RESULTS_ALL, RESULTS_STREAM, WORK_ALL, WORK_STREAM, WORKERS,
    partition_consumer, partition_filter,
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
    /// Event partitions (each owned by one worker at a time); a host's
    /// batches always land in the same one. Every publisher and worker
    /// of a deployment must agree on it.
    pub partitions: u32,
    /// How long a partition lease (and a worker's heartbeat) lasts
    /// unrenewed: how soon a dead worker's partitions move on.
    pub lease: Duration,
}

impl Default for Topology {
    fn default() -> Self {
        Topology {
            replicas: 1,
            max_deliver: 5,
            ack_wait: Duration::from_secs(30),
            inline_limit: 512 << 10,
            duplicate_window: Duration::from_secs(600),
            partitions: 16,
            lease: Duration::from_secs(15),
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
            max_deliver: consumer_max_deliver(t),
            filter_subject: FILES_ALL.to_string(),
            max_ack_pending: 10_000,
            ..pull::Config::default()
        },
    )
    .await
    .map_err(|e| WorkerError::js("creating the workers' consumer", e))?;
    for p in 0..t.partitions {
        work.get_or_create_consumer(&partition_consumer(p), partition(t, p))
            .await
            .map_err(|e| {
                WorkerError::js("creating a partition consumer", e)
            })?;
    }
    for bucket in [LEASES, MEMBERS, CARRIES] {
        bucket_of(js, t, bucket).await?;
    }
    objects(js, t).await?;
    Ok(())
}

/// Deliveries JetStream may spend without the worker seeing them (a
/// pull request that expired with the message in flight, a worker that
/// died holding it).
const SPARE_DELIVERIES: i64 = 2;

/// The consumers' delivery limit: a few more than the worker's own
/// ([`Topology::max_deliver`]), so that a message whose last counted
/// delivery was spent unseen is delivered again and dead-lettered,
/// instead of stopping undelivered and never dead-lettered.
fn consumer_max_deliver(t: &Topology) -> i64 {
    if t.max_deliver > 0 {
        t.max_deliver.saturating_add(SPARE_DELIVERIES)
    } else {
        t.max_deliver
    }
}

/// A partition's consumer: one batch at a time, in order, so that its
/// owner's correlation state follows the host's events.
fn partition(t: &Topology, p: u32) -> pull::Config {
    pull::Config {
        durable_name: Some(partition_consumer(p)),
        ack_policy: AckPolicy::Explicit,
        ack_wait: t.ack_wait,
        max_deliver: consumer_max_deliver(t),
        filter_subject: partition_filter(p),
        max_ack_pending: 1,
        ..pull::Config::default()
    }
}

/// A key-value bucket of the partitioning: leases and heartbeats expire
/// after [`Topology::lease`]; carries are kept.
///
/// The bucket's stream is created here, configured as the client's
/// `create_key_value` would: that call first asks for the account's
/// limits in a form Debian's `nats-server` 2.9 does not answer.
pub(crate) async fn bucket_of(
    js: &Context,
    t: &Topology,
    bucket: &str,
) -> Result<kv::Store> {
    if let Ok(store) = js.get_key_value(bucket).await {
        return Ok(store);
    }
    let max_age = if bucket == CARRIES { Duration::ZERO } else { t.lease };
    js.get_or_create_stream(Config {
        name: format!("KV_{bucket}"),
        subjects: vec![format!("$KV.{bucket}.>")],
        max_messages_per_subject: 1,
        max_age,
        storage: StorageType::File,
        num_replicas: t.replicas,
        allow_rollup: true,
        deny_delete: true,
        allow_direct: true,
        discard: DiscardPolicy::New,
        ..Config::default()
    })
    .await
    .map_err(|e| WorkerError::js("creating a key-value bucket", e))?;
    js.get_key_value(bucket)
        .await
        .map_err(|e| WorkerError::js("opening a key-value bucket", e))
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
