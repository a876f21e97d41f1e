//! rsigma matchers compiled when first asked for.
//!
//! Compiling a rule with rsigma builds every regular expression it holds
//! and an Aho-Corasick automaton for every list of eight or more
//! `contains` values (its optimiser's), whether or not an event ever
//! needs them. The fact index puts plain values in its own automata and
//! asks rsigma only about the rest, and only for candidate rules: so it
//! keeps each such part as the rule's IR and compiles it on first use.
//! Measured on SigmaHQ with the rule cache, compiling whole rules when a
//! bucket's first event arrived was a third of a hunt over the attack
//! samples (0.1 s of 0.32 s).
//!
//! rsigma compiles whole rules only, so a part is compiled as the one
//! item of a rule of its own ([`compile`]): the same function compiles it
//! as when it sits in its rule, its regular expressions cut to what
//! decides whether they match ([`trim`](super::trim)), all rsigma asks.

use std::collections::HashMap;
use std::sync::OnceLock;

use rsigma_eval::{CompiledDetection, CompiledMatcher, Event, EventValue};
use rsigma_ir::{IrDetection, IrDetectionItem, IrMatcher, IrRule};

use super::from_ir::regex;
use super::trim;

/// A matcher compiled now, or from its IR when first used.
pub(super) enum Lazy {
    Ready(CompiledMatcher),
    Deferred(IrMatcher, OnceLock<Option<CompiledMatcher>>),
}

impl Lazy {
    pub(super) fn deferred(ir: &IrMatcher) -> Lazy {
        Lazy::Deferred(ir.clone(), OnceLock::new())
    }

    /// Whether the matcher holds for `value`. A part whose rule compiled
    /// when it was loaded compiles again (the same code, the same IR);
    /// should it not, it holds for nothing.
    pub(super) fn matches(
        &self,
        value: &EventValue<'_>,
        event: &impl Event,
    ) -> bool {
        let compiled = match self {
            Lazy::Ready(m) => Some(m),
            Lazy::Deferred(ir, cell) => {
                cell.get_or_init(|| compile(ir)).as_ref()
            }
        };
        compiled.is_some_and(|m| m.matches(value, event))
    }
}

/// `ir` compiled as rsigma compiles it in a detection item.
pub(super) fn compile(ir: &IrMatcher) -> Option<CompiledMatcher> {
    const NAME: &str = "part";
    let item = IrDetectionItem {
        field: Some(NAME.to_owned()),
        matcher: for_is_match(ir),
        exists: None,
    };
    let rule = IrRule {
        metadata: Default::default(),
        logsource: Default::default(),
        sigma_version: None,
        detections: HashMap::from([(
            NAME.to_owned(),
            IrDetection::AllOf(vec![item]),
        )]),
        conditions: Vec::new(),
    };
    let mut compiled = rsigma_eval::compile_to_compiled(&rule).ok()?;
    match compiled.detections.remove(NAME)? {
        CompiledDetection::AllOf(mut items) if items.len() == 1 => {
            items.pop().map(|i| i.matcher)
        }
        _ => None,
    }
}

/// `ir` with each regular expression cut by [`trim::for_is_match`].
fn for_is_match(ir: &IrMatcher) -> IrMatcher {
    let each = |ms: &[IrMatcher]| ms.iter().map(for_is_match).collect();
    match ir {
        IrMatcher::Regex { cased, .. } => {
            let cut = regex(ir).and_then(|r| trim::for_is_match(&r));
            match cut {
                Some(pattern) => IrMatcher::Regex {
                    pattern,
                    case_insensitive: false,
                    multiline: false,
                    dotall: false,
                    cased: *cased,
                },
                None => ir.clone(),
            }
        }
        IrMatcher::AnyOf(ms) => IrMatcher::AnyOf(each(ms)),
        IrMatcher::AllOf(ms) => IrMatcher::AllOf(each(ms)),
        IrMatcher::Not(m) => IrMatcher::Not(Box::new(for_is_match(m))),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsigma_ir::{IrPattern, IrPatternPart, IrStrOp};

    fn plain(op: IrStrOp, text: &str) -> IrMatcher {
        IrMatcher::Str {
            op,
            pattern: IrPattern {
                parts: vec![IrPatternPart::Literal(text.to_owned())],
            },
            case_insensitive: true,
        }
    }

    #[test]
    fn a_part_compiles_as_in_its_rule() {
        let any = IrMatcher::AnyOf(
            (0..8)
                .map(|i| plain(IrStrOp::Contains, &format!("X{i}")))
                .collect(),
        );
        let Some(CompiledMatcher::AhoCorasickSet { needles, .. }) =
            compile(&any)
        else {
            panic!("eight contains values are one automaton in rsigma");
        };
        assert_eq!(needles[0], "x0", "lowercased as rsigma does");
    }

    #[test]
    fn a_deferred_part_compiles_once_used() {
        let lazy = Lazy::deferred(&plain(IrStrOp::EndsWith, "\\CMD.exe"));
        let Lazy::Deferred(_, cell) = &lazy else { unreachable!() };
        assert!(cell.get().is_none());
        let event = serde_json::json!({});
        let event = rsigma_eval::JsonEvent::borrow(&event);
        assert!(
            lazy.matches(&EventValue::Str("C:\\x\\cmd.EXE".into()), &event)
        );
        assert!(!lazy.matches(&EventValue::Str("cmd.exe.bak".into()), &event));
        assert!(cell.get().is_some());
    }
}
