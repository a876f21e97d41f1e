//! Reading the results stream back: every result of a case, once each,
//! for correlation (`investigate --from-stream`) and for checks.

use std::collections::BTreeMap;
use std::time::Duration;

use async_nats::jetstream::Context;
use async_nats::jetstream::consumer::{DeliverPolicy, pull};
use counterspy_engine::Analysed;
use futures_util::StreamExt;

use crate::envelope::header;
use crate::error::{Result, WorkerError};
use crate::subjects::{RESULTS_ALL, RESULTS_STREAM, result_subject};

/// Every result on the stream for `case` (all cases when `None`), by
/// work id: a result published twice (a redelivery after the duplicate
/// window) counts once.
///
/// # Errors
///
/// When the stream cannot be read; a result that does not parse is
/// skipped and logged.
pub async fn read(
    js: &Context,
    case: Option<&str>,
) -> Result<BTreeMap<String, Analysed>> {
    let stream = js
        .get_stream(RESULTS_STREAM)
        .await
        .map_err(|e| WorkerError::js("opening the results stream", e))?;
    let total = stream
        .get_info()
        .await
        .map_err(|e| WorkerError::js("reading the results stream", e))?
        .state
        .messages;
    let filter = case.map_or_else(|| RESULTS_ALL.to_string(), result_subject);
    let consumer = stream
        .create_consumer(pull::Config {
            deliver_policy: DeliverPolicy::All,
            filter_subject: filter,
            inactive_threshold: Duration::from_secs(60),
            ..pull::Config::default()
        })
        .await
        .map_err(|e| WorkerError::js("reading the results stream", e))?;
    let mut out = BTreeMap::new();
    let mut seen = 0u64;
    let mut messages = consumer
        .messages()
        .await
        .map_err(|e| WorkerError::js("reading the results stream", e))?;
    while seen < total {
        let next =
            tokio::time::timeout(Duration::from_secs(2), messages.next());
        let Ok(Some(Ok(msg))) = next.await else { break };
        seen = msg.info().map_or(seen + 1, |i| i.stream_sequence);
        let id = msg
            .headers
            .as_ref()
            .and_then(|h| h.get(header::ID))
            .map(|v| v.as_str().to_string());
        let _ = msg.ack().await;
        let Some(id) = id else { continue };
        match serde_json::from_slice::<Analysed>(&msg.payload) {
            Ok(a) => {
                out.entry(id).or_insert(a);
            }
            Err(e) => tracing::warn!(error = %e, "unreadable result"),
        }
    }
    Ok(out)
}
