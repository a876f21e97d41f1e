//! The background tasks: analysis workers, start-up recovery and the
//! case correlator.
//!
//! A submission goes `queued → running → done | failed`. A worker marks
//! it running (counting the attempt), analyses the file on the blocking
//! pool, and stores the outcome only if the submission is still running,
//! so it completes exactly once even if a crash made it run twice. At
//! start-up every unfinished submission is queued again, except one that
//! has been started `max_attempts` times already: the server died under
//! it each time, so it is marked failed with that reason instead of
//! taking the server down again.

use std::time::Instant;

use counterspy_engine::Analysed;
use counterspy_model::Timestamp;
use counterspy_store::{Outcome, Store, Submission, Submissions};

use crate::error::AppResult;
use crate::state::AppState;

/// Queues every unfinished submission again and spawns the analysis
/// workers; returns how many were queued again.
pub(crate) async fn start(state: &AppState) -> AppResult<usize> {
    let recovered = recover(state).await?;
    for _ in 0..state.config().workers {
        tokio::spawn(analyse_queued(state.clone()));
    }
    Ok(recovered)
}

/// Queues every unfinished submission again; returns how many.
///
/// # Errors
///
/// When the store cannot be read.
pub async fn recover(state: &AppState) -> AppResult<usize> {
    let ids = state.db().call(|s| s.unfinished_submissions()).await?;
    let max = state.config().max_attempts;
    let mut queued = 0;
    for id in ids {
        let key = id.clone();
        let Some(sub) = state.db().call(move |s| s.submission(&key)).await?
        else {
            continue;
        };
        if sub.attempts >= max {
            give_up(state, &sub).await?;
        } else {
            state.queue().push_recovered(id);
            queued += 1;
        }
    }
    Ok(queued)
}

async fn give_up(state: &AppState, sub: &Submission) -> AppResult<()> {
    let error = format!(
        "the analysis did not finish in {} attempts (the server stopped \
         under it each time)",
        sub.attempts
    );
    let id = sub.id.clone();
    tracing::warn!(submission = %id, "{error}");
    state
        .db()
        .call(move |s| {
            s.finish_submission(
                &id,
                &Outcome::Failed { error },
                Timestamp::now(),
            )
        })
        .await?;
    state.metrics().analysed("failed", std::time::Duration::ZERO);
    Ok(())
}

/// One worker: analyses queued submissions until the queue closes.
pub async fn analyse_queued(state: AppState) {
    while let Some(id) = state.queue().next().await {
        if let Err(e) = process(&state, &id).await {
            tracing::error!(submission = %id, error = %e, "analysis failed");
        }
        state.queue().finished();
    }
}

async fn process(state: &AppState, id: &str) -> AppResult<()> {
    let key = id.to_string();
    let started = state
        .db()
        .call(move |s| s.start_submission(&key, Timestamp::now()))
        .await?;
    if !started {
        return Ok(());
    }
    let key = id.to_string();
    let Some(sub) = state.db().call(move |s| s.submission(&key)).await? else {
        return Ok(());
    };
    let clock = Instant::now();
    let outcome = analyse(state, &sub).await;
    let label = match &outcome {
        Outcome::Done { verdict, .. } => verdict_label(*verdict),
        Outcome::Failed { .. } => "failed",
    };
    let key = id.to_string();
    let finished = state
        .db()
        .call(move |s| s.finish_submission(&key, &outcome, Timestamp::now()))
        .await?;
    if finished {
        state.metrics().analysed(label, clock.elapsed());
        state.mark_dirty(&sub.case_key);
    }
    Ok(())
}

async fn analyse(state: &AppState, sub: &Submission) -> Outcome {
    let analyzer = std::sync::Arc::clone(state.analyzer());
    let path = state.config().uploads().join(&sub.id);
    let (org, name) = (sub.org.clone(), sub.name.clone());
    let joined = tokio::task::spawn_blocking(move || {
        analyzer.analyse(&org, path, &name)
    })
    .await;
    match joined {
        Ok(Ok(analysed)) => done(&analysed),
        Ok(Err(e)) => Outcome::Failed { error: e.to_string() },
        Err(e) => Outcome::Failed { error: format!("analysis crashed: {e}") },
    }
}

fn done(analysed: &Analysed) -> Outcome {
    match serde_json::to_string(analysed) {
        Ok(result) => Outcome::Done { verdict: analysed.verdict(), result },
        Err(e) => Outcome::Failed { error: format!("storing result: {e}") },
    }
}

pub(crate) fn verdict_label(v: counterspy_model::Verdict) -> &'static str {
    match v {
        counterspy_model::Verdict::Clean => "clean",
        counterspy_model::Verdict::Suspicious => "suspicious",
        counterspy_model::Verdict::Malicious => "malicious",
    }
}

/// The correlator: whenever analyses finish, correlates their cases
/// again (several finishing together are correlated once).
pub async fn correlate_dirty(state: AppState) {
    loop {
        for key in state.dirty_cases().await {
            let st = state.clone();
            let clock = Instant::now();
            let joined =
                tokio::task::spawn_blocking(move || rebuild(&st, &key)).await;
            match joined {
                Ok(Ok(())) => state.metrics().rebuilt(clock.elapsed()),
                Ok(Err(e)) => tracing::error!(error = %e, "correlation"),
                Err(e) => tracing::error!(error = %e, "correlation crashed"),
            }
        }
    }
}

/// Correlates every finished submission of case `key` and saves the
/// case under `key`.
///
/// # Errors
///
/// When the store fails.
pub fn rebuild(state: &AppState, key: &str) -> counterspy_store::Result<()> {
    let rows = state.db().call_blocking(|s| s.case_results(key))?;
    let results = rows.into_iter().filter_map(|(sub, json)| {
        match serde_json::from_str::<Analysed>(&json) {
            Ok(a) => Some(a),
            Err(e) => {
                tracing::error!(submission = %sub.id, error = %e, "result");
                None
            }
        }
    });
    let case = state.analyzer().correlate(key, results);
    state.db().call_blocking(|s| s.save_case(key, &case))?;
    Ok(())
}
