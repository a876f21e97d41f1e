//! Publishing accepted submissions, and finishing those that cannot
//! be published (or need not be).

use std::sync::Arc;

use counterspy_model::Timestamp;
use counterspy_store::{
    Outcome, Submission, SubmissionFilter, SubmissionStatus, Submissions,
};
use counterspy_worker::WorkerError;

use super::Nats;
use super::follow::{DEAD, complete};

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Sends the just-accepted `subs` (stored, their places held) to the
/// workers. Each waits for its work id first; one whose twin finished
/// within the duplicate window is finished like it.
///
/// # Errors
///
/// [`AppError::Unavailable`] when JetStream does not take a file: that
/// submission and every one after it are failed.
pub(crate) async fn accepted(
    state: &AppState,
    nats: &Arc<Nats>,
    subs: &[Submission],
) -> AppResult<()> {
    for sub in subs {
        nats.track(sub);
    }
    let todo = match reuse(state, nats, subs).await {
        Ok(todo) => todo,
        Err(e) => {
            // Publishing a twin's work again is harmless: at worst
            // JetStream drops it and the submission waits for a restart.
            tracing::error!(error = %e, "looking for finished twins");
            subs.iter().collect()
        }
    };
    for (i, sub) in todo.iter().enumerate() {
        if let Err(why) = send(state, nats, sub).await {
            tracing::error!(submission = %sub.id, %why, "publishing");
            let error = format!("publishing to NATS failed: {why}");
            for rest in todo.iter().skip(i) {
                fail(state, nats, rest, &error).await?;
            }
            state.metrics().rejected("nats-unavailable");
            return Err(AppError::Unavailable(
                "the work queue (NATS) did not take a file; its submission \
                 and those after it are marked failed"
                    .into(),
            ));
        }
    }
    Ok(())
}

/// Publishes the unfinished `subs` again after a restart; one that
/// cannot be published is failed.
pub(super) async fn republish(
    state: &AppState,
    nats: &Arc<Nats>,
    subs: Vec<Submission>,
) {
    for sub in &subs {
        if let Err(why) = send(state, nats, sub).await {
            tracing::error!(submission = %sub.id, %why, "publishing again");
            let error = format!("publishing to NATS failed: {why}");
            if let Err(e) = fail(state, nats, sub, &error).await {
                tracing::error!(submission = %sub.id, error = %e, "store");
            }
        }
    }
}

/// Publishes the stored file of `sub`.
async fn send(
    state: &AppState,
    nats: &Nats,
    sub: &Submission,
) -> Result<(), WorkerError> {
    let path = state.config().uploads().join(&sub.id);
    let bytes = tokio::fs::read(&path).await.map_err(|source| {
        WorkerError::Io { what: "reading the upload", source }
    })?;
    let id =
        nats.submitter.file(&sub.org, &sub.case_key, &sub.name, bytes).await?;
    if id != Nats::work_id(sub) {
        tracing::error!(submission = %sub.id, work = %id, "unexpected work id");
    }
    state.metrics().published();
    Ok(())
}

/// Finishes `sub` as failed with `error` (it waits no more).
async fn fail(
    state: &AppState,
    nats: &Nats,
    sub: &Submission,
    error: &str,
) -> AppResult<()> {
    let outcome = Outcome::Failed { error: error.to_string() };
    let work = Nats::work_id(sub);
    complete(state, nats, &work, &sub.into(), &outcome).await
}

/// Finishes each of `subs` that has a twin (same case, organisation,
/// name and content: the same work id) finished by a worker within the
/// duplicate window, whose publish JetStream would drop, with the
/// twin's outcome; returns the others.
async fn reuse<'s>(
    state: &AppState,
    nats: &Nats,
    subs: &'s [Submission],
) -> AppResult<Vec<&'s Submission>> {
    let Some(first) = subs.first() else { return Ok(Vec::new()) };
    let window = nats.topology.duplicate_window;
    let since = Timestamp::now()
        .as_micros()
        .saturating_sub(i64::try_from(window.as_micros()).unwrap_or(i64::MAX));
    let key = first.case_key.clone();
    let wanted: Vec<Submission> = subs.to_vec();
    let twins = state
        .db()
        .call(move |s| {
            let filter = SubmissionFilter::default().case_key(key);
            let done: Vec<Submission> = s
                .list_submissions(&filter)?
                .into_iter()
                .filter(|t| t.finished.is_some_and(|f| f.as_micros() >= since))
                .collect();
            let mut out = Vec::new();
            for sub in &wanted {
                let twin = done.iter().find(|t| is_twin(t, sub));
                out.push(match twin {
                    Some(t) => outcome_of(t, s.submission_result(&t.id)?),
                    None => None,
                });
            }
            Ok(out)
        })
        .await?;
    let mut todo = Vec::new();
    for (sub, twin) in subs.iter().zip(twins) {
        match twin {
            Some(outcome) => {
                let work = Nats::work_id(sub);
                complete(state, nats, &work, &sub.into(), &outcome).await?;
            }
            None => todo.push(sub),
        }
    }
    Ok(todo)
}

fn is_twin(t: &Submission, sub: &Submission) -> bool {
    t.id != sub.id
        && t.org == sub.org
        && t.case_key == sub.case_key
        && t.name == sub.name
        && t.sha256 == sub.sha256
}

/// The outcome the finished twin `t` (with `result`) ended with: done,
/// or failed by a dead letter; `None` for any other failure (a publish
/// that failed was never de-duplicated).
fn outcome_of(t: &Submission, result: Option<String>) -> Option<Outcome> {
    match (t.status, t.verdict, result, &t.error) {
        (SubmissionStatus::Done, Some(verdict), Some(result), _) => {
            Some(Outcome::Done { verdict, result })
        }
        (SubmissionStatus::Failed, _, _, Some(e)) if e.starts_with(DEAD) => {
            Some(Outcome::Failed { error: e.clone() })
        }
        _ => None,
    }
}
