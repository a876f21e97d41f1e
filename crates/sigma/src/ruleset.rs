//! The compiled rule set and per-event matching.

use counterspy_model::{Event, FieldKey};
use std::sync::OnceLock;
use std::time::Duration;

use rsigma_eval::{CompiledRule, EvaluationResult};
use rsigma_ir::IrRule;

use crate::adapter::Routed;
use crate::bucket::Bucket;
use crate::correlation::Spec;
use crate::router::Router;
use crate::{Diagnostic, Hit, LoadStats, RuleInfo};

/// The custom attribute that tells us which of our rules an engine
/// result belongs to.
pub(crate) const RULE_ATTR: &str = "counterspy.rule";

/// Loaded, compiled rules: immutable, `Send + Sync`, shared by every
/// matching thread. Built by [`RuleSetBuilder`](crate::RuleSetBuilder).
pub struct RuleSet {
    pub(crate) rules: Vec<RuleInfo>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) stats: LoadStats,
    pub(crate) router: Router,
    /// One matcher per router bucket, built when the first event of the
    /// bucket arrives: building an engine's literal index (Aho-Corasick
    /// automata) is most of the cost of loading SigmaHQ, and a hunt over
    /// a few channels needs a few buckets.
    pub(crate) buckets: Vec<OnceLock<Bucket>>,
    /// The detection rules' matchers (by rule index), for the buckets.
    pub(crate) compiled: Vec<Matcher>,
    /// Per rule, the fields its hits carry for correlations.
    pub(crate) needs: Vec<Box<[FieldKey]>>,
    pub(crate) specs: Vec<Spec>,
    /// Whether the set came from a [`RuleCache`](crate::RuleCache).
    pub(crate) cached: bool,
}

/// A rule's matcher: its IR, from which the fact index translates it,
/// and the rule compiled whole, for rsigma's engine and direct
/// evaluation, when first asked for (a build checks that each rule
/// compiles, then keeps only the IR). A rule that is not a detection has
/// neither.
pub(crate) struct Matcher {
    ir: Option<Box<IrRule>>,
    compiled: OnceLock<Option<CompiledRule>>,
}

impl Matcher {
    /// Not a detection rule.
    pub(crate) fn none() -> Matcher {
        Matcher { ir: None, compiled: OnceLock::from(None) }
    }

    /// A rule compiled when first asked for.
    pub(crate) fn deferred(ir: IrRule) -> Matcher {
        Matcher { ir: Some(Box::new(ir)), compiled: OnceLock::new() }
    }

    pub(crate) fn ir(&self) -> Option<&IrRule> {
        self.ir.as_deref()
    }

    /// The compiled rule number `index`. The rule compiled when it was
    /// loaded (or when its build was cached), by the same code (the
    /// cache key covers it), so it compiles again; should it not, it is
    /// left out.
    pub(crate) fn get(&self, index: usize) -> Option<&CompiledRule> {
        let compile = || {
            let ir = self.ir.as_deref()?;
            let mut rule = rsigma_eval::compile_to_compiled(ir).ok()?;
            crate::build::slim(&mut rule, index);
            Some(rule)
        };
        self.compiled.get_or_init(compile).as_ref()
    }
}

impl RuleSet {
    /// Every loaded rule; [`Hit::rule`] and
    /// [`CorrelationHit::rule`](crate::CorrelationHit::rule) index it.
    pub fn rules(&self) -> &[RuleInfo] {
        &self.rules
    }

    /// Everything loading found wrong, in load order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Rules loaded and rejected, by reason.
    pub fn stats(&self) -> &LoadStats {
        &self.stats
    }

    /// Whether the set has correlation rules (else a
    /// [`Correlator`](crate::Correlator) has nothing to do).
    pub fn has_correlations(&self) -> bool {
        !self.specs.is_empty()
    }

    /// The longest `timespan` of its correlation rules (`None` without
    /// correlations): how far back from the newest event a later batch
    /// can still need a hit.
    pub fn longest_timespan(&self) -> Option<Duration> {
        let micros = self.specs.iter().map(|s| s.span_micros).max()?;
        Some(Duration::from_micros(u64::try_from(micros).unwrap_or(0)))
    }

