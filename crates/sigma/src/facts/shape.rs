//! A rule in the fact index's terms: its conditions over named
//! detections, its detections over items, its items over literal leaves
//! (answered by the field automata) and opaque matchers (answered by
//! rsigma, on demand); the translation of compiled matchers (a rule's is
//! in [`from_ir`](super::from_ir)) and the choice of witnesses.

use rsigma_eval::CompiledMatcher;
use rsigma_eval::matcher::GroupMode;

use super::lazy::Lazy;
use super::{KEYWORDS, Leaves, Literal};

/// One rule of the index.
pub(super) struct Rule {
    /// Its index in the rule set.
    pub(super) index: usize,
    /// Matches when any condition holds.
    pub(super) conditions: Vec<Cond>,
    pub(super) detections: Vec<Det>,
    /// Leaves one of which fires whenever the rule matches (chosen to
    /// fire rarely); `None` when it can match without any (`not` …): it
    /// is then evaluated against every event of its bucket.
    pub(super) witness: Option<Vec<usize>>,
}

/// A condition with detection names resolved to indices.
pub(super) enum Cond {
    False,
    Det(usize),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    Any(Vec<usize>),
    All(Vec<usize>),
    AtLeast(u64, Vec<usize>),
}

pub(super) enum Det {
    AllOf(Vec<Item>),
    /// Keywords: some text value of the event fires one of the leaves.
    Keywords(Vec<usize>),
    AnyOf(Vec<Det>),
    And(Vec<Det>),
}

pub(super) enum Item {
    /// `field|exists`: present and not null is `expect`.
    Exists { field: Option<usize>, expect: bool },
    Field {
        field: usize,
        m: M,
        /// The original matcher, for list values.
        whole: Box<Lazy>,
        /// The item's value when the field is absent.
        absent: bool,
    },
}

/// A matcher over one scalar value.
pub(super) enum M {
    Leaf(usize),
    Any(Vec<M>),
    All(Vec<M>),
    Not(Box<M>),
    /// False for a value without a text form (null), else the inner
    /// matcher: how rsigma applies a set or a case-insensitive group.
    Text(Box<M>),
    /// rsigma's own matcher on the value as it is, with the leaves one
    /// of which fires whenever it holds (literals its regular expressions
    /// require), if known.
    Opaque(Box<Lazy>, Option<Vec<usize>>),
    /// rsigma's own matcher on the lowercased value (inside a
    /// case-insensitive group), likewise.
    OpaqueLowered(Box<Lazy>, Option<Vec<usize>>),
}

impl Item {
    /// Whether evaluating it may ask rsigma (see [`M::is_costly`]).
    pub(super) fn is_costly(&self) -> bool {
        match self {
            Item::Exists { .. } => false,
            Item::Field { m, .. } => m.is_costly(),
        }
    }
}

impl M {
    /// Whether evaluating it may ask rsigma, which costs more than
    /// reading leaves (and may compile a regular expression first): of
    /// parts that all must hold, or any may, such ones are evaluated last.
    pub(super) fn is_costly(&self) -> bool {
        match self {
            M::Leaf(_) => false,
            M::Any(ms) | M::All(ms) => ms.iter().any(M::is_costly),
            M::Not(m) | M::Text(m) => m.is_costly(),
            M::Opaque(..) | M::OpaqueLowered(..) => true,
        }
    }
}

/// The disjunction of `parts` (fresh matchers of `field`), costly ones
/// last, with its plain leaves as one [`Literal::Any`] leaf: their
/// literals then fire that one bit, and evaluating the disjunction reads
/// it rather than each of theirs (SigmaHQ has lists of hundreds of
/// values, read for every candidate event).
pub(super) fn any(parts: Vec<M>, field: usize, leaves: &mut Leaves) -> M {
    let (mut members, mut rest) = (Vec::new(), Vec::new());
    for part in parts {
        match part {
            M::Leaf(leaf) => members.push(leaf),
            other => rest.push(other),
        }
    }
    let plain = match members[..] {
        [] => None,
        [leaf] => Some(M::Leaf(leaf)),
        _ => Some(M::Leaf(leaves.add_any(field, members))),
    };
    match plain {
        Some(leaf) if rest.is_empty() => leaf,
        plain => M::Any(
            plain.into_iter().chain(cheap_first(rest, M::is_costly)).collect(),
        ),
    }
}

