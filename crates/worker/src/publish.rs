//! Publishing until JetStream confirms (or [`PATIENCE`] runs out), for
//! work, results and dead letters alike: a cluster electing a new leader refuses for a moment,
//! and a retry of a publish that did land is harmless (the message id
//! de-duplicates it).

use std::time::Duration;

use async_nats::HeaderMap;
use async_nats::jetstream::Context;

/// How long a publish is retried before it is an error: a 3-node
/// cluster that lost a node elects new stream leaders within seconds,
/// more on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(30);

/// The pause before the second try; it grows by as much each time, up
/// to [`MAX_DELAY`].
const RETRY_DELAY: Duration = Duration::from_millis(250);

/// The longest pause between two tries.
const MAX_DELAY: Duration = Duration::from_secs(2);

/// Publishes `body` to `subject` until JetStream confirms it; the last
/// error when it never does.
pub(crate) async fn confirmed(
    js: &Context,
    subject: &str,
    headers: HeaderMap,
    body: bytes::Bytes,
) -> Result<(), String> {
    let subject = async_nats::Subject::from(subject);
    let start = tokio::time::Instant::now();
    let mut attempt = 0;
    loop {
        let sent = js
            .publish_with_headers(
                subject.clone(),
                headers.clone(),
                body.clone(),
            )
            .await;
        let last = match sent {
            Ok(ack) => match ack.await {
                Ok(_) => return Ok(()),
                Err(e) => e.to_string(),
            },
            Err(e) => e.to_string(),
        };
        if start.elapsed() >= PATIENCE {
            return Err(last);
        }
        attempt += 1;
        tokio::time::sleep((RETRY_DELAY * attempt).min(MAX_DELAY)).await;
    }
}
