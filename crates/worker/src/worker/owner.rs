//! Partition ownership: each event partition is consumed by one worker
//! at a time, which holds its lease in `cs-leases`.
//!
//! Every third of [`Topology::lease`](crate::Topology) a worker renews
//! its heartbeat in `cs-members` and its leases (a compare-and-set on
//! the revision it holds, so a lease that expired and was taken by
//! another worker is lost, never stolen back), then claims free
//! partitions until it holds its share (the partitions divided by the
//! live workers, rounded up), or gives back what exceeds it, so that
//! partitions spread when workers join and move on when one dies. A
//! lost or given-back partition's task is told to stop; the carry's own
//! compare-and-set fences a worker that has not noticed yet.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_nats::jetstream::kv;
use futures_util::StreamExt;
use tokio::sync::watch;

use super::Worker;
use super::scoped::Scoped;
use crate::error::Result;
use crate::setup::bucket_of;
use crate::subjects::{LEASES, MEMBERS, partition_key};

/// A partition this worker holds.
struct Held {
    revision: u64,
    stop: watch::Sender<bool>,
    task: Scoped,
}

/// The lease and heartbeat buckets.
struct Leases {
    leases: kv::Store,
    members: kv::Store,
}

/// Owns partitions until `stop` turns true, then stops their tasks
/// (each finishes the batch it holds) and gives the leases back.
pub(super) async fn own(worker: Arc<Worker>, mut stop: watch::Receiver<bool>) {
    let leases = loop {
        match Leases::open(&worker).await {
            Ok(l) => break l,
            Err(e) => {
                tracing::warn!(error = %e, "lease buckets; retrying");
                if pause(&worker, &mut stop).await {
                    return;
                }
            }
        }
    };
    let mut held: BTreeMap<u32, Held> = BTreeMap::new();
    loop {
        leases.beat(&worker.name).await;
        leases.renew(&worker.name, &mut held).await;
        let ended: Vec<u32> = held
            .iter()
            .filter(|(_, h)| h.task.is_finished())
            .map(|(p, _)| *p)
            .collect();
        for p in ended {
            if let Some(h) = held.remove(&p) {
                tracing::warn!(partition = p, "partition task ended");
                leases.release(p, h).await;
            }
        }
        let share = leases.share(worker.topology.partitions).await;
        if held.len() < share {
            leases.claim(&worker, &mut held, share).await;
        }
        while held.len() > share {
            let Some((p, h)) = held.pop_last() else { break };
            leases.release(p, h).await;
        }
        if pause(&worker, &mut stop).await {
            break;
        }
    }
    while let Some((p, h)) = held.pop_first() {
        leases.release(p, h).await;
    }
    if let Err(e) = leases.members.delete(&worker.name).await {
        tracing::warn!(error = %e, "heartbeat not withdrawn");
    }
}

/// Waits a third of the lease; `true` when told to stop meanwhile.
async fn pause(worker: &Worker, stop: &mut watch::Receiver<bool>) -> bool {
    let tick = worker.topology.lease / 3;
    tokio::select! {
        _ = stop.changed() => true,
        () = tokio::time::sleep(tick) => *stop.borrow(),
    }
}

impl Leases {
    async fn open(worker: &Worker) -> Result<Leases> {
        let t = &worker.topology;
        Ok(Leases {
            leases: bucket_of(&worker.js, t, LEASES).await?,
            members: bucket_of(&worker.js, t, MEMBERS).await?,
        })
    }

    async fn beat(&self, name: &str) {
        if let Err(e) = self.members.put(name, bytes::Bytes::new()).await {
            tracing::warn!(error = %e, "heartbeat");
        }
    }

    /// The partitions each live worker should hold, rounded up.
    async fn share(&self, partitions: u32) -> usize {
        let live = match self.members.keys().await {
            Ok(keys) => {
                keys.filter(|k| std::future::ready(k.is_ok())).count().await
            }
            Err(_) => 1,
        };
        let partitions = usize::try_from(partitions).unwrap_or(usize::MAX);
        partitions.div_ceil(live.max(1))
    }

    async fn renew(&self, name: &str, held: &mut BTreeMap<u32, Held>) {
        let mut lost = Vec::new();
        for (p, h) in held.iter_mut() {
            let key = partition_key(*p);
            let value = bytes::Bytes::from(name.to_string());
            match self.leases.update(&key, value, h.revision).await {
                Ok(revision) => h.revision = revision,
                Err(e) => {
                    tracing::warn!(partition = p, error = %e, "lease lost");
                    lost.push(*p);
                }
            }
        }
        for p in lost {
            if let Some(h) = held.remove(&p) {
                let _ = h.stop.send(true);
            }
        }
    }

    /// Claims free partitions, starting at one that depends on the
    /// worker's name so that workers starting together spread out.
    async fn claim(
        &self,
        worker: &Arc<Worker>,
        held: &mut BTreeMap<u32, Held>,
        share: usize,
    ) {
        let n = worker.topology.partitions;
        let start = crate::subjects::partition(&worker.name, "", n);
        for i in 0..n {
            if held.len() >= share {
                return;
            }
            let p = (start + i) % n;
            if held.contains_key(&p) {
                continue;
            }
            let value = bytes::Bytes::from(worker.name.clone());
            let Ok(revision) =
                self.leases.create(partition_key(p), value).await
            else {
                continue;
            };
            tracing::info!(partition = p, "partition claimed");
            let (stop, rx) = watch::channel(false);
            let task = Scoped::spawn(super::partition::run(
                Arc::clone(worker),
                p,
                rx,
            ));
            held.insert(p, Held { revision, stop, task });
        }
    }

    /// Stops the partition's task, lets it finish its batch, and gives
    /// the lease back.
    async fn release(&self, p: u32, h: Held) {
        let _ = h.stop.send(true);
        h.task.join().await;
        let key = partition_key(p);
        if let Err(e) =
            self.leases.delete_expect_revision(&key, Some(h.revision)).await
        {
            tracing::warn!(partition = p, error = %e, "lease not given back");
        }
        tracing::info!(partition = p, "partition released");
    }
}
