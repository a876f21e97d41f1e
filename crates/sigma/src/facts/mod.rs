//! The fact index: one bucket's rules answered by scanning each field of
//! an event once.
//!
//! rsigma's engine selects candidate rules with a literal index and then
//! evaluates each candidate from scratch, looking every field up by name
//! and matching every value again, matcher by matcher, often lowercasing
//! the value each time. Here every literal of every rule (`contains`,
//! `startswith`, `endswith`, exact, case-insensitive or not) is a *leaf*
//! and the leaves of a field share one Aho-Corasick automaton: per event,
//! each field the bucket's rules name is found once, lowercased once and
//! scanned once (twice when some of its literals are case-sensitive),
//! and every match sets the leaf it satisfies (its anchoring checked at
//! the match's offsets). A rule is then evaluated only if one of its
//! leaves fired or if it can match without one (`not` …), and evaluating
//! it reads the leaves' bits; what is not a literal (regular expressions,
//! numbers, CIDR, field references, …) is asked of rsigma's own matcher,
//! only for those rules. Rules are translated from their IR, and a
//! regular expression is compiled only when a candidate rule first needs
//! it ([`lazy`]): a bucket does not pay for the patterns and automata of
//! rules its events never select. Values are seen exactly as rsigma's
//! matchers see them (text of numbers and booleans, full lowercase), and
//! a list value sends its field's items to rsigma whole, so the answers
//! are rsigma's: `tests/facts.rs` checks it over SigmaHQ and the attack
//! samples.
//!
//! Keywords (field-less detections) are leaves matched against every
//! text value of the event, when they are a plain list of literals: all
//! of an event's values are joined and scanned in one pass. Rules with
//! other keyword shapes or with array scopes stay with the engine.
//!
//! A field with at most 64 literals also gets a SIMD gate (Teddy) that
//! finds the leftmost of them: most values hold none, and the automaton
//! then does not run. What one event sets (fired leaves, candidate rules,
//! the values of the bucket's fields, the lowercased text) lives in
//! buffers each thread keeps from event to event: once warm, matching
//! allocates nothing.

mod from_ir;
mod lazy;
mod literals;
mod pattern;
mod plan;
mod shape;
mod trim;
#[cfg(test)]
mod xorshift;

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use counterspy_model::{Event, FieldValue};
use rsigma_eval::EventValue;
use rsigma_eval::matcher::ascii_lowercase_cow;
use rsigma_ir::IrRule;
use rustc_hash::FxHashMap;

use crate::adapter::{Routed, value};
use crate::router::FieldTable;
use literals::{Joined, Needles};
use plan::Plan;
use shape::{Cond, Det, Item, M, Op, Rule};

const NOT_A_WITNESS: usize = usize::MAX;

/// The field id of keyword leaves, which every text value is matched
/// against.
const KEYWORDS: usize = usize::MAX;

/// The fact index of one bucket.
pub(crate) struct Facts {
    rules: Vec<Rule>,
    /// Per leaf, the position of its rule in `rules` when the leaf is in
    /// the rule's witness (its firing makes the rule a candidate), else
    /// [`NOT_A_WITNESS`].
    leaf_rule: Vec<usize>,
    fields: Vec<FieldIndex>,
    /// The keyword leaves.
    keywords: FieldIndex,
    names: Vec<Box<str>>,
    /// Positions of the rules evaluated for every event.
    open: Vec<usize>,
    /// Per field table (0: none), where the fields are found.
    plans: Vec<OnceLock<Plan>>,
}

/// The leaves of one field.
#[derive(Default)]
struct FieldIndex {
    /// Case-insensitive literals, matched in the lowercased value.
    ci: Option<Needles>,
    /// Case-sensitive literals, matched in the value as it is.
    cs: Option<Needles>,
    /// Leaves with an empty literal.
    empty: Vec<(Op, usize)>,
    /// Number leaves by the bits of their number.
    numbers: FxHashMap<u64, Vec<usize>>,
    /// Positions of the rules with an item on the field (evaluated when
    /// its value is a list).
    rules: Vec<usize>,
}

/// The leaves a literal satisfies, and how.
type Uses = Vec<(Op, usize)>;

/// What a leaf tests.
enum Literal {
    /// Text where `Op` wants it, in the lowercased value if
    /// case-insensitive.
    Text(Op, Box<str>, bool),
    /// A number the value equals (rsigma's numeric equality, for whole
    /// numbers, where it is plain equality).
    Number(f64),
    /// Any of these leaves, which nothing else names: their literals
    /// fire this leaf instead of theirs (see [`shape::any`]).
    Any(Vec<usize>),
}