/// `parts` with the costly ones last, in their order otherwise (the
/// order does not change what a conjunction or a disjunction answers).
pub(super) fn cheap_first<T>(
    mut parts: Vec<T>,
    costly: impl Fn(&T) -> bool,
) -> Vec<T> {
    parts.sort_by_key(costly);
    parts
}

/// Where a literal is anchored in the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Op {
    Exact,
    Contains,
    StartsWith,
    EndsWith,
}

impl Op {
    /// Whether a needle found at `start..end` of a value `len` long
    /// satisfies the operation.
    pub(super) fn holds(self, start: usize, end: usize, len: usize) -> bool {
        match self {
            Op::Contains => true,
            Op::StartsWith => start == 0,
            Op::EndsWith => end == len,
            Op::Exact => start == 0 && end == len,
        }
    }

    /// Whether `haystack` has `needle` where the operation wants it.
    pub(super) fn holds_in(self, haystack: &str, needle: &str) -> bool {
        match self {
            Op::Contains => haystack.contains(needle),
            Op::StartsWith => haystack.starts_with(needle),
            Op::EndsWith => haystack.ends_with(needle),
            Op::Exact => haystack == needle,
        }
    }
}

/// Leaves one of which fires whenever one of `conditions` holds over
/// `detections` (see [`Rule::witness`]).
pub(super) fn witness(
    conditions: &[Cond],
    detections: &[Det],
    leaves: &Leaves,
) -> Option<Vec<usize>> {
    let w = Witness { dets: detections, leaves };
    union(conditions.iter().map(|c| w.cond(c)))
}

/// Leaves for the literals `m`'s regular expressions require (any of
/// its set's expressions may match: all of theirs), matched in the
/// lowercased value; `None` for other matchers or patterns without one.
fn required(
    m: &CompiledMatcher,
    field: usize,
    leaves: &mut Leaves,
) -> Option<Vec<usize>> {
    let literals = match m {
        CompiledMatcher::Regex(re) => super::pattern::required(re.as_str())?,
        CompiledMatcher::RegexSetMatch { set, .. } => {
            let each =
                set.patterns().iter().map(|p| super::pattern::required(p));
            each.collect::<Option<Vec<_>>>()?.concat()
        }
        _ => return None,
    };
    Some(leaves.add_required(field, &literals))
}

/// The leaves of a matcher that holds when any of them does; `None` for
/// other shapes (negations, conjunctions, opaque parts), which do not
/// distribute over the event's values as keywords must.
pub(super) fn any_of_leaves(m: &M) -> Option<Vec<usize>> {
    match m {
        M::Leaf(leaf) => Some(vec![*leaf]),
        M::Any(ms) => union(ms.iter().map(any_of_leaves)),
        M::Text(m) => any_of_leaves(m),
        _ => None,
    }
}

/// A compiled matcher over the values of `field`; `lowered`: inside a
/// case-insensitive group, whose children see the lowercased value.
pub(super) fn compiled(
    m: &CompiledMatcher,
    field: usize,
    lowered: bool,
    leaves: &mut Leaves,
) -> M {
    let ci = |c: &bool| *c || lowered;
    match m {
        CompiledMatcher::Exact { value, case_insensitive: c } => {
            M::Leaf(leaves.add(field, Op::Exact, value, ci(c)))
        }
        CompiledMatcher::Contains { value, case_insensitive: c } => {
            M::Leaf(leaves.add(field, Op::Contains, value, ci(c)))
        }
        CompiledMatcher::StartsWith { value, case_insensitive: c } => {
            M::Leaf(leaves.add(field, Op::StartsWith, value, ci(c)))
        }
        CompiledMatcher::EndsWith { value, case_insensitive: c } => {
            M::Leaf(leaves.add(field, Op::EndsWith, value, ci(c)))
        }
        CompiledMatcher::AhoCorasickSet {
            needles,
            case_insensitive: c,
            ..
        } => {
            let ci = ci(c);
            let mut leaf = |n: &String| leaves.add(field, Op::Contains, n, ci);
            let parts = needles.iter().map(|n| M::Leaf(leaf(n))).collect();
            M::Text(Box::new(any(parts, field, leaves)))
        }
        CompiledMatcher::NumericEq(n) if field != KEYWORDS && whole(*n) => {
            M::Leaf(leaves.add_number(field, *n))
        }
        CompiledMatcher::Not(inner) => {
            M::Not(Box::new(compiled(inner, field, lowered, leaves)))
        }
        CompiledMatcher::AnyOf(ms) => {
            let parts = ms.iter().map(|m| compiled(m, field, lowered, leaves));
            any(parts.collect(), field, leaves)
        }
        CompiledMatcher::AllOf(ms) => M::All(cheap_first(
            ms.iter().map(|m| compiled(m, field, lowered, leaves)).collect(),
            M::is_costly,
        )),
        CompiledMatcher::CaseInsensitiveGroup { children, mode } => {
            let children =
                children.iter().map(|m| compiled(m, field, true, leaves));
            let children = children.collect();
            M::Text(Box::new(match mode {
                GroupMode::Any => any(children, field, leaves),
                GroupMode::All => M::All(cheap_first(children, M::is_costly)),
            }))
        }
        other => {
            let witness = required(other, field, leaves);
            match lowered {
                true => M::OpaqueLowered(ready(other), witness),
                false => M::Opaque(ready(other), witness),
            }
        }
    }
}

