//! One router bucket's matcher: our [fact index](crate::facts) for most
//! rules, an rsigma [`Engine`] with its literal index for the rules the
//! fact index does not answer (keywords with negations, array scopes),
//! and direct evaluation for those of them whose literal lists are very
//! long.
//!
//! Both indexes put the literals of their rules in Aho-Corasick automata
//! per field, built when the bucket's first event arrives. A handful of
//! SigmaHQ rules list thousands of hashes, names or emoji (vulnerable
//! drivers, hack-tool imphashes): the fact index takes them (its
//! automata hold 16-byte heads, a list is one leaf to read, and literals
//! with non-ASCII characters are only sought in non-ASCII values), but
//! rsigma's engine index took 267 ms for the ten driver-load rules
//! alone. A rule the engine would index with such a list is compiled
//! whole when its bucket is built (rsigma gives each long list its own
//! automaton) and run against each event of its bucket.
//!
//! Measured on SigmaHQ's `rules/` over the attack samples ten times over
//! as JSON lines, one core: evaluating the nine long-list rules directly
//! (compiling them took about 180 M instructions per hunt) rather than
//! in the fact index cost 6.5 % more instructions in all, and 10 % more
//! time (0.64 s against 0.58 s), the same detections.

use rsigma_eval::{CompiledRule, Engine, EvaluationResult, Event};
use rsigma_ir::{IrDetection, IrMatcher, IrRule};

use crate::adapter::Routed;
use crate::facts::Facts;
use crate::router::FieldTable;
use crate::ruleset::Matcher;

/// A rule the engine would index with more literal values than this is
/// evaluated directly instead.
pub(crate) const MAX_INDEXED_LITERALS: usize = 256;

/// The matcher of one router bucket.
pub(crate) struct Bucket {
    facts: Facts,
    engine: Engine,
    /// Rules evaluated directly, with their indices in the rule set,
    /// ascending.
    direct: Vec<(usize, CompiledRule)>,
}

impl Bucket {
    /// Builds the matcher of the rules `bucket` names (ascending indices
    /// into `rules`), for events routed through up to `tables` field
    /// tables. Only the rules the fact index leaves to the engine, and
    /// the directly evaluated ones, are compiled whole here.
    pub(crate) fn build(
        bucket: &[usize],
        rules: &[Matcher],
        tables: usize,
    ) -> Bucket {
        let ir = |i: usize| rules.get(i).and_then(Matcher::ir);
        let indexed = bucket.iter().filter_map(|&i| Some((i, ir(i)?)));
        let (facts, others) = Facts::build(indexed.collect(), tables);
        let long = |&i: &usize| {
            ir(i).is_some_and(|r| literals(r) > MAX_INDEXED_LITERALS)
        };
        let (long, others): (Vec<usize>, Vec<usize>) =
            others.into_iter().partition(long);
        let direct = long
            .into_iter()
            .filter_map(|i| Some((i, compiled(rules, i)?.clone())))
            .collect();
        let mut engine = Engine::new();
        let others = others.into_iter().filter_map(|i| compiled(rules, i));
        engine.extend_compiled_rules(others.cloned());
        Bucket { facts, engine, direct }
    }

    /// Appends to `out` the indices of the rules of the fact index that
    /// match `event`, ascending.
    pub(crate) fn facts(
        &self,
        event: &Routed<'_>,
        table: Option<(usize, &FieldTable)>,
        out: &mut Vec<usize>,
    ) {
        self.facts.matches(event, table, out);
    }

    /// The engine's results for `event` (rules it indexes).
    pub(crate) fn indexed<E: Event>(
        &self,
        event: &E,
    ) -> Vec<EvaluationResult> {
        if self.engine.rule_count() == 0 {
            return Vec::new();
        }
        self.engine.evaluate(event)
    }

    /// The directly evaluated rules that match `event`, ascending.
    pub(crate) fn direct<'a, E: Event>(
        &'a self,
        event: &'a E,
    ) -> impl Iterator<Item = usize> + 'a {
        let fires = |(_, rule): &&(usize, CompiledRule)| {
            rsigma_eval::evaluate_rule(rule, event).is_some()
        };
        self.direct.iter().filter(fires).map(|(i, _)| *i)
    }
}

fn compiled(rules: &[Matcher], i: usize) -> Option<&CompiledRule> {
    rules.get(i)?.get(i)
}

/// How many literal values a rule's detections hold.
fn literals(rule: &IrRule) -> usize {
    rule.detections.values().map(detection).sum()
}

fn detection(d: &IrDetection) -> usize {
    match d {
        IrDetection::AllOf(items) => {
            items.iter().map(|i| matcher(&i.matcher)).sum()
        }
        IrDetection::AnyOf(ds) | IrDetection::And(ds) => {
            ds.iter().map(detection).sum()
        }
        IrDetection::Keywords(m) => matcher(m),
        IrDetection::ArrayMatch { body, .. } => detection(body),
        IrDetection::Conditional { named, .. } => {
            named.values().map(detection).sum()
        }
    }
}

fn matcher(m: &IrMatcher) -> usize {
    match m {
        IrMatcher::Not(m) | IrMatcher::TimestampPart { inner: m, .. } => {
            matcher(m)
        }
        IrMatcher::AnyOf(ms) | IrMatcher::AllOf(ms) => {
            ms.iter().map(matcher).sum()
        }
        _ => 1,
    }
}