/// Leaves and field names, collected while translating rules.
#[derive(Default)]
struct Leaves {
    names: Vec<Box<str>>,
    ids: HashMap<Box<str>, usize>,
    /// Per leaf: its field and literal.
    defs: Vec<(usize, Literal)>,
}

impl Leaves {
    fn field(&mut self, name: &str) -> usize {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        self.names.push(name.into());
        self.ids.insert(name.into(), self.names.len() - 1);
        self.names.len() - 1
    }

    fn add(&mut self, field: usize, op: Op, literal: &str, ci: bool) -> usize {
        self.defs.push((field, Literal::Text(op, literal.into(), ci)));
        self.defs.len() - 1
    }

    /// Case-insensitive `contains` leaves for `literals`: the witness of
    /// a regular expression that requires one of them.
    fn add_required(
        &mut self,
        field: usize,
        literals: &[String],
    ) -> Vec<usize> {
        literals
            .iter()
            .map(|l| self.add(field, Op::Contains, l, true))
            .collect()
    }

    fn add_number(&mut self, field: usize, n: f64) -> usize {
        self.defs.push((field, Literal::Number(n)));
        self.defs.len() - 1
    }

    /// One leaf for `members`, leaves of `field` that nothing else
    /// names, that fires when one of theirs would.
    fn add_any(&mut self, field: usize, members: Vec<usize>) -> usize {
        self.defs.push((field, Literal::Any(members)));
        self.defs.len() - 1
    }

    /// Per leaf, the leaf its literal fires: its own, or that of the
    /// [`Literal::Any`] it is a member of (outermost).
    fn fired(&self) -> Vec<usize> {
        let mut fired: Vec<usize> = (0..self.defs.len()).collect();
        // Members precede their group: from the last group down, each
        // member takes what its group fires.
        for (group, (_, literal)) in self.defs.iter().enumerate().rev() {
            if let Literal::Any(members) = literal {
                members.iter().for_each(|&m| fired[m] = fired[group]);
            }
        }
        fired
    }

    fn mark(&self) -> (usize, usize) {
        (self.defs.len(), self.names.len())
    }

    /// Forgets what was added since `mark` (a rule left to the engine).
    fn rollback(&mut self, (defs, names): (usize, usize)) {
        self.defs.truncate(defs);
        for name in self.names.drain(names..) {
            self.ids.remove(&name);
        }
    }
}

impl Facts {
    /// Indexes the rules it can answer (`(index, rule)`, ascending) and
    /// returns the indices of the others.
    pub(crate) fn build(
        rules: Vec<(usize, &IrRule)>,
        tables: usize,
    ) -> (Facts, Vec<usize>) {
        let mut leaves = Leaves::default();
        let mut ours = Vec::new();
        let mut leaf_rule = Vec::new();
        let mut others = Vec::new();
        for (index, rule) in rules {
            match from_ir::rule(index, rule, &mut leaves) {
                Some(r) => {
                    leaf_rule.resize(leaves.defs.len(), NOT_A_WITNESS);
                    for &leaf in r.witness.iter().flatten() {
                        leaf_rule[leaf] = ours.len();
                    }
                    ours.push(r);
                }
                None => others.push(index),
            }
        }
        let (fields, keywords) = index_fields(&leaves, &ours);
        let open =
            (0..ours.len()).filter(|&i| ours[i].witness.is_none()).collect();
        let plans = (0..=tables).map(|_| OnceLock::new()).collect();
        let facts = Facts {
            rules: ours,
            leaf_rule,
            fields,
            keywords,
            names: leaves.names,
            open,
            plans,
        };
        (facts, others)
    }

    /// Appends to `out` the rule indices of the matching rules, ascending.
    pub(crate) fn matches(
        &self,
        event: &Routed<'_>,
        table: Option<(usize, &FieldTable)>,
        out: &mut Vec<usize>,
    ) {
        if self.rules.is_empty() {
            return;
        }
        SEEN.with_borrow_mut(|seen| {
            seen.reset(self.leaf_rule.len(), self.rules.len());
            self.matches_with(event, table, seen, out);
        });
    }

