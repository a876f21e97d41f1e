//! [`Carry`]: the correlation state one batch of events hands to the
//! next.

use std::collections::BTreeSet;

use counterspy_model::Timestamp;
use counterspy_sigma::{Hit, RuleSet};
use serde::{Deserialize, Serialize};

use super::pending::EventRef;

/// Most correlation inputs (hits) a [`Carry`] holds; past it, the oldest
/// are dropped.
pub const MAX_CARRIED_HITS: usize = 100_000;

/// Most reported correlation firings a [`Carry`] remembers; past it, the
/// oldest are forgotten.
pub const MAX_CARRIED_FIRINGS: usize = 10_000;

/// The carry's serialised format; a carry of another format is ignored.
const FORMAT: u32 = 1;

/// Correlation state carried from one batch of events to the next, so
/// that a correlation whose events are split over batches fires as if
/// the batches were one file.
///
/// A carry belongs to one stream of batches (one host's logs, say),
/// hunted one after the other: each run
/// ([`Hunter::run_carried`](crate::Hunter::run_carried),
/// [`Analyzer::analyse_carried`](crate::Analyzer::analyse_carried))
/// takes the carry of the run before and returns the one for the run
/// after. It is plain data (serde), so it can travel between processes
/// as JSON; start with [`Carry::new`].
///
/// # What it holds
///
/// - The hits of the rules correlations refer to from the last
///   [`RuleSet::longest_timespan`] before the newest event seen, with
///   the fields the correlation detections report, minus the hits every
///   correlation is done with (a sliding window fired past them). At most
///   [`MAX_CARRIED_HITS`], the newest.
/// - The correlation firings already reported (correlation rule id, or
///   title without one; group values; time and carried hit of the first
///   contributing hit), while their first hit is inside that window. At
///   most [`MAX_CARRIED_FIRINGS`], the newest.
/// - The newest event time seen (ignoring events more than
///   [`MAX_CLOCK_AHEAD`](crate::MAX_CLOCK_AHEAD) past the wall clock).
/// - The [`RuleSet::fingerprint`] and rule count of the rules it was made
///   with.
///
/// # The guarantee
///
/// A run reports a correlation only if one of its hits is from its own
/// batch and it was not reported before, and resumes every window where
/// the run before left it. Hence, for correlations with lower bounds only
/// (`gt`, `gte`, and `temporal`/`temporal_ordered` without `not`),
/// batches hunted in order with the carry passed along report exactly
/// the correlations one hunt over all of them reports, each once, in the
/// batch that completes it, with the same first and last time, count and
/// group. This holds when:
///
/// - each batch's events are no older than the newest event of the
///   batches before;
/// - no two hits of different batches have the same time (those are
///   taken in batch order, where one hunt over all of them orders hits
///   of the same time by their source's name);
/// - no more than [`MAX_CARRIED_HITS`] hits fall inside the window.
///
/// For correlations with upper bounds (`lt`, `lte`, `eq`, `neq`) or a
/// `temporal` expression with `not`, whose windows do not overlap, the
/// window still open when a batch ends is judged on what that batch saw
/// (as a hunt over one file judges its last window) and judged again
/// with the next batch's hits; it is reported at most once, with the
/// count of the batch that first reported it.
///
/// # What is lost
///
/// - Without the carry (a fresh [`Carry::new`]), a run knows only its own
///   batch, as [`Hunter::run`](crate::Hunter::run) does: correlations
///   straddling the cut are missed, and windows start afresh at it, so
///   they may fire where one hunt over all batches would not.
/// - A carry made with other rules or another format is ignored (the run
///   starts fresh, as above, and the returned carry says so:
///   [`Carry::restarted`]): carried hits are positions in one rule set.
/// - Events older than the window of the carry they meet are correlated
///   only with what the carry still holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Carry {
    pub(super) format: u32,
    pub(super) rules: Option<RulesPrint>,
    /// The newest event time seen, in microseconds.
    pub(super) newest: Option<i64>,
    /// The number the next new hit gets.
    pub(super) next_hit: u64,
    pub(super) hits: Vec<CarriedHit>,
    pub(super) fired: BTreeSet<Fired>,
    #[serde(skip)]
    pub(super) restarted: Option<Restart>,
}

/// Why a run ignored the carry it was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Restart {
    /// It was made with other rules (another fingerprint or rule count).
    OtherRules,
    /// It is of another format (another version of counterspy).
    OtherFormat,
}

/// The rules a carry was made with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct RulesPrint {
    /// [`RuleSet::fingerprint`], 16 hex digits.
    fingerprint: String,
    count: usize,
}

impl RulesPrint {
    pub(super) fn of(rules: &RuleSet) -> RulesPrint {
        RulesPrint {
            fingerprint: format!("{:016x}", rules.fingerprint()),
            count: rules.rules().len(),
        }
    }
}

/// A hit carried to the next run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct CarriedHit {
    pub(super) hit: Hit,
    /// Its event's time, in microseconds.
    pub(super) time: i64,
    /// Its number in the stream of batches, from 0.
    pub(super) serial: u64,
    pub(super) event: EventRef,
    /// The correlation rules done with it.
    #[serde(default)]
    pub(super) settled: Vec<usize>,
}

