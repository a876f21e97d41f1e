//! [`fetch`]: one pull from a durable consumer, bounded in time, for the
//! workers and the follower alike.

use std::time::Duration;

use async_nats::jetstream::Message;
use async_nats::jetstream::consumer::PullConsumer;
use futures_util::StreamExt;

use crate::error::{Result, WorkerError};

/// How long a fetch waits for messages.
const FETCH_EXPIRES: Duration = Duration::from_millis(500);

/// How long past its expiry a fetch is given up: the server that took
/// the request may have died (a cluster node stopping), and its expiry
/// notice will never come.
const FETCH_GRACE: Duration = Duration::from_secs(5);

/// Up to `n` messages of `consumer`, waiting at most [`FETCH_EXPIRES`]
/// (none when the server never answers); `what` names the fetch in
/// errors and logs.
pub(crate) async fn fetch(
    consumer: &PullConsumer,
    n: usize,
    what: &'static str,
) -> Result<Vec<Message>> {
    let mut out = Vec::with_capacity(n);
    let pull = async {
        let mut batch = consumer
            .fetch()
            .max_messages(n)
            .expires(FETCH_EXPIRES)
            .messages()
            .await
            .map_err(|e| WorkerError::js(what, e))?;
        while let Some(m) = batch.next().await {
            match m {
                Ok(m) => out.push(m),
                Err(e) => tracing::warn!(error = %e, "{what}"),
            }
        }
        Ok::<(), WorkerError>(())
    };
    match tokio::time::timeout(FETCH_EXPIRES + FETCH_GRACE, pull).await {
        Ok(result) => result?,
        Err(_) => tracing::warn!("{what}: no answer; fetching again"),
    }
    Ok(out)
}
