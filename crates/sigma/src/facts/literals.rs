//! The literals of one field: one Aho-Corasick automaton, each match's
//! anchoring checked at its offsets, and for few literals a SIMD gate.
//!
//! The automaton is daachorse's double array, not the `aho-corasick`
//! crate's contiguous NFA: both answer the same overlapping search, but
//! a double-array state takes 12 bytes, and a hunt scans each event's
//! values through many automata (one per field of each bucket it is
//! routed to), most of them out of the CPU's caches by then. It holds
//! each literal's first [`HEAD`] bytes only; a longer literal is checked
//! whole where its head matches. SigmaHQ's long literals (hashes,
//! registry keys, script fragments) share few heads, so the automata
//! come out smaller, build faster and stay in cache longer. Measured on
//! SigmaHQ's literals and the attack samples' values (`Image`,
//! `CommandLine`, `TargetObject`, `Hashes`): building took 1.2, 5.9, 0.8
//! and 10 ms instead of 1.8, 11.7, 1.5 and 24 with `aho-corasick`;
//! scanning `Image` and `CommandLine` with the caches flushed between
//! values took about 55 and 65 ns a byte through daachorse (whole
//! literals) instead of 92 and 105, and a hunt over the attack samples
//! ×10 spent 180 ms in these scans instead of 260 (whole literals too).
//! The SIMD gate stays `aho-corasick`'s Teddy.
//!
//! Keyword literals (matched against every text value of an event) are
//! scanned over all of an event's values at once ([`Joined`]).

use aho_corasick::packed;
use daachorse::{DoubleArrayAhoCorasick, DoubleArrayAhoCorasickBuilder};

use super::{Seen, Uses};

/// The most literals of a field that get a [`Needles`] gate (Teddy's
/// limit).
const GATE_MAX: usize = 64;

/// The bytes of a literal its automaton holds (its head).
const HEAD: usize = 16;

/// Literals anywhere in the haystack, each with the leaves it satisfies
/// and how, in two sets: the ASCII literals, and those holding a
/// non-ASCII character, which cannot be in an ASCII haystack (most
/// values are ASCII; SigmaHQ's non-ASCII literals are thousands of
/// emoji, homoglyphs and dashes).
pub(super) struct Needles {
    ascii: Option<Set>,
    wide: Option<Set>,
}

/// One set of literals (its anchoring is checked at each match).
struct Set {
    /// `None` if the automaton could not be built (too large): the
    /// literals are then tried one by one.
    automaton: Option<Heads>,
    /// For few literals, a SIMD search for the leftmost of them: where
    /// none is, the automaton is not run; where one is, it starts there.
    gate: Option<packed::Searcher>,
    /// The literals, sorted (so literals with one head are adjacent).
    patterns: Vec<Box<str>>,
    /// Per literal, its leaves.
    leaves: Vec<Uses>,
    /// Whether joined values can be scanned (see [`Needles::joinable`]).
    joinable: bool,
}

/// An automaton of the literals' heads.
struct Heads {
    automaton: DoubleArrayAhoCorasick<u32>,
    /// Per head (the automaton's value), the literals it begins: the
    /// positions `from..to` in [`Needles::patterns`].
    literals: Vec<(u32, u32)>,
}

/// The bytes of `pattern` its automaton holds.
fn head(pattern: &str) -> &[u8] {
    &pattern.as_bytes()[..pattern.len().min(HEAD)]
}

impl Heads {
    /// `None` past daachorse's 2^24 patterns.
    fn build(patterns: &[Box<str>]) -> Option<Heads> {
        let mut heads: Vec<&[u8]> = Vec::new();
        let mut literals: Vec<(u32, u32)> = Vec::new();
        for (i, pattern) in patterns.iter().enumerate() {
            let (i, head) = (u32::try_from(i).ok()?, head(pattern));
            match heads.last() {
                Some(&last) if last == head => {
                    literals.last_mut()?.1 = i + 1;
                }
                _ => {
                    heads.push(head);
                    literals.push((i, i + 1));
                }
            }
        }
        // Prefiltering slowed these searches down (most bytes of a value
        // can begin some literal).
        let builder =
            DoubleArrayAhoCorasickBuilder::new().use_prefilter(false);
        let automaton = builder.build(heads).ok()?;
        Some(Heads { automaton, literals })
    }
}

impl Needles {
    /// The needles of `literals` (distinct and not empty); `None` if
    /// there are none.
    pub(super) fn build(literals: Vec<(Box<str>, Uses)>) -> Option<Needles> {
        let (wide, ascii): (Vec<_>, Vec<_>) =
            literals.into_iter().partition(|(l, _)| !l.is_ascii());
        let (ascii, wide) = (Set::build(ascii), Set::build(wide));
        (ascii.is_some() || wide.is_some()).then_some(Needles { ascii, wide })
    }