fn ready(m: &CompiledMatcher) -> Box<Lazy> {
    Box::new(Lazy::Ready(m.clone()))
}

/// The fields `rule`'s items name (with repeats).
pub(super) fn fields(rule: &Rule) -> Vec<usize> {
    let mut out = Vec::new();
    rule.detections.iter().for_each(|d| det_fields(d, &mut out));
    out
}

fn det_fields(d: &Det, out: &mut Vec<usize>) {
    match d {
        Det::AllOf(items) => {
            out.extend(items.iter().filter_map(|i| match i {
                Item::Exists { field, .. } => *field,
                Item::Field { field, .. } => Some(*field),
            }))
        }
        Det::AnyOf(ds) | Det::And(ds) => {
            ds.iter().for_each(|d| det_fields(d, out));
        }
        Det::Keywords(_) => {}
    }
}

/// Whether rsigma's numeric equality with `n` (a difference under
/// `f64::EPSILON`) is plain equality: for whole numbers from 1 to 2^53 in
/// magnitude, where neighbouring floats are at least `EPSILON` apart.
fn whole(n: f64) -> bool {
    n.fract() == 0.0 && (1.0..9_007_199_254_740_992.0).contains(&n.abs())
}

/// Witness sets: leaves one of which fires whenever a part holds.
struct Witness<'a> {
    dets: &'a [Det],
    leaves: &'a Leaves,
}

impl Witness<'_> {
    fn cond(&self, c: &Cond) -> Option<Vec<usize>> {
        let det = |&i: &usize| self.det(&self.dets[i]);
        match c {
            Cond::False => Some(Vec::new()),
            Cond::Det(i) => det(i),
            Cond::And(cs) => self.best(cs.iter().map(|c| self.cond(c))),
            Cond::Or(cs) => union(cs.iter().map(|c| self.cond(c))),
            Cond::Not(_) | Cond::AtLeast(0, _) => None,
            Cond::Any(ds) | Cond::AtLeast(_, ds) => union(ds.iter().map(det)),
            Cond::All(ds) => self.best(ds.iter().map(det)),
        }
    }

    fn det(&self, d: &Det) -> Option<Vec<usize>> {
        match d {
            Det::AllOf(items) => self.best(items.iter().map(|i| self.item(i))),
            Det::Keywords(leaves) => Some(leaves.clone()),
            Det::AnyOf(ds) => union(ds.iter().map(|d| self.det(d))),
            Det::And(ds) => self.best(ds.iter().map(|d| self.det(d))),
        }
    }

    fn item(&self, i: &Item) -> Option<Vec<usize>> {
        match i {
            Item::Exists { .. } | Item::Field { absent: true, .. } => None,
            Item::Field { m, .. } => self.m(m),
        }
    }

    fn m(&self, m: &M) -> Option<Vec<usize>> {
        match m {
            M::Leaf(leaf) => Some(vec![*leaf]),
            M::Any(ms) => union(ms.iter().map(|m| self.m(m))),
            M::All(ms) => self.best(ms.iter().map(|m| self.m(m))),
            M::Text(m) => self.m(m),
            M::Opaque(_, witness) | M::OpaqueLowered(_, witness) => {
                witness.clone()
            }
            M::Not(_) => None,
        }
    }

    /// Of the parts that all must hold, the witness least likely to
    /// fire: the one whose most common leaf is rarest; `None` when no
    /// part has one.
    fn best(
        &self,
        parts: impl Iterator<Item = Option<Vec<usize>>>,
    ) -> Option<Vec<usize>> {
        parts.flatten().max_by_key(|w| self.rarity(w))
    }

    /// How rarely the most common leaf of `w` fires, by a rule of thumb:
    /// longer literals are rarer, and anchored ones rarer than
    /// substrings. An empty set never fires.
    fn rarity(&self, w: &[usize]) -> (usize, std::cmp::Reverse<usize>) {
        let weakest = w.iter().map(|&l| self.weakest(l)).min();
        (weakest.unwrap_or(usize::MAX), std::cmp::Reverse(w.len()))
    }

    /// How rarely `leaf` fires (see [`rarity`](Witness::rarity)); for a
    /// [`Literal::Any`], its most common member's.
    fn weakest(&self, leaf: usize) -> usize {
        match &self.leaves.defs[leaf].1 {
            Literal::Text(op, literal, _) => {
                let anchored = if *op == Op::Contains { 0 } else { 4 };
                literal.chars().count() + anchored
            }
            Literal::Number(n) => n.to_string().len() + 4,
            Literal::Any(members) => {
                let each = members.iter().map(|&m| self.weakest(m));
                each.min().unwrap_or(usize::MAX)
            }
        }
    }
}

