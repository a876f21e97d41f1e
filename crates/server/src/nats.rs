//! `serve --nats`: submissions analysed by `counterspy worker`s on NATS
//! JetStream instead of by this server.
//!
//! An accepted submission is stored as ever (file synced, row written),
//! then its file is published with [`Submitter::file`] under the
//! organisation, case and name it was stored with, and it stays
//! `queued`. Its work id ([`Work::id`]: kind, organisation, case, name,
//! content hash) is recomputed from the row, and the server keeps which
//! unfinished submissions wait for which work id. A [`Follower`] with
//! its own durable consumers ([`CONSUMER`]) reads the results and dead
//! letters: a result finishes the submissions waiting for its id as
//! `done` (and marks their case for correlation, as a local analysis
//! does), a dead letter finishes them as `failed` with its reason; a
//! message is acked only once its submissions are finished, and one for
//! no waiting submission is acked and ignored.
//!
//! At start-up every unfinished submission waits again and is published
//! again: the work id de-duplicates a publish JetStream still holds, and
//! a result that came while the server was down waits on the durable
//! consumer. A publish that fails answers 503 and fails the submission.
//!
//! The same file in the same case under the same name has the same work
//! id, and JetStream drops its publish within the duplicate window; so a
//! submission whose twin finished within that window is finished with
//! the twin's outcome at once instead of being published.

mod follow;
mod publish;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_nats::jetstream::Context;
use counterspy_store::{Submission, Submissions};
use counterspy_worker::{
    Follower, Submitter, Topology, Work, WorkKind, WorkerError,
};

use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub(crate) use publish::accepted;

/// The durable consumer name `counterspy serve` follows results with.
/// One server per name: two servers of one name would share (split) the
/// results.
pub const CONSUMER: &str = "cs-serve";

/// The NATS side of a server: where work goes, and which submissions
/// wait for which work id.
pub struct Nats {
    js: Context,
    topology: Topology,
    durable: String,
    submitter: Submitter,
    waiting: Mutex<HashMap<String, Vec<Waiting>>>,
}

/// A submission waiting for a work id.
#[derive(Clone, Debug)]
struct Waiting {
    id: String,
    case: String,
}

impl From<&Submission> for Waiting {
    fn from(sub: &Submission) -> Waiting {
        Waiting { id: sub.id.clone(), case: sub.case_key.clone() }
    }
}

impl Nats {
    /// Connects to the NATS server(s) at `url` (comma-separated for a
    /// cluster) and creates the streams when missing; results will be
    /// followed with the durable consumers named `durable`.
    ///
    /// # Errors
    ///
    /// When no server answers or the streams cannot be created.
    pub async fn connect(
        url: &str,
        topology: Topology,
        durable: &str,
    ) -> Result<Nats, WorkerError> {
        let js = counterspy_worker::connect(url).await?;
        let submitter = Submitter::new(js.clone(), topology.clone()).await?;
        Ok(Nats {
            js,
            topology,
            durable: durable.to_string(),
            submitter,
            waiting: Mutex::default(),
        })
    }

    /// The work id a worker gives the file of `sub`.
    pub fn work_id(sub: &Submission) -> String {
        Work {
            kind: WorkKind::File,
            org: sub.org.clone(),
            case: sub.case_key.clone(),
            name: sub.name.clone(),
            sha256: sub.sha256.clone(),
            object: None,
        }
        .id()
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<String, Vec<Waiting>>> {
        self.waiting.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `sub` waits for its work id.
    fn track(&self, sub: &Submission) {
        let w = Waiting::from(sub);
        self.lock().entry(Nats::work_id(sub)).or_default().push(w);
    }

    /// The first submission waiting for `work`, if any.
    fn first(&self, work: &str) -> Option<Waiting> {
        self.lock().get(work).and_then(|w| w.first().cloned())
    }

    /// Submission `id` waits no more; `false` when it did not wait.
    fn untrack(&self, work: &str, id: &str) -> bool {
        let mut map = self.lock();
        let Some(list) = map.get_mut(work) else { return false };
        let before = list.len();
        list.retain(|w| w.id != id);
        let removed = list.len() < before;
        if list.is_empty() {
            map.remove(work);
        }
        removed
    }
}

/// Starts `serve --nats`: every unfinished submission waits for its
/// result again and is published again (in the background), and the
/// follower starts; returns how many submissions wait.
///
/// # Errors
///
/// When the store cannot be read or the follower's consumers cannot be
/// created.
pub(crate) async fn start(
    state: &AppState,
    nats: &Arc<Nats>,
) -> AppResult<usize> {
    let follower =
        Follower::new(nats.js.clone(), &nats.topology, &nats.durable)
            .await
            .map_err(AppError::internal)?;
    let subs = unfinished(state).await?;
    for sub in &subs {
        nats.track(sub);
        state.queue().hold_recovered();
    }
    let n = subs.len();
    tokio::spawn(follow::run(state.clone(), Arc::clone(nats), follower));
    let (st, na) = (state.clone(), Arc::clone(nats));
    tokio::spawn(async move { publish::republish(&st, &na, subs).await });
    Ok(n)
}

/// The queued and running submissions, oldest first.
async fn unfinished(state: &AppState) -> AppResult<Vec<Submission>> {
    state
        .db()
        .call(|s| {
            let ids = s.unfinished_submissions()?;
            let subs = ids.iter().map(|id| s.submission(id));
            let subs: Vec<Option<Submission>> =
                subs.collect::<Result<_, _>>()?;
            Ok(subs.into_iter().flatten().collect())
        })
        .await
}
