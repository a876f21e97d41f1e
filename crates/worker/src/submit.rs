//! [`Submitter`]: publishes work.

use async_nats::jetstream::Context;

use crate::envelope::{Work, WorkKind, sha256};
use crate::error::{Result, WorkerError};
use crate::setup::{Topology, ensure, objects};
use crate::subjects::{events_subject, file_subject, partition};

/// Publishes files and event batches to the work stream.
pub struct Submitter {
    js: Context,
    topology: Topology,
}

impl Submitter {
    /// A submitter on `js`; creates the streams when missing.
    ///
    /// # Errors
    ///
    /// When the streams cannot be created.
    pub async fn new(js: Context, topology: Topology) -> Result<Submitter> {
        ensure(&js, &topology).await?;
        Ok(Submitter { js, topology })
    }

    /// Submits a file (mail, document, archive or event log file) of
    /// `org` for case `case`; returns the work id once JetStream has
    /// stored it.
    ///
    /// # Errors
    ///
    /// When JetStream does not confirm the publish.
    pub async fn file(
        &self,
        org: &str,
        case: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> Result<String> {
        self.publish(
            WorkKind::File,
            org,
            case,
            name,
            &file_subject(org),
            bytes,
        )
        .await
    }

    /// Submits a batch of events (JSON lines or EVTX) of `host` in
    /// `org` to the host's partition: its batches are hunted in the
    /// order they were published, by one worker at a time, with the
    /// correlation state carried from one to the next.
    ///
    /// # Errors
    ///
    /// When JetStream does not confirm the publish.
    pub async fn events(
        &self,
        org: &str,
        host: &str,
        case: &str,
        name: &str,
        jsonl: Vec<u8>,
    ) -> Result<String> {
        let p = partition(org, host, self.topology.partitions);
        let subject = events_subject(p, org, host);
        self.publish(WorkKind::Events, org, case, name, &subject, jsonl).await
    }

    async fn publish(
        &self,
        kind: WorkKind,
        org: &str,
        case: &str,
        name: &str,
        subject: &str,
        bytes: Vec<u8>,
    ) -> Result<String> {
        let sha = sha256(&bytes);
        let mut work = Work {
            kind,
            org: org.to_string(),
            case: case.to_string(),
            name: name.to_string(),
            sha256: sha.clone(),
            object: None,
        };
        let payload_bytes = if bytes.len() > self.topology.inline_limit {
            let store = objects(&self.js, &self.topology).await?;
            store
                .put(sha.as_str(), &mut bytes.as_slice())
                .await
                .map_err(|e| WorkerError::js("storing a large payload", e))?;
            work.object = Some(sha);
            Vec::new()
        } else {
            bytes
        };
        crate::publish::confirmed(
            &self.js,
            subject,
            work.headers(),
            payload_bytes.into(),
        )
        .await
        .map_err(|e| WorkerError::js("publishing work", e))?;
        Ok(work.id())
    }
}
