//! The [`Submissions`] trait: the web server's job queue of uploaded
//! evidence, kept in the case database so it survives restarts.

use counterspy_model::case::EvidenceKind;
use counterspy_model::{Timestamp, Verdict};
use serde::{Deserialize, Serialize};

use crate::Result;

/// The uploaded files of `counterspy serve`, each a job that goes
/// `queued` → `running` → `done` or `failed`.
///
/// [`start_submission`](Submissions::start_submission) may run a job
/// again (after a crash, say): every start counts an attempt. Only a
/// running job finishes, so it finishes once:
/// [`finish_submission`](Submissions::finish_submission) on a job that
/// is not running changes nothing and says so. Results are JSON text the
/// store keeps without reading.
///
/// ```
/// use counterspy_model::case::EvidenceKind;
/// use counterspy_model::{Timestamp, Verdict};
/// use counterspy_store::{
///     NewSubmission, Outcome, SqliteStore, SubmissionStatus, Submissions,
/// };
///
/// let mut store = SqliteStore::open_in_memory()?;
/// let at = Timestamp::from_micros(1_000_000);
/// let new = NewSubmission {
///     id: "5f0c…".into(),
///     case_key: "uploads/zenit".into(),
///     org: "zenit".into(),
///     name: "lure.eml".into(),
///     kind: EvidenceKind::File,
///     size: 2048,
///     sha256: "ab".repeat(32),
///     submitter: "ci".into(),
///     received: at,
/// };
/// store.add_submission(&new)?;
/// assert!(store.start_submission(&new.id, at)?);
/// let done = Outcome::Done {
///     verdict: Verdict::Malicious,
///     result: "{}".into(),
/// };
/// assert!(store.finish_submission(&new.id, &done, at)?);
/// assert!(!store.finish_submission(&new.id, &done, at)?, "only once");
/// let stored = store.submission(&new.id)?.unwrap();
/// assert_eq!(stored.status, SubmissionStatus::Done);
/// assert_eq!(store.submission_result(&new.id)?.as_deref(), Some("{}"));
/// # Ok::<(), counterspy_store::Error>(())
/// ```
pub trait Submissions: Send {
    /// Persists a new submission as `queued`, with no attempts yet.
    /// An id already stored is [`Error::Duplicate`].
    ///
    /// [`Error::Duplicate`]: crate::Error::Duplicate
    fn add_submission(&mut self, new: &NewSubmission) -> Result<Submission>;

    /// The submission with id `id`.
    fn submission(&self, id: &str) -> Result<Option<Submission>>;

    /// The submissions `filter` selects, newest first (the reverse of
    /// the order they were added in).
    fn list_submissions(
        &self,
        filter: &SubmissionFilter,
    ) -> Result<Vec<Submission>>;

    /// Marks a queued or running submission `running`, started `at`,
    /// and counts the attempt. `false` when the id is unknown or the
    /// submission is already done or failed.
    fn start_submission(&mut self, id: &str, at: Timestamp) -> Result<bool>;

    /// Finishes a running submission with `outcome`, finished `at`, in
    /// one statement: `done` with its verdict and result, or `failed`
    /// with its error, and counts the completion. `false` when it was not
    /// running (unknown, queued, or finished already), so a submission
    /// completes exactly once.
    fn finish_submission(
        &mut self,
        id: &str,
        outcome: &Outcome,
        at: Timestamp,
    ) -> Result<bool>;

    /// The result JSON of the submission `id`, if it is done.
    fn submission_result(&self, id: &str) -> Result<Option<String>>;

    /// The ids of the queued and running submissions, oldest first: the
    /// jobs to run again after a restart.
    fn unfinished_submissions(&self) -> Result<Vec<String>>;

    /// Every done submission of case `case_key` with its result JSON,
    /// oldest first.
    fn case_results(
        &self,
        case_key: &str,
    ) -> Result<Vec<(Submission, String)>>;

    /// How many submissions are in each status, every status listed (in
    /// [`SubmissionStatus::ALL`] order), zeros included.
    fn submission_counts(&self) -> Result<Vec<(SubmissionStatus, u64)>>;
}

/// Where a submission is in its life.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum SubmissionStatus {
    /// Waiting for a worker.
    Queued,
    /// Taken by a worker (or by one that crashed: see
    /// [`Submissions::unfinished_submissions`]).
    Running,
    /// Finished with a verdict and a result.
    Done,
    /// Finished with an error.
    Failed,
}