    /// A digest of everything [`Hit`]s and correlation state depend on:
    /// the rules in order (id, name, title, kind), the fields each
    /// rule's hits carry, and each correlation as resolved (type,
    /// references, `group-by`, `timespan`, condition). Stable across
    /// processes and platforms for the same rules and crate version, so
    /// state kept between runs (hits, windows) can be checked against
    /// the rules it was made with. Levels, paths and descriptions do not
    /// count.
    pub fn fingerprint(&self) -> u64 {
        crate::fingerprint::of(self)
    }

    /// Whether this set was read from a [`RuleCache`](crate::RuleCache)
    /// rather than built from the rule files.
    pub fn from_cache(&self) -> bool {
        self.cached
    }

    pub(crate) fn specs(&self) -> &[Spec] {
        &self.specs
    }

    /// Appends to `hits` every detection rule that matches `event`.
    ///
    /// Only the rules whose logsource can match the event's `Channel`
    /// and `EventID` are considered, and of those only the ones the
    /// engine's literal index selects; field renames of the event's
    /// route apply. Hits of rules that are not [`RuleInfo::reported`] are
    /// included (their correlations need them).
    pub fn matches(&self, event: &Event, hits: &mut Vec<Hit>) {
        let target = self.router.route(event);
        let table = target
            .fields
            .and_then(|i| Some((i, self.router.field_tables.get(i)?)));
        let routed = Routed::new(event, table.map(|(_, t)| t));
        let mut rules = Vec::new();
        for bucket in target.buckets.into_iter().flatten() {
            let Some(bucket) = self.bucket(bucket) else { continue };
            bucket.facts(&routed, table, &mut rules);
            let results = bucket.indexed(&routed);
            rules.extend(results.iter().filter_map(rule_index));
            rules.extend(bucket.direct(&routed));
            rules.sort_unstable();
            for rule in rules.drain(..) {
                hits.push(Hit::new(rule, self.values(rule, &routed)));
            }
        }
    }

    /// Like [`RuleSet::matches`], without any index: every rule the
    /// event's route selects is evaluated on its own by rsigma. Slow; the
    /// reference the indexed path is tested against.
    pub fn matches_exhaustively(&self, event: &Event, hits: &mut Vec<Hit>) {
        let target = self.router.route(event);
        let routed = Routed::new(event, self.router.fields(target));
        for bucket in target.buckets.into_iter().flatten() {
            let Some(rules) = self.router.buckets.get(bucket) else {
                continue;
            };
            for &rule in rules {
                let Some(compiled) = self.compiled.get(rule) else { continue };
                let Some(compiled) = compiled.get(rule) else { continue };
                if rsigma_eval::evaluate_rule(compiled, &routed).is_some() {
                    hits.push(Hit::new(rule, self.values(rule, &routed)));
                }
            }
        }
    }

    fn bucket(&self, bucket: usize) -> Option<&Bucket> {
        let rules = self.router.buckets.get(bucket)?;
        let cell = self.buckets.get(bucket)?;
        let tables = self.router.field_tables.len();
        Some(cell.get_or_init(|| Bucket::build(rules, &self.compiled, tables)))
    }

    fn values(
        &self,
        rule: usize,
        event: &Routed<'_>,
    ) -> Box<[Option<Box<str>>]> {
        let Some(needs) = self.needs.get(rule) else { return Box::default() };
        let text =
            |k: &FieldKey| event.lookup_key(k).map(|v| v.to_text().into());
        needs.iter().map(text).collect()
    }
}

fn rule_index(result: &EvaluationResult) -> Option<usize> {
    let attr = result.header.custom_attributes.get(RULE_ATTR)?;
    usize::try_from(attr.as_u64()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send_sync<T: Send + Sync>() {}

    #[test]
    fn rule_set_is_shareable() {
        send_sync::<RuleSet>();
    }
}
