//! The [`Store`] trait and the types its operations speak.

use counterspy_model::case::{
    Activity, Campaign, Entity, EntityKind, Incident,
};
use counterspy_model::{Case, Severity, Timestamp};
use serde::{Deserialize, Serialize};

use crate::Result;

/// A case database: cases stored under a key, loaded whole, listed, and
/// queried piecewise for the web API.
///
/// The trait is object-safe (`Box<dyn Store>`, `Arc<Mutex<dyn Store>>`)
/// and `Send`, so the server and the workers can hold any backend.
/// Queries on a key that is not stored return [`Error::NotFound`];
/// [`load_case`](Store::load_case) returns `None` instead.
///
/// [`Error::NotFound`]: crate::Error::NotFound
pub trait Store: Send {
    /// Saves `case` under `key`, replacing whatever was stored under it,
    /// in one transaction: readers see the old case or the new one, never
    /// a mix. `updated` is recorded in [`CaseInfo::updated`]; `None` takes
    /// the case's own [`case_time`]. The case itself never holds it.
    fn save_case_at(
        &mut self,
        key: &str,
        case: &Case,
        updated: Option<Timestamp>,
    ) -> Result<CaseInfo>;

    /// Saves `case` under `key` with the case's own [`case_time`]: saving
    /// the same case twice leaves the database exactly as once.
    fn save_case(&mut self, key: &str, case: &Case) -> Result<CaseInfo> {
        self.save_case_at(key, case, None)
    }

    /// The case stored under `key`, equal to the one saved.
    fn load_case(&self, key: &str) -> Result<Option<Case>>;

    /// The summary of the case stored under `key`.
    fn case_info(&self, key: &str) -> Result<Option<CaseInfo>>;

    /// Every stored case, by key.
    fn list_cases(&self) -> Result<Vec<CaseInfo>>;

    /// Deletes the case stored under `key` with everything in it; whether
    /// there was one.
    fn delete_case(&mut self, key: &str) -> Result<bool>;

    /// The incidents of a case, in the case's order.
    fn incidents(&self, key: &str) -> Result<Vec<Incident>>;

    /// The campaigns of a case, in the case's order.
    fn campaigns(&self, key: &str) -> Result<Vec<Campaign>>;

    /// A page of a case's activities, in the case's order (by
    /// [`Activity::id`]).
    fn activities(
        &self,
        key: &str,
        filter: &ActivityFilter,
    ) -> Result<Vec<Activity>>;

    /// The entities of a case, of one kind or all, in the case's order.
    fn entities(
        &self,
        key: &str,
        kind: Option<EntityKind>,
    ) -> Result<Vec<Entity>>;
}

/// What [`Store::list_cases`] shows of a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseInfo {
    /// The key it is stored under.
    pub key: String,
    /// [`Case::name`].
    pub name: String,
    /// How many organisations.
    pub organisations: usize,
    /// How many activities.
    pub activities: usize,
    /// How many incidents.
    pub incidents: usize,
    /// How many campaigns.
    pub campaigns: usize,
    /// When it was saved, as the caller said, else the case's own
    /// [`case_time`]; `None` for a case without times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<Timestamp>,
}

impl CaseInfo {
    /// The summary of `case` stored under `key`.
    pub fn of(key: &str, case: &Case, updated: Option<Timestamp>) -> Self {
        CaseInfo {
            key: key.to_owned(),
            name: case.name.clone(),
            organisations: case.organisations.len(),
            activities: case.activities.len(),
            incidents: case.incidents.len(),
            campaigns: case.campaigns.len(),
            updated,
        }
    }
}

/// The time a case speaks of: its latest activity's. It stands in for the
/// save time when the caller gives none, so that saving is deterministic
/// and never reads the clock.
pub fn case_time(case: &Case) -> Option<Timestamp> {
    case.activities.iter().filter_map(|a| a.time).max()
}

/// Which activities [`Store::activities`] returns: every condition set
/// must hold; then `offset` are skipped and at most `limit` returned.
///
/// ```
/// use counterspy_model::Severity;
/// use counterspy_store::{ActivityFilter, ActivitySource};
/// let filter = ActivityFilter::default()
///     .org("zenit")
///     .min_severity(Severity::High)
///     .source(ActivitySource::Detection)
///     .page(0, 50);
/// assert_eq!(filter.limit, Some(50));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityFilter {
    /// Only this organisation's.
    pub org: Option<String>,
    /// Only this incident's.
    pub incident: Option<String>,
    /// Only this severe or worse.
    pub min_severity: Option<Severity>,
    /// Only findings, or only detections.
    pub source: Option<ActivitySource>,
    /// At most this many.
    pub limit: Option<usize>,
    /// Skip this many first.
    pub offset: usize,
}

impl ActivityFilter {
    /// Only the activities of organisation `org`.
    pub fn org(mut self, org: impl Into<String>) -> Self {
        self.org = Some(org.into());
        self
    }

    /// Only the activities of incident `id`.
    pub fn incident(mut self, id: impl Into<String>) -> Self {
        self.incident = Some(id.into());
        self
    }

    /// Only activities at least `severity`.
    pub fn min_severity(mut self, severity: Severity) -> Self {
        self.min_severity = Some(severity);
        self
    }

    /// Only the activities from `source`: findings or detections.
    pub fn source(mut self, source: ActivitySource) -> Self {
        self.source = Some(source);
        self
    }

    /// Skips `offset` activities and returns at most `limit`.
    pub fn page(mut self, offset: usize, limit: usize) -> Self {
        self.offset = offset;
        self.limit = Some(limit);
        self
    }
}

/// Where an activity comes from ([`ActivityKind`]): the
/// `activities.source` column.
///
/// [`ActivityKind`]: counterspy_model::case::ActivityKind
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
pub enum ActivitySource {
    /// A scanner's finding in a file.
    Finding,
    /// A Sigma rule's detection in an event log.
    Detection,
}