    /// Sets the leaves `haystack` satisfies.
    pub(super) fn scan(
        &self,
        haystack: &str,
        seen: &mut Seen,
        leaf_rule: &[usize],
    ) {
        for set in self.sets(haystack) {
            set.scan(haystack, seen, leaf_rule);
        }
    }

    /// The sets `haystack` is scanned with: the ASCII literals, and the
    /// others if it is not ASCII.
    fn sets(&self, haystack: &str) -> impl Iterator<Item = &Set> {
        let wide = self.wide.as_ref().filter(|_| !haystack.is_ascii());
        self.ascii.iter().chain(wide)
    }

    /// Whether [`scan_joined`](Needles::scan_joined) sees every literal
    /// and only within values: automata were built and no literal holds
    /// [`Joined::SEP`].
    pub(super) fn joinable(&self) -> bool {
        let joinable =
            |set: &Option<Set>| set.as_ref().is_none_or(|s| s.joinable);
        joinable(&self.ascii) && joinable(&self.wide)
    }

    /// [`scan`](Needles::scan) over each value of `joined` at once; only
    /// for [`joinable`](Needles::joinable) needles.
    pub(super) fn scan_joined(
        &self,
        joined: &Joined,
        seen: &mut Seen,
        leaf_rule: &[usize],
    ) {
        for set in self.sets(&joined.text) {
            set.scan_joined(joined, seen, leaf_rule);
        }
    }

    #[cfg(test)]
    pub(super) fn without_automaton(self) -> Needles {
        let ascii = self.ascii.map(Set::without_automaton);
        let wide = self.wide.map(Set::without_automaton);
        Needles { ascii, wide }
    }
}

impl Set {
    /// The set of `literals` (distinct and not empty); `None` if there
    /// are none.
    fn build(mut literals: Vec<(Box<str>, Uses)>) -> Option<Set> {
        if literals.is_empty() {
            return None;
        }
        literals.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let (patterns, leaves): (Vec<_>, Vec<_>) =
            literals.into_iter().unzip();
        let gate = (patterns.len() <= GATE_MAX)
            .then(|| {
                packed::Config::new()
                    .match_kind(packed::MatchKind::LeftmostFirst)
                    .builder()
                    .extend(patterns.iter().map(|p| p.as_bytes()))
                    .build()
            })
            .flatten();
        let automaton = Heads::build(&patterns);
        let joinable = automaton.is_some()
            && !patterns.iter().any(|p| p.contains(Joined::SEP));
        Some(Set { automaton, gate, patterns, leaves, joinable })
    }

    fn scan(&self, haystack: &str, seen: &mut Seen, leaf_rule: &[usize]) {
        let len = haystack.len();
        if self.automaton.is_none() {
            return self.scan_one_by_one(haystack, seen, leaf_rule);
        }
        self.each_match(haystack.as_bytes(), |start, end, uses| {
            for &(op, leaf) in uses {
                if op.holds(start, end, len) {
                    seen.fire(leaf, leaf_rule);
                }
            }
        });
    }

    /// Calls `found` with the start, end and leaves of each literal in
    /// `haystack`, overlaps included.
    fn each_match(
        &self,
        haystack: &[u8],
        mut found: impl FnMut(usize, usize, &Uses),
    ) {
        let Some(heads) = &self.automaton else { return };
        let Some(from) = self.first(haystack) else { return };
        for m in heads.automaton.find_overlapping_iter(&haystack[from..]) {
            let start = from + m.start();
            let (first, last) = heads.literals[m.value() as usize];
            for literal in first as usize..last as usize {
                let pattern = self.patterns[literal].as_bytes();
                if pattern.len() <= HEAD
                    || haystack[start..].starts_with(pattern)
                {
                    found(start, start + pattern.len(), &self.leaves[literal]);
                }
            }
        }
    }

    fn scan_joined(
        &self,
        joined: &Joined,
        seen: &mut Seen,
        leaf_rule: &[usize],
    ) {
        self.each_match(joined.text.as_bytes(), |at, to, uses| {
            let (start, end) = joined.bounds(at);
            let (from, to) = (at - start, to - start);
            for &(op, leaf) in uses {
                if op.holds(from, to, end - start) {
                    seen.fire(leaf, leaf_rule);
                }
            }
        });
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
    fn without_automaton(mut self) -> Set {
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

    /// The joined text and where each value starts.
    #[cfg(test)]
    pub(super) fn parts(&self) -> (&str, &[usize]) {
        (&self.text, &self.starts)
    }

    /// Lowercases the ASCII letters of every value.
    pub(super) fn make_ascii_lowercase(&mut self) {
        self.text.make_ascii_lowercase();
    }

    /// The start and end of the value holding offset `at`.
    fn bounds(&self, at: usize) -> (usize, usize) {
        let i = self.starts.partition_point(|&s| s <= at).saturating_sub(1);
        let start = self.starts.get(i).copied().unwrap_or(0);
        let next = self.starts.get(i + 1).copied().unwrap_or(self.text.len());
        (start, next.saturating_sub(1))
    }
}