    /// [`matches`](Facts::matches) with this thread's `seen`, reset.
    fn matches_with(
        &self,
        event: &Routed<'_>,
        table: Option<(usize, &FieldTable)>,
        seen: &mut Seen,
        out: &mut Vec<usize>,
    ) {
        let plan = self.plan(table);
        let mut values = recycle(std::mem::take(&mut seen.values));
        let priorities = &mut seen.priorities;
        plan.values(event.event(), self.names.len(), &mut values, priorities);
        for (field, value) in values.iter().enumerate() {
            if let Some(v) = value {
                self.scan(field, v, seen);
            }
        }
        if self.keywords.has_literals() {
            self.scan_keywords(event.event(), seen);
        }
        for &rule in &self.open {
            seen.rules.set(rule);
        }
        let cx = Cx { event, values: &values, seen };
        for position in seen.rules.ones() {
            let rule = &self.rules[position];
            if rule.conditions.iter().any(|c| cx.cond(c, &rule.detections)) {
                out.push(rule.index);
            }
        }
        seen.values = recycle(values);
    }

    /// The plan for events routed through `table` (the router's table
    /// number, below the count `build` was given, and the table).
    fn plan(&self, table: Option<(usize, &FieldTable)>) -> &Plan {
        let slot = table.map_or(0, |(i, _)| i + 1);
        let build = || Plan::new(&self.names, table.map(|(_, t)| t));
        let cell = self.plans.get(slot);
        debug_assert!(cell.is_some(), "table {slot} out of range");
        cell.unwrap_or(&self.plans[0]).get_or_init(build)
    }

    /// Sets the leaves `value` of `field` satisfies.
    fn scan(&self, field: usize, value: &FieldValue, seen: &mut Seen) {
        let index = &self.fields[field];
        if matches!(value, FieldValue::List(_)) {
            index.rules.iter().for_each(|&r| seen.rules.set(r));
            return;
        }
        let mut digits = itoa::Buffer::new();
        if let Some(text) = text_in(value, &mut digits) {
            self.scan_text(index, &text, seen);
        }
        if !index.numbers.is_empty()
            && let Some(n) = number(value)
            && let Some(leaves) = index.numbers.get(&n.to_bits())
        {
            leaves.iter().for_each(|&l| seen.fire(l, &self.leaf_rule));
        }
    }

    /// Sets the keyword leaves the event's text values satisfy (strings,
    /// list members included: what rsigma's keyword matching reads).
    ///
    /// The values are joined (see [`Joined`]) and scanned in one pass per
    /// automaton, as most events have many short values.
    fn scan_keywords(&self, event: &Event, seen: &mut Seen) {
        let index = &self.keywords;
        let texts = || {
            let values = event.fields().flat_map(|(_, v)| v.scalars());
            values.filter_map(FieldValue::as_str)
        };
        if !index.joinable() {
            return texts().for_each(|t| self.scan_text(index, t, seen));
        }
        if !index.empty.is_empty() {
            texts().for_each(|text| self.scan_empty(index, text, seen));
        }
        let mut joined = std::mem::take(&mut seen.joined);
        if let Some(needles) = &index.cs {
            joined.fill(texts(), |text, out| out.push_str(text));
            needles.scan_joined(&joined, seen, &self.leaf_rule);
        }
        if let Some(needles) = &index.ci {
            // Values as they are, or lowercased if not ASCII, then the
            // ASCII letters of all of them in one pass rather than one
            // pass per value: the same text as lowercasing each.
            joined.fill(texts(), push_lowercased_if_unicode);
            joined.make_ascii_lowercase();
            needles.scan_joined(&joined, seen, &self.leaf_rule);
        }
        seen.joined = joined;
    }

    /// Sets the leaves with an empty literal `text` satisfies.
    fn scan_empty(&self, index: &FieldIndex, text: &str, seen: &mut Seen) {
        for &(op, leaf) in &index.empty {
            if op.holds(0, 0, text.len()) {
                seen.fire(leaf, &self.leaf_rule);
            }
        }
    }

    fn scan_text(&self, index: &FieldIndex, text: &str, seen: &mut Seen) {
        self.scan_empty(index, text, seen);
        if let Some(needles) = &index.cs {
            needles.scan(text, seen, &self.leaf_rule);
        }
        if let Some(needles) = &index.ci {
            let mut lower = std::mem::take(&mut seen.lower);
            lowercase(text, &mut lower);
            needles.scan(&lower, seen, &self.leaf_rule);
            seen.lower = lower;
        }
    }
}

impl FieldIndex {
    fn has_literals(&self) -> bool {
        self.ci.is_some() || self.cs.is_some() || !self.empty.is_empty()
    }

    /// Whether every literal is in an automaton (which joined values
    /// need).
    fn joinable(&self) -> bool {
        let built =
            |n: &Option<Needles>| n.as_ref().is_none_or(Needles::joinable);
        built(&self.ci) && built(&self.cs)
    }
}

