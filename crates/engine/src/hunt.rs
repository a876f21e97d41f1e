//! The hunting pipeline: events from EVTX and JSON lines, through the
//! Sigma rules (detection, then correlation), into [`Detection`]s.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use counterspy_events::{EventsError, ReadStats, Reader, ReaderBuilder};
use counterspy_model::{
    Detection, DetectionRule, Event, RuleKind, Severity, Technique, Timestamp,
};
use counterspy_sigma::{
    CorrelationHit, Correlator, Hit, Level, RuleInfo, RuleSet,
};

mod carry;
mod correlate;
mod details;
mod order;
mod pending;
mod samples;

pub use carry::{Carry, MAX_CARRIED_FIRINGS, MAX_CARRIED_HITS, Restart};
pub use pending::MAX_CLOCK_AHEAD;
pub use samples::{SampleCheck, check_rule_samples};

use pending::{Clock, EventRef, Pending};

/// Events between two progress reports of one worker.
const PROGRESS_EVERY: u64 = 1024;

/// Configures a [`Hunter`].
#[derive(Default)]
pub struct HunterBuilder {
    rules: Option<RuleSet>,
    min_level: Option<Severity>,
    threads: usize,
    every_rule: bool,
    max_details: Option<usize>,
}

impl HunterBuilder {
    /// No rules (the hunt only reads: the parse-only floor), every level,
    /// one thread per core.
    pub fn new() -> HunterBuilder {
        HunterBuilder::default()
    }

    /// The compiled Sigma rules.
    pub fn rules(mut self, rules: RuleSet) -> HunterBuilder {
        self.rules = Some(rules);
        self
    }

    /// Reports only detections of rules at this level or above (rules
    /// feeding correlations are still evaluated).
    pub fn min_level(mut self, level: Severity) -> HunterBuilder {
        self.min_level = Some(level);
        self
    }

    /// Worker threads; 0 (the default) is one per core.
    pub fn threads(mut self, threads: usize) -> HunterBuilder {
        self.threads = threads;
        self
    }

    /// Also reports the rules that only feed correlations (Sigma's
    /// `generate: false` base rules), as `investigate` needs every
    /// matched event.
    pub fn every_rule(mut self, yes: bool) -> HunterBuilder {
        self.every_rule = yes;
        self
    }

    /// Most fields in a detection's details (default 6, for timelines).
    pub fn max_details(mut self, fields: usize) -> HunterBuilder {
        self.max_details = Some(fields);
        self
    }

    /// The hunter.
    pub fn build(self) -> Hunter {
        let reader = ReaderBuilder::new().threads(self.threads).build();
        let min_level = self.min_level.unwrap_or(Severity::Info);
        Hunter {
            rules: self.rules,
            min_level,
            reader,
            every_rule: self.every_rule,
            max_details: self.max_details.unwrap_or(details::MAX_DETAILS),
        }
    }
}

/// Runs Sigma rules over event logs.
///
/// Events are read and matched in parallel (one EVTX chunk or batch of
/// JSON lines at a time, so memory does not grow with the input); only
/// hits are kept. Correlation rules run once every event has been read,
/// over the hits of the rules they refer to, in time order; with
/// [`run_carried`](Hunter::run_carried), also over the hits a [`Carry`]
/// brings from earlier batches of the same stream.
pub struct Hunter {
    rules: Option<RuleSet>,
    min_level: Severity,
    reader: Reader,
    every_rule: bool,
    max_details: usize,
}

/// The result of a hunt.
#[derive(Debug, Default)]
pub struct Hunt {
    /// Detections and correlations, by time (then rule title).
    pub detections: Vec<Detection>,
    /// What was read.
    pub stats: ReadStats,
}

/// What the workers collect.
#[derive(Default)]
struct Found {
    /// The detections, in the chunks the workers handed in: a chunk is
    /// appended, never copied into one growing vector (which would copy
    /// every detection again at each doubling).
    detections: Vec<Vec<Detection>>,
    pending: Vec<Pending>,
}

/// Turns the workers' hits into detections and correlation input.
struct Keeper<'r> {
    rules: &'r RuleSet,
    /// Asked which rules correlations need; finds nothing itself.
    wanted: Correlator<'r>,
    /// Per rule, its detections' shared [`DetectionRule`], made at its
    /// first hit.
    made: Vec<OnceLock<Arc<DetectionRule>>>,
    found: Mutex<Found>,
    min_level: Severity,
    every_rule: bool,
    max_details: usize,
}

