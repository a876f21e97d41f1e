//! One router bucket's matcher: our [fact index](crate::facts) for most
//! rules, an rsigma [`Engine`] with its literal index for the rules the
//! fact index does not answer (keywords, array scopes), and direct
//! evaluation for the few rules whose literal lists are very long.
//!
//! Both indexes put the literals of their rules in Aho-Corasick automata
//! per field, built when the bucket's first event arrives. A handful of
//! SigmaHQ rules list thousands of hashes or names (vulnerable drivers,
//! hack-tool imphashes): measured on SigmaHQ, indexing the 10 driver-load
//! rules alone took 267 ms, over a tenth of a whole hunt over 74,550
//! events, for rules that see a few events. Such a rule is compiled whole
//! when its bucket is built (rsigma gives each long list its own
//! automaton) and run against each event of its bucket: cheaper than
//! folding its literals into the bucket's automata.

use rsigma_eval::{CompiledRule, Engine, EvaluationResult, Event};
use rsigma_ir::{IrDetection, IrMatcher, IrRule};

use crate::adapter::Routed;
use crate::facts::Facts;
use crate::router::FieldTable;
use crate::ruleset::Matcher;

/// A rule with more literal values than this is evaluated directly
/// rather than through the bucket's index.
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
        let mut indexed = Vec::new();
        let mut direct = Vec::new();
        for &i in bucket {
            let Some(ir) = rules.get(i).and_then(Matcher::ir) else {
                continue;
            };
            if literals(ir) > MAX_INDEXED_LITERALS {
                direct.extend(compiled(rules, i).map(|r| (i, r.clone())));
            } else {
                indexed.push((i, ir));
            }
        }
        let (facts, others) = Facts::build(indexed, tables);
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
