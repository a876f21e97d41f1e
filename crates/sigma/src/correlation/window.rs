//! Sliding windows over one group's hits, sorted by time.

use std::borrow::Cow;
use std::collections::HashMap;

use super::spec::{Condition, CorrelationType, Spec};

/// One hit of a group, as the window sees it.
#[derive(Clone, Debug)]
pub(crate) struct Member<'h> {
    pub(crate) time: i64,
    /// Push order, for reporting and a stable sort.
    pub(crate) seq: usize,
    /// Position of the hit's rule in the correlation's `refs`.
    pub(crate) ref_pos: usize,
    /// The `value_count` value (fields joined), when present.
    pub(crate) value: Option<Cow<'h, str>>,
}

/// A window that satisfied the condition: member range and measure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Fired {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) measure: u64,
}

/// What [`evaluate`] found in one group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Evaluated {
    /// The windows that fired, in time order.
    pub(crate) fired: Vec<Fired>,
    /// How many leading members no later window can contain: those up to
    /// the last firing (sliding windows restart after it), or those
    /// before the last window (non-overlapping windows restart after
    /// each). Members after them may still join a later window.
    pub(crate) settled: usize,
}

/// Evaluates `members` (sorted by time, then seq).
///
/// A window spans `timespan` inclusively from its first member. With a
/// lower-bound condition (`gt`/`gte`, an expression without `not`), the
/// window slides and fires as soon as it holds; the next one starts
/// after it. Otherwise (`lt`, `lte`, `eq`, `neq`, ranges) windows do not
/// overlap: each is judged whole, and the next starts after it, so
/// "at most 2" is not satisfied by the tail of a burst of 3.
pub(crate) fn evaluate(spec: &Spec, members: &[Member<'_>]) -> Evaluated {
    if spec.condition.monotone() {
        growing(spec, members)
    } else {
        whole(spec, members)
    }
}

fn growing(spec: &Spec, members: &[Member<'_>]) -> Evaluated {
    let mut fired = Vec::new();
    let mut state = State::new(spec);
    let mut lo = 0;
    for (hi, m) in members.iter().enumerate() {
        state.add(m);
        while let Some(first) = members.get(lo)
            && m.time.saturating_sub(first.time) > spec.span_micros
        {
            state.remove(first);
            lo += 1;
        }
        let window = members.get(lo..=hi).unwrap_or_default();
        if let Some(measure) = state.holds(spec, window) {
            let start = first_contributor(spec, members, lo, hi);
            fired.push(Fired { start, end: hi, measure });
            state = State::new(spec);
            lo = hi + 1;
        }
    }
    let settled = fired.last().map_or(0, |f| f.end + 1);
    Evaluated { fired, settled }
}

fn whole(spec: &Spec, members: &[Member<'_>]) -> Evaluated {
    let mut fired = Vec::new();
    let (mut lo, mut last) = (0, 0);
    while let Some(first) = members.get(lo) {
        let limit = first.time.saturating_add(spec.span_micros);
        let rest = members.get(lo..).unwrap_or_default();
        let len = rest.iter().take_while(|m| m.time <= limit).count();
        let hi = lo + len.max(1) - 1;
        let window = members.get(lo..=hi).unwrap_or_default();
        let mut state = State::new(spec);
        window.iter().for_each(|m| state.add(m));
        if let Some(measure) = state.holds(spec, window) {
            fired.push(Fired { start: lo, end: hi, measure });
        }
        last = lo;
        lo = hi + 1;
    }
    Evaluated { fired, settled: last }
}

/// For `temporal_ordered`, the window starts at its first hit of the
/// first rule (earlier hits did not contribute).
fn first_contributor(
    spec: &Spec,
    members: &[Member<'_>],
    lo: usize,
    hi: usize,
) -> usize {
    if spec.kind != CorrelationType::TemporalOrdered {
        return lo;
    }
    let window = members.get(lo..=hi).unwrap_or_default();
    lo + window.iter().position(|m| m.ref_pos == 0).unwrap_or(0)
}

/// What a window measures, kept up to date as members come and go.
enum State<'m> {
    Count(u64),
    Values(HashMap<&'m str, u32>),
    Rules(Vec<u32>),
    Ordered,
}

impl<'m> State<'m> {
    fn new(spec: &Spec) -> Self {
        match spec.kind {
            CorrelationType::EventCount => State::Count(0),
            CorrelationType::ValueCount => State::Values(HashMap::new()),
            CorrelationType::Temporal => {
                State::Rules(vec![0; spec.refs.len()])
            }
            CorrelationType::TemporalOrdered => State::Ordered,
        }
    }

    fn add(&mut self, m: &'m Member<'_>) {
        match self {
            State::Count(n) => *n += 1,
            State::Values(map) => {
                if let Some(v) = m.value.as_deref() {
                    *map.entry(v).or_default() += 1;
                }
            }
            State::Rules(counts) => {
                if let Some(c) = counts.get_mut(m.ref_pos) {
                    *c += 1;
                }
            }
            State::Ordered => {}
        }
    }

    fn remove(&mut self, m: &'m Member<'_>) {
        match self {
            State::Count(n) => *n = n.saturating_sub(1),
            State::Values(map) => {
                let Some(v) = m.value.as_deref() else { return };
                if let Some(c) = map.get_mut(v) {
                    *c = c.saturating_sub(1);
                    if *c == 0 {
                        map.remove(v);
                    }
                }
            }
            State::Rules(counts) => {
                if let Some(c) = counts.get_mut(m.ref_pos) {
                    *c = c.saturating_sub(1);
                }
            }
            State::Ordered => {}
        }
    }

    /// The measure, when the condition holds for `window`.
    fn holds(&self, spec: &Spec, window: &[Member<'_>]) -> Option<u64> {
        let measure = match self {
            State::Count(n) => *n,
            State::Values(map) => map.len() as u64,
            State::Rules(counts) => {
                counts.iter().filter(|&&c| c > 0).count() as u64
            }
            State::Ordered => ordered_prefix(spec.refs.len(), window),
        };
        let ok = match &spec.condition {
            Condition::Threshold(preds) => {
                preds.iter().all(|(op, bound)| op.holds(measure, *bound))
            }
            Condition::Expr(e) => match self {
                State::Rules(c) => {
                    e.eval(&|i| c.get(i).is_some_and(|&n| n > 0))
                }
                _ => false,
            },
        };
        ok.then_some(measure)
    }
}

/// How many of the rules, in their listed order, fire one after another
/// in `window` (greedy earliest match, which finds the longest prefix).
fn ordered_prefix(rules: usize, window: &[Member<'_>]) -> u64 {
    let mut next = 0;
    for m in window {
        if next < rules && m.ref_pos == next {
            next += 1;
        }
    }
    next as u64
}