impl Hunter {
    /// The rules in use, if any.
    pub fn rules(&self) -> Option<&RuleSet> {
        self.rules.as_ref()
    }

    /// Hunts through files, folders and globs. `progress` is called from
    /// the workers now and then with the number of events read since its
    /// last call.
    ///
    /// # Errors
    ///
    /// Only what stops a read altogether (a malformed glob, a thread pool
    /// that cannot start); damaged files and records are counted in
    /// [`Hunt::stats`] and skipped.
    pub fn run(
        &self,
        paths: &[PathBuf],
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Hunt, EventsError> {
        self.run_observed(paths, progress, &|_| ())
    }

    /// [`run`](Hunter::run), also showing `observe` every event read
    /// (from the workers, in no particular order): `investigate` keeps an
    /// inventory of the programs each host ran.
    ///
    /// # Errors
    ///
    /// As [`run`](Hunter::run).
    pub fn run_observed(
        &self,
        paths: &[PathBuf],
        progress: &(dyn Fn(u64) + Sync),
        observe: &(dyn Fn(&Event) + Sync),
    ) -> Result<Hunt, EventsError> {
        let carry = Carry::new();
        Ok(self.run_carried(paths, progress, observe, carry)?.0)
    }

    /// [`run_observed`](Hunter::run_observed) over one batch of a stream
    /// of batches (one host's logs, cut into files): correlations resume
    /// from `carry`, the state the run over the batch before returned,
    /// and the run returns the state for the batch after.
    ///
    /// Carried hits are correlated first, in their order, then this
    /// batch's by time. A correlation is reported only if one of its hits
    /// is from this batch and it was not reported before, so batches
    /// hunted in order with the carry passed along report what one hunt
    /// over all of them would, each correlation once, in the batch that
    /// completes it (exactly so for lower-bound conditions; see [`Carry`]
    /// for the conditions and for what is lost without a carry). A
    /// correlation detection names its first hit's event, which may be
    /// in an earlier batch. A carry made with other rules is ignored, and
    /// the returned carry says so ([`Carry::restarted`]). Without rules,
    /// nothing is correlated and `carry` comes back unchanged.
    ///
    /// # Errors
    ///
    /// As [`run`](Hunter::run).
    pub fn run_carried(
        &self,
        paths: &[PathBuf],
        progress: &(dyn Fn(u64) + Sync),
        observe: &(dyn Fn(&Event) + Sync),
        carry: Carry,
    ) -> Result<(Hunt, Carry), EventsError> {
        let Some(rules) = &self.rules else {
            return Ok((self.read_only(paths, progress, observe)?, carry));
        };
        let keeper = Keeper {
            rules,
            wanted: Correlator::new(rules),
            made: rules.rules().iter().map(|_| OnceLock::new()).collect(),
            found: Mutex::new(Found::default()),
            min_level: self.min_level,
            every_rule: self.every_rule,
            max_details: self.max_details,
        };
        let clock = Clock::new();
        let stats = self.reader.par_for_each_init(
            paths,
            || (Vec::new(), 0u64, i64::MIN),
            |(hits, seen, newest), event| {
                observe(&event);
                clock.see(&event, newest);
                rules.matches(&event, hits);
                if !hits.is_empty() {
                    keeper.keep(&event, hits);
                }
                tick(seen, progress);
            },
        )?;
        let found = keeper.found.into_inner();
        let found = found.unwrap_or_else(|e| e.into_inner());
        let (correlations, carry) = correlate::correlate(
            rules,
            self.min_level,
            found.pending,
            clock.newest(),
            carry,
        );
        let mut detections = gather(found.detections, correlations);
        order::by_time(&mut detections);
        Ok((Hunt { detections, stats }, carry))
    }

    /// Reads and normalises every event, evaluates nothing.
    fn read_only(
        &self,
        paths: &[PathBuf],
        progress: &(dyn Fn(u64) + Sync),
        observe: &(dyn Fn(&Event) + Sync),
    ) -> Result<Hunt, EventsError> {
        let stats = self.reader.par_for_each_init(
            paths,
            || 0u64,
            |seen, event| {
                observe(&event);
                drop(event);
                tick(seen, progress);
            },
        )?;
        Ok(Hunt { detections: Vec::new(), stats })
    }
}

impl Keeper<'_> {
    /// Turns one event's hits into detections and pending correlation
    /// input; empties `hits`.
    fn keep(&self, event: &Event, hits: &mut Vec<Hit>) {
        let event_ref = EventRef::of(event);
        let mut detections = Vec::with_capacity(hits.len());
        let mut pending = Vec::new();
        for hit in hits.drain(..) {
            let Some(info) = self.rules.rules().get(hit.rule) else {
                continue;
            };
            let reported = info.reported || self.every_rule;
            if reported && level(info) >= self.min_level {
                let rule = self.rule(hit.rule, info);
                detections.push(detection(rule, &event_ref, Vec::new()));
            }
            if self.wanted.wants(hit.rule) {
                let time =
                    event_ref.timestamp.unwrap_or(Timestamp::from_micros(0));
                pending.push(Pending { hit, time, event: event_ref.clone() });
            }
        }
        if let Some((last, others)) = detections.split_last_mut() {
            let details = details::of(event, self.max_details);
            others.iter_mut().for_each(|d| d.details.clone_from(&details));
            last.details = details;
        }
        let mut found = self.found.lock().unwrap_or_else(|e| e.into_inner());
        if !detections.is_empty() {
            found.detections.push(detections);
        }
        found.pending.append(&mut pending);
    }