impl SubmissionStatus {
    /// Every status, in the order of the life of a submission.
    pub const ALL: [SubmissionStatus; 4] = [
        SubmissionStatus::Queued,
        SubmissionStatus::Running,
        SubmissionStatus::Done,
        SubmissionStatus::Failed,
    ];

    /// Whether the submission is finished: done or failed.
    pub fn is_final(self) -> bool {
        matches!(self, SubmissionStatus::Done | SubmissionStatus::Failed)
    }
}

/// A submission as it arrives: what
/// [`Submissions::add_submission`] stores.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSubmission {
    /// Its id, made by the server (a UUID).
    pub id: String,
    /// The key of the case it goes into.
    pub case_key: String,
    /// The organisation it comes from.
    pub org: String,
    /// The client's file name, for display only.
    pub name: String,
    /// How it is analysed.
    pub kind: EvidenceKind,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, hex.
    pub sha256: String,
    /// Who uploaded it (a token's name).
    pub submitter: String,
    /// When it arrived.
    pub received: Timestamp,
}

/// A stored submission.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    /// Its id, made by the server (a UUID).
    pub id: String,
    /// The key of the case it goes into.
    pub case_key: String,
    /// The organisation it comes from.
    pub org: String,
    /// The client's file name, for display only.
    pub name: String,
    /// How it is analysed.
    pub kind: EvidenceKind,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, hex.
    pub sha256: String,
    /// Who uploaded it (a token's name).
    pub submitter: String,
    /// When it arrived.
    pub received: Timestamp,
    /// Where it is in its life.
    pub status: SubmissionStatus,
    /// The verdict, once done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    /// What went wrong, once failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// When its latest attempt started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<Timestamp>,
    /// When it finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished: Option<Timestamp>,
    /// How many times it was started.
    pub attempts: u32,
    /// How many times it finished: 0, then 1 for good.
    pub completions: u32,
}

impl Submission {
    /// The submission `new` as added: queued, never started.
    pub fn queued(new: &NewSubmission) -> Submission {
        Submission {
            id: new.id.clone(),
            case_key: new.case_key.clone(),
            org: new.org.clone(),
            name: new.name.clone(),
            kind: new.kind,
            size: new.size,
            sha256: new.sha256.clone(),
            submitter: new.submitter.clone(),
            received: new.received,
            status: SubmissionStatus::Queued,
            verdict: None,
            error: None,
            started: None,
            finished: None,
            attempts: 0,
            completions: 0,
        }
    }
}

/// How a run of a submission ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Outcome {
    /// Analysed: the verdict and the result.
    Done {
        /// The verdict.
        verdict: Verdict,
        /// The result as JSON text, stored as given.
        result: String,
    },
    /// Not analysed.
    Failed {
        /// What went wrong.
        error: String,
    },
}

/// Which submissions [`Submissions::list_submissions`] returns: every
/// condition set must hold; then `offset` are skipped and at most
/// `limit` returned.
///
/// ```
/// use counterspy_store::{SubmissionFilter, SubmissionStatus};
/// let filter = SubmissionFilter::default()
///     .case_key("uploads/zenit")
///     .status(SubmissionStatus::Failed)
///     .page(0, 20);
/// assert_eq!(filter.limit, Some(20));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SubmissionFilter {
    /// Only this case's.
    pub case_key: Option<String>,
    /// Only those in this status.
    pub status: Option<SubmissionStatus>,
    /// At most this many.
    pub limit: Option<usize>,
    /// Skip this many first.
    pub offset: usize,
}

impl SubmissionFilter {
    /// Only the submissions of case `key`.
    pub fn case_key(mut self, key: impl Into<String>) -> Self {
        self.case_key = Some(key.into());
        self
    }

    /// Only the submissions in `status`.
    pub fn status(mut self, status: SubmissionStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Skips `offset` submissions and returns at most `limit`.
    pub fn page(mut self, offset: usize, limit: usize) -> Self {
        self.offset = offset;
        self.limit = Some(limit);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_done_and_failed_are_final() {
        let finals: Vec<bool> =
            SubmissionStatus::ALL.iter().map(|s| s.is_final()).collect();
        assert_eq!(finals, [false, false, true, true]);
    }

    #[test]
    fn outcomes_serialize_tagged() {
        let failed = Outcome::Failed { error: "zip bomb".into() };
        let json = serde_json::to_string(&failed).unwrap();
        assert_eq!(json, r#"{"status":"failed","error":"zip bomb"}"#);
    }
}
