//! [`Submitter`]: publishes work.

use async_nats::jetstream::Context;

use std::time::Duration;

use crate::envelope::{Work, WorkKind, sha256};
use crate::error::{Result, WorkerError};
use crate::setup::{Topology, ensure, objects};
use crate::subjects::{events_subject, file_subject};

/// How often a publish is tried before it is an error.
const PUBLISH_ATTEMPTS: u32 = 8;

/// The pause before the second try; it grows by as much each time.
const RETRY_DELAY: Duration = Duration::from_millis(250);

fn bytes_of(v: Vec<u8>) -> bytes::Bytes {
    bytes::Bytes::from(v)
}

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

    /// Submits a batch of events (JSON lines) of `host` in `org`, routed
    /// by organisation and host.
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
        let subject = events_subject(org, host);
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
        let subject = async_nats::Subject::from(subject);
        self.confirmed(subject, &work, bytes_of(payload_bytes)).await?;
        Ok(work.id())
    }

    /// Publishes until JetStream confirms, a few times: a cluster that
    /// is electing a new leader refuses for a moment. The message id
    /// makes a retry of a publish that did land harmless.
    async fn confirmed(
        &self,
        subject: async_nats::Subject,
        work: &Work,
        body: bytes::Bytes,
    ) -> Result<()> {
        let mut last = String::new();
        for attempt in 0..PUBLISH_ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(RETRY_DELAY * attempt).await;
            }
            let sent = self
                .js
                .publish_with_headers(
                    subject.clone(),
                    work.headers(),
                    body.clone(),
                )
                .await;
            match sent {
                Ok(ack) => match ack.await {
                    Ok(_) => return Ok(()),
                    Err(e) => last = e.to_string(),
                },
                Err(e) => last = e.to_string(),
            }
        }
        Err(WorkerError::js("publishing work", last))
    }
}
