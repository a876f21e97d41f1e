//! The correlator: detection hits in, correlation hits out.
//!
//! Hits arrive from parallel readers in any order; the correlator keeps
//! only the hits of rules some correlation refers to (with the few field
//! values they need, taken at match time), and evaluates every window
//! when [`Correlator::finish`] has them all, sorted by time. Memory grows
//! with those hits, not with the events read.

mod spec;
mod window;

use std::borrow::Cow;
use std::collections::BTreeMap;

use counterspy_model::Timestamp;
use serde::Serialize;

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

/// One pushed hit the correlations need.
struct Stored {
    time: i64,
    seq: usize,
    hit: Hit,
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
        let seq = self.pushed;
        self.pushed += 1;
        if self.wants(hit.rule) {
            let time = time.as_micros();
            self.stored.push(Stored { time, seq, hit });
        }
    }

    /// Evaluates every correlation rule; results sorted by rule, then
    /// time.
    pub fn finish(mut self) -> Vec<CorrelationHit> {
        self.stored.sort_by_key(|s| (s.time, s.seq));
        let mut out = Vec::new();
        for spec in self.set.specs() {
            self.evaluate(spec, &mut out);
        }
        out
    }

    fn evaluate(&self, spec: &Spec, out: &mut Vec<CorrelationHit>) {
        for (key, members) in self.groups(spec) {
            for fired in window::evaluate(spec, &members) {
                let window =
                    members.get(fired.start..=fired.end).unwrap_or_default();
                out.push(self.report(spec, &key, window, fired.measure));
            }
        }
    }

    /// The spec's hits, grouped by their `group-by` values, in time order.
    fn groups<'s>(
        &'s self,
        spec: &Spec,
    ) -> BTreeMap<Vec<Option<&'s str>>, Vec<window::Member<'s>>> {
        let mut groups: BTreeMap<_, Vec<_>> = BTreeMap::new();
        for s in &self.stored {
            let Some(pos) = spec.refs.iter().position(|&r| r == s.hit.rule)
            else {
                continue;
            };
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