/// Per field, and for keywords, the literals by case sensitivity, with
/// their leaves.
fn index_fields(
    leaves: &Leaves,
    rules: &[Rule],
) -> (Vec<FieldIndex>, FieldIndex) {
    type Literals = HashMap<Box<str>, Uses>;
    let mut per: Vec<(Literals, Literals)> =
        (0..=leaves.names.len()).map(|_| Default::default()).collect();
    let mut fields: Vec<FieldIndex> =
        (0..=leaves.names.len()).map(|_| FieldIndex::default()).collect();
    let keywords = leaves.names.len();
    let fired = leaves.fired();
    for (leaf, (field, literal)) in leaves.defs.iter().enumerate() {
        let field = if *field == KEYWORDS { keywords } else { *field };
        let leaf = fired[leaf];
        let (op, literal, ci) = match literal {
            Literal::Text(op, literal, ci) => (op, literal, ci),
            Literal::Number(n) => {
                let numbers = &mut fields[field].numbers;
                numbers.entry(n.to_bits()).or_default().push(leaf);
                continue;
            }
            Literal::Any(_) => continue,
        };
        if literal.is_empty() {
            fields[field].empty.push((*op, leaf));
            continue;
        }
        let (cis, css) = &mut per[field];
        let map = if *ci { cis } else { css };
        map.entry(literal.clone()).or_default().push((*op, leaf));
    }
    for (position, rule) in rules.iter().enumerate() {
        for field in shape::fields(rule) {
            let list = &mut fields[field].rules;
            if list.last() != Some(&position) {
                list.push(position);
            }
        }
    }
    for (index, (cis, css)) in fields.iter_mut().zip(per) {
        // `Needles::build` sorts them: the order of the map is lost.
        index.ci = Needles::build(cis.into_iter().collect());
        index.cs = Needles::build(css.into_iter().collect());
    }
    let keywords = fields.pop().unwrap_or_default();
    (fields, keywords)
}

/// The text rsigma's string matchers see for a scalar value
/// ([`FieldValue::to_text`]: numbers and booleans as they print).
fn text(value: &FieldValue) -> Option<Cow<'_, str>> {
    has_text(value).then(|| value.to_text())
}

/// [`text`], integers written into `digits` rather than a new string
/// (every integer value of an event is scanned, in each of its buckets).
fn text_in<'v>(
    value: &'v FieldValue,
    digits: &'v mut itoa::Buffer,
) -> Option<Cow<'v, str>> {
    match value {
        FieldValue::Int(n) => Some(Cow::Borrowed(digits.format(*n))),
        FieldValue::UInt(n) => Some(Cow::Borrowed(digits.format(*n))),
        _ => text(value),
    }
}

/// Whether a scalar value has a text form (null has none).
fn has_text(value: &FieldValue) -> bool {
    !matches!(value, FieldValue::Null | FieldValue::List(_))
}

/// `text` lowercased into `out` as rsigma lowercases values
/// ([`ascii_lowercase_cow`]), reusing `out`'s allocation.
fn lowercase(text: &str, out: &mut String) {
    out.clear();
    lowercase_into(text, out);
}

/// `text` lowercased as [`lowercase`] does, appended to `out`.
fn lowercase_into(text: &str, out: &mut String) {
    let from = out.len();
    push_lowercased_if_unicode(text, out);
    // Nothing left to do for a lowercased non-ASCII text.
    out[from..].make_ascii_lowercase();
}

/// `text` appended to `out`: as it is if it is ASCII (the caller
/// lowercases its letters, see [`lowercase_into`]), else lowercased.
fn push_lowercased_if_unicode(text: &str, out: &mut String) {
    if text.is_ascii() {
        out.push_str(text);
    } else {
        // Not char by char: a final sigma lowercases by its context.
        out.push_str(&text.to_lowercase());
    }
}

/// The number rsigma's numeric matchers see in a scalar value.
fn number(value: &FieldValue) -> Option<f64> {
    match value {
        FieldValue::Int(n) => Some(*n as f64),
        // As rsigma parses our text of it: the same rounding.
        FieldValue::UInt(n) => Some(*n as f64),
        FieldValue::Float(x) => Some(*x),
        FieldValue::Str(s) => s.parse().ok(),
        _ => None,
    }
}

/// A fixed-size bit set.
#[derive(Default)]
struct Bits(Vec<u64>);

impl Bits {
    /// Clears the set and sizes it for `len` bits.
    fn reset(&mut self, len: usize) {
        self.0.clear();
        self.0.resize(len.div_ceil(64), 0);
    }

    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }

    fn get(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }

    /// The set bits, ascending.
    fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(w, &word)| {
            let mut word = word;
            std::iter::from_fn(move || {
                if word == 0 {
                    return None;
                }
                let bit = word.trailing_zeros() as usize;
                word &= word - 1;
                Some(w * 64 + bit)
            })
        })
    }
}