/// A correlation firing already reported.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize,
)]
pub(super) struct Fired {
    /// The correlation rule's id, or its title.
    pub(super) rule: String,
    pub(super) group: Vec<(String, Option<String>)>,
    /// The time of its first hit, in microseconds.
    pub(super) first: i64,
    /// The [`CarriedHit::serial`] of its first hit.
    pub(super) serial: u64,
}

impl Carry {
    /// An empty carry, for the first batch.
    pub fn new() -> Carry {
        Carry::default()
    }

    /// Whether it holds nothing (no hit, no firing, no time).
    pub fn is_empty(&self) -> bool {
        self.hits.is_empty() && self.fired.is_empty() && self.newest.is_none()
    }

    /// The number of hits carried.
    pub fn hits(&self) -> usize {
        self.hits.len()
    }

    /// The number of reported firings remembered.
    pub fn firings(&self) -> usize {
        self.fired.len()
    }

    /// The newest event time seen so far.
    pub fn newest(&self) -> Option<Timestamp> {
        self.newest.map(Timestamp::from_micros)
    }

    /// The time of the oldest hit carried.
    pub fn oldest_hit(&self) -> Option<Timestamp> {
        self.hits.iter().map(|h| h.time).min().map(Timestamp::from_micros)
    }

    /// Why the run that returned this carry ignored the one it was given
    /// (`None` when it used it, or was given an empty one).
    pub fn restarted(&self) -> Option<Restart> {
        self.restarted
    }

    /// The carry to resume from with the rules of `print`: this one when
    /// it was made with them (capped), else an empty one and why.
    pub(super) fn resume(
        self,
        print: &RulesPrint,
    ) -> (Carry, Option<Restart>) {
        if self.rules.is_none() && self.hits.is_empty() {
            let fresh = Carry { newest: self.newest, ..Carry::default() };
            return (fresh, None);
        }
        let why = if self.format != FORMAT {
            Restart::OtherFormat
        } else if self.rules.as_ref() != Some(print) {
            Restart::OtherRules
        } else {
            return (self.capped(), None);
        };
        (Carry::default(), Some(why))
    }

    /// A carry for the rules of `print` holding `hits` (sorted by time)
    /// and `fired`, capped, minus firings older than `cutoff`.
    pub(super) fn made(
        print: RulesPrint,
        newest: Option<i64>,
        next_hit: u64,
        hits: Vec<CarriedHit>,
        mut fired: BTreeSet<Fired>,
        cutoff: Option<i64>,
    ) -> Carry {
        if let Some(cutoff) = cutoff {
            fired.retain(|f| f.first >= cutoff);
        }
        let carry = Carry {
            format: FORMAT,
            rules: Some(print),
            newest,
            next_hit,
            hits,
            fired,
            restarted: None,
        };
        carry.capped()
    }

    /// Keeps the newest [`MAX_CARRIED_HITS`] hits and
    /// [`MAX_CARRIED_FIRINGS`] firings.
    fn capped(mut self) -> Carry {
        keep_newest(&mut self.hits, MAX_CARRIED_HITS, |h| (h.time, h.serial));
        if self.fired.len() > MAX_CARRIED_FIRINGS {
            let mut fired: Vec<Fired> = self.fired.into_iter().collect();
            keep_newest(&mut fired, MAX_CARRIED_FIRINGS, |f| {
                (f.first, f.serial)
            });
            self.fired = fired.into_iter().collect();
        }
        self
    }

    /// Renames the sources of the carried events: `rename` gives the new
    /// name of a source, or `None` to keep it.
    pub(crate) fn rename_sources(
        &mut self,
        rename: impl Fn(&str) -> Option<String>,
    ) {
        for h in &mut self.hits {
            if let Some(name) = rename(&h.event.source) {
                h.event.source = name;
            }
        }
    }
}

/// Keeps the `max` items of `items` with the largest `key`, in their
/// order by key.
fn keep_newest<T, K: Ord>(
    items: &mut Vec<T>,
    max: usize,
    key: impl Fn(&T) -> K,
) {
    if items.len() <= max {
        return;
    }
    items.sort_by_key(&key);
    let excess = items.len() - max;
    items.drain(..excess);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_newest_drops_the_oldest() {
        let mut v = vec![5, 1, 4, 2, 3];
        keep_newest(&mut v, 3, |&x| x);
        assert_eq!(v, [3, 4, 5]);
        let mut short = vec![2, 1];
        keep_newest(&mut short, 3, |&x| x);
        assert_eq!(short, [2, 1], "under the cap: untouched");
    }

    #[test]
    fn resume_checks_format_and_rules() {
        let print = RulesPrint { fingerprint: "00".into(), count: 1 };
        let made = |print: RulesPrint| {
            Carry::made(print, Some(7), 0, Vec::new(), BTreeSet::new(), None)
        };
        let (same, why) = made(print.clone()).resume(&print);
        assert_eq!((same.newest, why), (Some(7), None));
        let other = RulesPrint { fingerprint: "01".into(), count: 1 };
        let (fresh, why) = made(other).resume(&print);
        assert_eq!((fresh.newest, why), (None, Some(Restart::OtherRules)));
        let mut old = made(print.clone());
        old.format = FORMAT + 1;
        assert_eq!(old.resume(&print).1, Some(Restart::OtherFormat));
        let (empty, why) = Carry::new().resume(&print);
        assert_eq!((empty.is_empty(), why), (true, None));
    }
}
