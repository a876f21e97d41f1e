//! Following results and dead letters: finishing the submissions that
//! wait for them.

use std::sync::Arc;

use counterspy_engine::Analysed;
use counterspy_model::Timestamp;
use counterspy_store::{Outcome, Submissions};
use counterspy_worker::{Followed, Follower};

use super::{Nats, Waiting};

use crate::error::AppResult;
use crate::state::AppState;
use crate::worker::verdict_label;

/// How the error of a dead-lettered submission starts; the reason
/// follows.
pub(super) const DEAD: &str = "dead-lettered by a worker: ";

/// Hands every result and dead letter to [`handle`], for good.
pub(super) async fn run(state: AppState, nats: Arc<Nats>, follower: Follower) {
    let handler = move |followed| {
        let (state, nats) = (state.clone(), Arc::clone(&nats));
        async move { handle(&state, &nats, followed).await }
    };
    follower.run(handler, std::future::pending()).await;
}

/// Finishes the submissions waiting for `followed`'s work id; an
/// unknown id is ignored. A store failure is an error: the message is
/// delivered again.
async fn handle(
    state: &AppState,
    nats: &Nats,
    followed: Followed,
) -> AppResult<()> {
    let (work, kind) = match &followed {
        Followed::Result { id, .. } => (id.clone(), "result"),
        Followed::Dead { id, .. } => (id.clone(), "dead"),
    };
    if nats.first(&work).is_none() {
        state.metrics().followed("unknown");
        return Ok(());
    }
    state.metrics().followed(kind);
    let outcome = outcome(followed);
    // One at a time, until none waits: a twin accepted meanwhile is
    // finished too.
    while let Some(waiting) = nats.first(&work) {
        complete(state, nats, &work, &waiting, &outcome).await?;
    }
    Ok(())
}

/// The outcome a result or dead letter gives.
fn outcome(followed: Followed) -> Outcome {
    match followed {
        Followed::Result { analysed_json, .. } => {
            match serde_json::from_str::<Analysed>(&analysed_json) {
                Ok(a) => Outcome::Done {
                    verdict: a.verdict(),
                    result: analysed_json,
                },
                Err(e) => Outcome::Failed {
                    error: format!("unreadable result: {e}"),
                },
            }
        }
        Followed::Dead { reason, .. } => {
            Outcome::Failed { error: format!("{DEAD}{reason}") }
        }
    }
}

/// Finishes submission `sub` (waiting for `work`) with `outcome`, once:
/// starts and finishes it in one store call, frees its place, and marks
/// its case for correlation.
pub(super) async fn complete(
    state: &AppState,
    nats: &Nats,
    work: &str,
    sub: &Waiting,
    outcome: &Outcome,
) -> AppResult<()> {
    let (key, o) = (sub.id.clone(), outcome.clone());
    let finished = state
        .db()
        .call(move |s| {
            s.start_submission(&key, Timestamp::now())?;
            s.finish_submission(&key, &o, Timestamp::now())
        })
        .await?;
    if nats.untrack(work, &sub.id) {
        state.queue().finished();
    }
    if !finished {
        return Ok(());
    }
    let label = match outcome {
        Outcome::Done { verdict, .. } => verdict_label(*verdict),
        Outcome::Failed { .. } => "failed",
    };
    state.metrics().outcome(label);
    state.mark_dirty(&sub.case);
    Ok(())
}
