//! The correlation step of a hunt: carried hits first, then the batch's,
//! through the [`Correlator`]; what is new becomes detections, what may
//! still matter becomes the next [`Carry`].

use std::collections::BTreeSet;

use counterspy_model::{Detection, Severity, Timestamp};
use counterspy_sigma::{Correlated, CorrelationHit, Correlator, Hit, RuleSet};

use super::carry::{CarriedHit, Carry, Fired, RulesPrint};
use super::pending::{EventRef, Pending};
use super::{correlation, level};

/// One pushed hit (carried or of this batch), by push number.
struct Entry {
    time: i64,
    serial: u64,
    event: EventRef,
    /// A copy of the hit, kept when it is inside the window to carry.
    kept: Option<Hit>,
}

/// The state of one correlation step.
struct Step<'r> {
    rules: &'r RuleSet,
    print: RulesPrint,
    /// The carry it resumes from (its hits are moved out).
    prior: Carry,
    /// How many pushes were carried hits.
    carried: usize,
    entries: Vec<Entry>,
    /// Hits older than this (microseconds) are not carried on.
    cutoff: Option<i64>,
}

/// Correlates `pending` (this batch's hits) after the hits of `carry`;
/// returns the new correlation detections at `min_level` or above and
/// the carry for the next batch. `newest` is the newest event time of
/// this batch.
pub(super) fn correlate(
    rules: &RuleSet,
    min_level: Severity,
    pending: Vec<Pending>,
    newest: Option<i64>,
    carry: Carry,
) -> (Vec<Detection>, Carry) {
    let print = RulesPrint::of(rules);
    let (mut prior, restarted) = carry.resume(&print);
    prior.newest = prior.newest.max(newest);
    let span = rules.longest_timespan().map(|d| d.as_micros());
    let span = span.map_or(0, |s| i64::try_from(s).unwrap_or(i64::MAX));
    let cutoff = prior.newest.map(|n| n.saturating_sub(span));
    let mut step =
        Step { rules, print, prior, carried: 0, entries: Vec::new(), cutoff };
    let correlator = step.push_all(pending);
    let done = correlator.finish_resumable();
    let (detections, fired) = step.report(&done, min_level);
    let mut next = step.next(&done, fired);
    next.restarted = restarted;
    (detections, next)
}

impl<'r> Step<'r> {
    /// Pushes the carried hits (in their order), then `pending` sorted
    /// by time, then source: push order decides ties, and must not
    /// depend on thread timing.
    fn push_all(&mut self, mut pending: Vec<Pending>) -> Correlator<'r> {
        let mut correlator = Correlator::new(self.rules);
        let carried = std::mem::take(&mut self.prior.hits);
        self.carried = carried.len();
        for c in carried {
            let time = Timestamp::from_micros(c.time);
            let hit = self.keep(c.time, c.serial, c.event, c.hit);
            correlator.push_carried(hit, time, c.settled);
        }
        pending.sort_by(|a, b| {
            (a.time, &a.event.source).cmp(&(b.time, &b.event.source))
        });
        for p in pending {
            let serial = self.prior.next_hit;
            self.prior.next_hit = serial.saturating_add(1);
            let hit = self.keep(p.time.as_micros(), serial, p.event, p.hit);
            correlator.push(hit, p.time);
        }
        correlator
    }

    /// Records a pushed hit (keeping a copy when it may be carried on)
    /// and hands it back for the correlator.
    fn keep(
        &mut self,
        time: i64,
        serial: u64,
        event: EventRef,
        hit: Hit,
    ) -> Hit {
        let inside = self.cutoff.is_none_or(|c| time >= c);
        let kept = inside.then(|| hit.clone());
        self.entries.push(Entry { time, serial, event, kept });
        hit
    }

    /// The correlation hits with a hit of this batch that were not
    /// reported before, as detections (at `min_level` or above), and
    /// every firing reported so far.
    fn report(
        &self,
        done: &Correlated,
        min_level: Severity,
    ) -> (Vec<Detection>, BTreeSet<Fired>) {
        let mut fired = self.prior.fired.clone();
        let mut detections = Vec::new();
        for hit in &done.hits {
            let new = hit.hits.iter().any(|&i| i >= self.carried);
            let Some(key) = self.key(hit).filter(|_| new) else { continue };
            if !fired.insert(key) {
                continue;
            }
            let Some(info) = self.rules.rules().get(hit.rule) else {
                continue;
            };
            let first = hit.hits.first().and_then(|&i| self.entries.get(i));
            if let Some(first) = first.filter(|_| level(info) >= min_level) {
                detections.push(correlation(info, hit, &first.event));
            }
        }
        (detections, fired)
    }

    /// What identifies a firing across runs.
    fn key(&self, hit: &CorrelationHit) -> Option<Fired> {
        let info = self.rules.rules().get(hit.rule)?;
        let first = self.entries.get(*hit.hits.first()?)?;
        Some(Fired {
            rule: info.id.clone().unwrap_or_else(|| info.title.clone()),
            group: hit.group.clone(),
            first: hit.first.as_micros(),
            serial: first.serial,
        })
    }

    /// The carry for the next batch: the kept hits some correlation may
    /// still use, sorted by time then push order.
    fn next(self, done: &Correlated, fired: BTreeSet<Fired>) -> Carry {
        let mut hits = Vec::new();
        for (i, e) in self.entries.into_iter().enumerate() {
            let Some(hit) = e.kept.filter(|_| !done.spent(i)) else {
                continue;
            };
            hits.push(CarriedHit {
                hit,
                time: e.time,
                serial: e.serial,
                event: e.event,
                settled: done.settled(i).to_vec(),
            });
        }
        // Serials follow push order: carried hits stay before this
        // batch's of equal time.
        hits.sort_by_key(|h| (h.time, h.serial));
        let prior = self.prior;
        Carry::made(
            self.print,
            prior.newest,
            prior.next_hit,
            hits,
            fired,
            self.cutoff,
        )
    }
}