    /// The shared [`DetectionRule`] of rule number `index`.
    fn rule(&self, index: usize, info: &RuleInfo) -> Arc<DetectionRule> {
        let made = self
            .made
            .get(index)
            .map(|cell| cell.get_or_init(|| Arc::new(rule(info))).clone());
        made.unwrap_or_else(|| Arc::new(rule(info)))
    }
}

/// The workers' chunks of detections and the correlations, in one
/// vector allocated once.
fn gather(
    chunks: Vec<Vec<Detection>>,
    more: Vec<Detection>,
) -> Vec<Detection> {
    let total = chunks.iter().map(Vec::len).sum::<usize>() + more.len();
    let mut all = Vec::with_capacity(total);
    chunks.into_iter().for_each(|mut chunk| all.append(&mut chunk));
    all.extend(more);
    all
}

fn tick(seen: &mut u64, progress: &(dyn Fn(u64) + Sync)) {
    *seen += 1;
    if *seen == PROGRESS_EVERY {
        progress(*seen);
        *seen = 0;
    }
}

/// A rule's level as a severity; a rule without one counts as medium.
fn level(info: &RuleInfo) -> Severity {
    match info.level {
        Some(Level::Informational) => Severity::Info,
        Some(Level::Low) => Severity::Low,
        None | Some(Level::Medium) => Severity::Medium,
        Some(Level::High) => Severity::High,
        Some(Level::Critical) => Severity::Critical,
    }
}

fn rule(info: &RuleInfo) -> DetectionRule {
    let kind = match info.kind {
        counterspy_sigma::RuleKind::Correlation => RuleKind::Correlation,
        _ => RuleKind::Detection,
    };
    DetectionRule {
        id: info.id.clone().unwrap_or_else(|| info.title.clone()),
        title: info.title.clone(),
        level: level(info),
        kind,
        techniques: info
            .techniques
            .iter()
            .filter_map(|t| Technique::parse(t))
            .collect(),
        tags: info.tags.clone(),
        path: info.path.display().to_string(),
    }
}

fn detection(
    rule: Arc<DetectionRule>,
    event: &EventRef,
    details: Vec<(String, String)>,
) -> Detection {
    Detection {
        rule,
        timestamp: event.timestamp,
        last: None,
        computer: event.computer.clone(),
        channel: event.channel.clone(),
        event_id: event.event_id,
        record_id: event.record_id,
        source: event.source.clone(),
        details,
        group: Vec::new(),
        count: None,
    }
}

/// A correlation hit as a detection, named after its first hit's
/// event.
fn correlation(
    info: &RuleInfo,
    hit: &CorrelationHit,
    first: &EventRef,
) -> Detection {
    let mut d = detection(Arc::new(rule(info)), first, Vec::new());
    d.timestamp = Some(hit.first);
    d.last = Some(hit.last);
    d.count = Some(hit.count);
    d.group = hit
        .group
        .iter()
        .map(|(field, value)| {
            (field.clone(), value.clone().unwrap_or_default())
        })
        .collect();
    d
}