thread_local! {
    /// What the event being matched on this thread set: kept from event
    /// to event so that matching allocates nothing once warm.
    static SEEN: RefCell<Seen> = RefCell::new(Seen::default());
}

/// What one event set: fired leaves and candidate rules.
#[derive(Default)]
struct Seen {
    leaves: Bits,
    rules: Bits,
    /// The lowercased value being scanned.
    lower: String,
    /// The keyword values being scanned.
    joined: Joined,
    /// The event's value of each field (empty between events; see
    /// [`recycle`]).
    values: Vec<Option<&'static FieldValue>>,
    /// Scratch space of [`Plan::values`].
    priorities: Vec<u8>,
}

/// An emptied `Vec` of references with another lifetime, in the same
/// allocation (collecting a vector's own iterator reuses its buffer).
fn recycle<'b, T>(mut v: Vec<Option<&'_ T>>) -> Vec<Option<&'b T>> {
    v.clear();
    v.into_iter().map(|_| None).collect()
}

impl Seen {
    /// Nothing seen, for `leaves` leaves and `rules` rules.
    fn reset(&mut self, leaves: usize, rules: usize) {
        self.leaves.reset(leaves);
        self.rules.reset(rules);
    }

    fn fire(&mut self, leaf: usize, leaf_rule: &[usize]) {
        self.leaves.set(leaf);
        if leaf_rule[leaf] != NOT_A_WITNESS {
            self.rules.set(leaf_rule[leaf]);
        }
    }
}

/// Evaluation of one event's candidate rules.
struct Cx<'a, 'e> {
    event: &'a Routed<'e>,
    values: &'a [Option<&'e FieldValue>],
    seen: &'a Seen,
}

impl Cx<'_, '_> {
    fn cond(&self, c: &Cond, dets: &[Det]) -> bool {
        let det = |&i: &usize| self.det(&dets[i]);
        match c {
            Cond::False => false,
            Cond::Det(i) => det(i),
            Cond::And(cs) => cs.iter().all(|c| self.cond(c, dets)),
            Cond::Or(cs) => cs.iter().any(|c| self.cond(c, dets)),
            Cond::Not(c) => !self.cond(c, dets),
            Cond::Any(ds) => ds.iter().any(det),
            Cond::All(ds) => ds.iter().all(det),
            Cond::AtLeast(0, _) => true,
            Cond::AtLeast(n, ds) => {
                let n = usize::try_from(*n).unwrap_or(usize::MAX);
                ds.iter().filter(|i| det(i)).take(n).count() >= n
            }
        }
    }

    fn det(&self, d: &Det) -> bool {
        match d {
            Det::AllOf(items) => items.iter().all(|i| self.item(i)),
            Det::Keywords(leaves) => {
                leaves.iter().any(|&l| self.seen.leaves.get(l))
            }
            Det::AnyOf(ds) => ds.iter().any(|d| self.det(d)),
            Det::And(ds) => ds.iter().all(|d| self.det(d)),
        }
    }

    fn item(&self, i: &Item) -> bool {
        match i {
            Item::Exists { field: None, expect } => !expect,
            Item::Exists { field: Some(f), expect } => {
                let present = self.values[*f]
                    .is_some_and(|v| !matches!(v, FieldValue::Null));
                present == *expect
            }
            Item::Field { field, m, whole, absent } => {
                match self.values[*field] {
                    None => *absent,
                    Some(v @ FieldValue::List(_)) => {
                        whole.matches(&value(v), self.event)
                    }
                    Some(v) => self.m(m, v),
                }
            }
        }
    }

    /// `m` over a scalar value.
    fn m(&self, m: &M, v: &FieldValue) -> bool {
        match m {
            M::Leaf(leaf) => self.seen.leaves.get(*leaf),
            M::Any(ms) => ms.iter().any(|m| self.m(m, v)),
            M::All(ms) => ms.iter().all(|m| self.m(m, v)),
            M::Not(m) => !self.m(m, v),
            M::Text(m) => has_text(v) && self.m(m, v),
            M::Opaque(matcher, _) => matcher.matches(&value(v), self.event),
            M::OpaqueLowered(matcher, _) => text(v).is_some_and(|t| {
                let lowered = EventValue::Str(ascii_lowercase_cow(&t));
                matcher.matches(&lowered, self.event)
            }),
        }
    }
}

#[cfg(test)]
mod tests;
