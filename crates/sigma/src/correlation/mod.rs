//! The correlator: detection hits in, correlation hits out.
//!
//! Hits arrive from parallel readers in any order; the correlator keeps
//! only the hits of rules some correlation refers to (with the few field
//! values they need, taken at match time), and evaluates every window
//! when [`Correlator::finish`] has them all, sorted by time. Memory grows
//! with those hits, not with the events read.
//!
//! Runs can be chained over batches of events:
//! [`Correlator::finish_resumable`] also tells which hits each
//! correlation is done with (its windows have moved past them), and
//! [`Correlator::push_carried`] hands such a hit to the next run, which
//! then leaves it out of those correlations' windows, so windows resume
//! where the last run left them.

mod spec;
mod window;

use std::borrow::Cow;
use std::collections::BTreeMap;

use counterspy_model::Timestamp;
use serde::Serialize;

#[cfg(test)]
pub(crate) use spec::Condition;
pub use spec::CorrelationType;
pub(crate) use spec::{Context, Spec, resolve};

use crate::{Hit, RuleSet};

/// A correlation rule that fired.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CorrelationHit {
    /// The correlation rule (index into [`RuleSet::rules`]).
    pub rule: usize,
    /// Its type.
    pub kind: CorrelationType,
    /// Time of the first contributing hit.
    pub first: Timestamp,
    /// Time of the last contributing hit.
    pub last: Timestamp,
    /// The group: each `group-by` field with its value (`None` when the
    /// events lacked it).
    pub group: Vec<(String, Option<String>)>,
    /// What the condition measured: hits (`event_count`), distinct values
    /// (`value_count`), distinct rules (`temporal`), rules in order
    /// (`temporal_ordered`).
    pub count: u64,
    /// The contributing hits, as their number in push order (0-based,
    /// counting every [`Correlator::push`]).
    pub hits: Vec<usize>,
}

/// What [`Correlator::finish_resumable`] found, with what a run over
/// the next batch of events needs to resume the windows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Correlated {
    /// The correlation hits, as [`Correlator::finish`] returns them.
    pub hits: Vec<CorrelationHit>,
    /// Per push number: the correlation rules done with that hit.
    settled: Vec<Vec<usize>>,
    /// Per push number: whether every correlation that refers to the
    /// hit's rule is done with it.
    spent: Vec<bool>,
}

impl Correlated {
    /// The correlation rules (indices into [`RuleSet::rules`]) whose
    /// windows are past hit number `push` (0-based push order): no later
    /// window of theirs can contain it, whatever comes next in time.
    /// Hand them to [`Correlator::push_carried`] when carrying the hit
    /// to the next run.
    pub fn settled(&self, push: usize) -> &[usize] {
        self.settled.get(push).map_or(&[], Vec::as_slice)
    }

    /// Whether hit number `push` can no longer contribute to any
    /// correlation: every correlation referring to its rule is done with
    /// it (also true for hits no correlation wants). Such a hit need not
    /// be carried.
    pub fn spent(&self, push: usize) -> bool {
        self.spent.get(push).copied().unwrap_or(true)
    }
}

/// One pushed hit the correlations need.
struct Stored {
    time: i64,
    seq: usize,
    hit: Hit,
    /// Correlation rules whose windows are past this hit.
    settled: Vec<usize>,
}

/// Collects hits and evaluates the rule set's correlation rules.
pub struct Correlator<'r> {
    set: &'r RuleSet,
    /// Per detection rule, whether a correlation refers to it.
    wanted: Vec<bool>,
    stored: Vec<Stored>,
    pushed: usize,
}