/// One witness for parts of which any may hold: all of theirs; `None`
/// when one has none.
fn union(
    parts: impl Iterator<Item = Option<Vec<usize>>>,
) -> Option<Vec<usize>> {
    let mut all = Vec::new();
    for part in parts {
        all.extend(part?);
    }
    Some(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors() {
        assert!(Op::Contains.holds(3, 5, 9));
        assert!(Op::StartsWith.holds(0, 5, 9));
        assert!(!Op::StartsWith.holds(1, 5, 9));
        assert!(Op::EndsWith.holds(4, 9, 9));
        assert!(!Op::EndsWith.holds(4, 8, 9));
        assert!(Op::Exact.holds(0, 9, 9));
        assert!(!Op::Exact.holds(0, 8, 9));
    }

    #[test]
    fn witnesses_follow_the_condition() {
        let mut leaves = Leaves::default();
        let f = leaves.field("CommandLine");
        let short = leaves.add(f, Op::Contains, ".exe", true);
        let long = leaves.add(f, Op::Contains, "mimikatz", true);
        let dets = [
            Det::AllOf(vec![item_with(M::Leaf(short))]),
            Det::AllOf(vec![item_with(M::Not(Box::new(M::Leaf(long))))]),
            Det::AllOf(vec![item_with(M::Leaf(long))]),
        ];
        let w = Witness { dets: &dets, leaves: &leaves };
        assert_eq!(w.cond(&Cond::Det(0)), Some(vec![short]));
        assert_eq!(w.cond(&Cond::Det(1)), None);
        let and = Cond::And(vec![Cond::Det(0), Cond::Det(2)]);
        assert_eq!(w.cond(&and), Some(vec![long]), "and: the rarer side");
        let not =
            Cond::And(vec![Cond::Det(0), Cond::Not(Box::new(Cond::Det(2)))]);
        assert_eq!(w.cond(&not), Some(vec![short]), "and: one side is enough");
        let or = Cond::Or(vec![Cond::Det(0), Cond::Det(2)]);
        assert_eq!(w.cond(&or), Some(vec![short, long]), "or: both sides");
        let or_open = Cond::Or(vec![Cond::Det(0), Cond::Det(1)]);
        assert_eq!(w.cond(&or_open), None, "or: every side must have one");
        assert_eq!(w.cond(&Cond::All(vec![])), None, "all of nothing holds");
        assert_eq!(w.cond(&Cond::Any(vec![])), Some(vec![]), "never holds");
        assert_eq!(w.cond(&Cond::AtLeast(0, vec![0])), None);
        let empty = [Det::AllOf(vec![])];
        let w = Witness { dets: &empty, leaves: &leaves };
        assert_eq!(w.cond(&Cond::Det(0)), None, "no items: holds");
    }

    fn item_with(m: M) -> Item {
        Item::Field {
            field: 0,
            m,
            whole: ready(&CompiledMatcher::Null),
            absent: false,
        }
    }
}
