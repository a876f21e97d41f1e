//! The literals of one field: one Aho-Corasick automaton, each match's
//! anchoring checked at its offsets, and for few literals a SIMD gate.
//!
//! Keyword literals (matched against every text value of an event) are
//! scanned over all of an event's values at once ([`Joined`]).

use aho_corasick::{AhoCorasick, AhoCorasickKind, Input, MatchKind, packed};

use super::{Seen, Uses};

/// The most literals of a field that get a [`Needles`] gate (Teddy's
/// limit).
const GATE_MAX: usize = 64;

/// Literals anywhere in the haystack, each with the leaves it satisfies
/// and how (its anchoring is checked at each match).
pub(super) struct Needles {
    /// `None` if the automaton could not be built (too large): the
    /// literals are then tried one by one.
    automaton: Option<AhoCorasick>,
    /// For few literals, a SIMD search for the leftmost of them: where
    /// none is, the automaton is not run; where one is, it starts there.
    gate: Option<packed::Searcher>,
    patterns: Vec<Box<str>>,
    /// Per pattern, its leaves.
    leaves: Vec<Uses>,
    /// Whether joined values can be scanned (see [`Needles::joinable`]).
    joinable: bool,
}

impl Needles {
    pub(super) fn build(literals: Vec<(Box<str>, Uses)>) -> Option<Needles> {
        if literals.is_empty() {
            return None;
        }
        let (patterns, leaves): (Vec<_>, Vec<_>) =
            literals.into_iter().unzip();
        let bytes = || patterns.iter().map(|p| p.as_bytes());
        let gate = (patterns.len() <= GATE_MAX)
            .then(|| {
                packed::Config::new()
                    .match_kind(packed::MatchKind::LeftmostFirst)
                    .builder()
                    .extend(bytes())
                    .build()
            })
            .flatten();
        let mut builder = AhoCorasick::builder();
        builder.match_kind(MatchKind::Standard);
        if gate.is_some() {
            // The gate skips to the first match: a DFA would not pay for
            // its build.
            builder.kind(Some(AhoCorasickKind::ContiguousNFA));
        }
        let automaton = builder.build(bytes()).ok();
        let joinable = automaton.is_some()
            && !patterns.iter().any(|p| p.contains(Joined::SEP));
        Some(Needles { automaton, gate, patterns, leaves, joinable })
    }

    /// Sets the leaves `haystack` satisfies.
    pub(super) fn scan(
        &self,
        haystack: &str,
        seen: &mut Seen,
        leaf_rule: &[usize],
    ) {
        let len = haystack.len();
        let Some(automaton) = &self.automaton else {
            return self.scan_one_by_one(haystack, seen, leaf_rule);
        };
        let Some(from) = self.first(haystack.as_bytes()) else { return };
        let input = Input::new(haystack).span(from..len);
        for m in automaton.find_overlapping_iter(input) {
            for &(op, leaf) in &self.leaves[m.pattern().as_usize()] {
                if op.holds(m.start(), m.end(), len) {
                    seen.fire(leaf, leaf_rule);
                }
            }
        }
    }

    /// Whether [`scan_joined`](Needles::scan_joined) sees every literal
    /// and only within values: the automaton was built and no literal
    /// holds [`Joined::SEP`].
    pub(super) fn joinable(&self) -> bool {
        self.joinable
    }

    /// [`scan`](Needles::scan) over each value of `joined` at once; only
    /// for [`joinable`](Needles::joinable) needles.
    pub(super) fn scan_joined(
        &self,
        joined: &Joined,
        seen: &mut Seen,
        leaf_rule: &[usize],
    ) {
        let Some(automaton) = &self.automaton else { return };
        let text = joined.text.as_bytes();
        let Some(from) = self.first(text) else { return };
        let input = Input::new(text).span(from..text.len());
        for m in automaton.find_overlapping_iter(input) {
            let (start, end) = joined.bounds(m.start());
            let (from, to) = (m.start() - start, m.end() - start);
            for &(op, leaf) in &self.leaves[m.pattern().as_usize()] {
                if op.holds(from, to, end - start) {
                    seen.fire(leaf, leaf_rule);
                }
            }
        }
    }

    /// Where the first match can start: the leftmost match the gate
    /// finds (none: `None`), else 0.
    fn first(&self, haystack: &[u8]) -> Option<usize> {
        match &self.gate {
            Some(gate) => gate.find(haystack).map(|m| m.start()),
            None => Some(0),
        }
    }

    #[cfg(test)]
    pub(super) fn without_automaton(mut self) -> Needles {
        self.automaton = None;
        self.gate = None;
        self.joinable = false;
        self
    }

    fn scan_one_by_one(
        &self,
        haystack: &str,
        seen: &mut Seen,
        leaf_rule: &[usize],
    ) {
        for (pattern, leaves) in self.patterns.iter().zip(&self.leaves) {
            for &(op, leaf) in leaves {
                if op.holds_in(haystack, pattern) {
                    seen.fire(leaf, leaf_rule);
                }
            }
        }
    }
}

/// Many text values in one haystack, each followed by [`Joined::SEP`],
/// which no joinable literal holds: every match lies within one value,
/// and that value's bounds decide its anchoring.
#[derive(Default)]
pub(super) struct Joined {
    text: String,
    /// Where each value starts, ascending.
    starts: Vec<usize>,
}

impl Joined {
    pub(super) const SEP: char = '\0';

    /// Joins `texts`, each as `put` appends it.
    pub(super) fn fill<'t>(
        &mut self,
        texts: impl Iterator<Item = &'t str>,
        put: impl Fn(&str, &mut String),
    ) {
        self.text.clear();
        self.starts.clear();
        for text in texts {
            self.starts.push(self.text.len());
            put(text, &mut self.text);
            self.text.push(Joined::SEP);
        }
    }

    /// The start and end of the value holding offset `at`.
    fn bounds(&self, at: usize) -> (usize, usize) {
        let i = self.starts.partition_point(|&s| s <= at).saturating_sub(1);
        let start = self.starts.get(i).copied().unwrap_or(0);
        let next = self.starts.get(i + 1).copied().unwrap_or(self.text.len());
        (start, next.saturating_sub(1))
    }
}