impl<'r> Correlator<'r> {
    /// A correlator for the correlation rules of `set`.
    pub fn new(set: &'r RuleSet) -> Correlator<'r> {
        let mut wanted = vec![false; set.rules().len()];
        for spec in set.specs() {
            for &r in &spec.refs {
                if let Some(w) = wanted.get_mut(r) {
                    *w = true;
                }
            }
        }
        Correlator { set, wanted, stored: Vec::new(), pushed: 0 }
    }

    /// Whether any correlation refers to detection rule `rule` (pushing
    /// other hits is allowed and costs nothing).
    pub fn wants(&self, rule: usize) -> bool {
        self.wanted.get(rule).copied().unwrap_or(false)
    }

    /// Adds a hit of an event written at `time`.
    pub fn push(&mut self, hit: Hit, time: Timestamp) {
        self.push_carried(hit, time, Vec::new());
    }

    /// Adds a hit carried over from an earlier run, which the windows of
    /// the correlation rules in `settled` (from [`Correlated::settled`])
    /// leave out. Push carried hits first, in the order of the earlier
    /// run, so that hits of the same time keep their order.
    pub fn push_carried(
        &mut self,
        hit: Hit,
        time: Timestamp,
        settled: Vec<usize>,
    ) {
        let seq = self.pushed;
        self.pushed += 1;
        if self.wants(hit.rule) {
            let time = time.as_micros();
            self.stored.push(Stored { time, seq, hit, settled });
        }
    }

    /// Evaluates every correlation rule; results sorted by rule, then
    /// time.
    pub fn finish(self) -> Vec<CorrelationHit> {
        self.finish_resumable().hits
    }

    /// [`finish`](Correlator::finish), also telling which hits each
    /// correlation is done with ([`Correlated::settled`]).
    pub fn finish_resumable(mut self) -> Correlated {
        self.stored.sort_by_key(|s| (s.time, s.seq));
        let mut hits = Vec::new();
        let mut settled = vec![Vec::new(); self.pushed];
        for s in &mut self.stored {
            if let Some(slot) = settled.get_mut(s.seq) {
                *slot = std::mem::take(&mut s.settled);
            }
        }
        for spec in self.set.specs() {
            self.evaluate(spec, &mut hits, &mut settled);
        }
        let spent = self.spent(&settled);
        Correlated { hits, settled, spent }
    }

    fn evaluate(
        &self,
        spec: &Spec,
        out: &mut Vec<CorrelationHit>,
        settled: &mut [Vec<usize>],
    ) {
        for (key, members) in self.groups(spec, settled) {
            let evaluated = window::evaluate(spec, &members);
            for fired in evaluated.fired {
                let window =
                    members.get(fired.start..=fired.end).unwrap_or_default();
                out.push(self.report(spec, &key, window, fired.measure));
            }
            let done = members.get(..evaluated.settled).unwrap_or_default();
            for m in done {
                if let Some(rules) = settled.get_mut(m.seq) {
                    rules.push(spec.rule);
                }
            }
        }
    }

    /// Per push number, whether every correlation referring to the hit's
    /// rule has settled it.
    fn spent(&self, settled: &[Vec<usize>]) -> Vec<bool> {
        let mut spent = vec![true; self.pushed];
        for s in &self.stored {
            let done = settled.get(s.seq).map_or(&[][..], Vec::as_slice);
            let live = self.set.specs().iter().any(|spec| {
                spec.refs.contains(&s.hit.rule) && !done.contains(&spec.rule)
            });
            if let Some(slot) = spent.get_mut(s.seq) {
                *slot = !live;
            }
        }
        spent
    }

    /// The spec's hits, grouped by their `group-by` values, in time order;
    /// hits the spec has settled are left out.
    fn groups<'s>(
        &'s self,
        spec: &Spec,
        settled: &[Vec<usize>],
    ) -> BTreeMap<Vec<Option<&'s str>>, Vec<window::Member<'s>>> {
        let mut groups: BTreeMap<_, Vec<_>> = BTreeMap::new();
        for s in &self.stored {
            let Some(pos) = spec.refs.iter().position(|&r| r == s.hit.rule)
            else {
                continue;
            };
            if settled.get(s.seq).is_some_and(|d| d.contains(&spec.rule)) {
                continue;
            }
            let pick = |p: &usize| s.hit.value(*p);
            let key: Vec<_> = spec
                .group_pos
                .get(pos)
                .into_iter()
                .flatten()
                .map(pick)
                .collect();
            let value =
                spec.value_pos.get(pos).and_then(|v| joined(&s.hit, v));
            let member = window::Member {
                time: s.time,
                seq: s.seq,
                ref_pos: pos,
                value,
            };
            groups.entry(key).or_default().push(member);
        }
        groups
    }

    fn report(
        &self,
        spec: &Spec,
        key: &[Option<&str>],
        window: &[window::Member<'_>],
        count: u64,
    ) -> CorrelationHit {
        let time = |m: Option<&window::Member<'_>>| {
            Timestamp::from_micros(m.map_or(0, |m| m.time))
        };
        let names = spec.group_by.iter().cloned();
        let values = key.iter().map(|v| v.map(str::to_owned));
        CorrelationHit {
            rule: spec.rule,
            kind: spec.kind,
            first: time(window.first()),
            last: time(window.last()),
            group: names.zip(values).collect(),
            count,
            hits: window.iter().map(|m| m.seq).collect(),
        }
    }
}

/// The `value_count` value of a hit: one field as it is; several joined
/// by a unit separator (`None` when one is missing).
fn joined<'h>(hit: &'h Hit, positions: &[usize]) -> Option<Cow<'h, str>> {
    match positions {
        [] => None,
        [one] => hit.value(*one).map(Cow::Borrowed),
        many => {
            let parts: Option<Vec<&str>> =
                many.iter().map(|p| hit.value(*p)).collect();
            Some(Cow::Owned(parts?.join("\u{1f}")))
        }
    }
}
