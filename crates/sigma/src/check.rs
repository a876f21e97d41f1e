//! Whether a rule compiles, learnt without building what compiling it
//! builds.
//!
//! A build rejects a rule that rsigma cannot compile (a bad regular
//! expression or CIDR, a bad modifier combination, …), and keeps only its
//! IR. rsigma's compiler also turns every `AnyOf` list of plain values
//! into an Aho-Corasick automaton (and of regular expressions into a
//! `RegexSet`), which cannot fail (a failed build keeps the items) and
//! which the check built only to drop: a seventh of loading SigmaHQ's
//! rules cold. An
//! `AnyOf` compiles its items exactly as an `AllOf` does (each in turn,
//! the first error returned; only the result is then optimised), so the
//! check compiles the rule with every `AnyOf` matcher made an `AllOf`,
//! then makes them `AnyOf`s again.

use rsigma_eval::EvalError;
use rsigma_ir::{IrDetection, IrMatcher, IrRule};

/// `Ok` exactly when `rsigma_eval::compile_to_compiled(ir)` is; `ir` is
/// left as it was.
pub(crate) fn compiles(ir: &mut IrRule) -> Result<(), EvalError> {
    let mut were_any = Vec::new();
    each_matcher(ir, &mut |m| to_all_of(m, &mut were_any));
    let result = rsigma_eval::compile_to_compiled(ir).map(drop);
    let mut were_any = were_any.into_iter();
    each_matcher(ir, &mut |m| back_to_any_of(m, &mut were_any));
    result
}

/// Makes an `AnyOf` an `AllOf`; notes, for every list, whether it was an
/// `AnyOf`.
fn to_all_of(m: &mut IrMatcher, were_any: &mut Vec<bool>) {
    match m {
        IrMatcher::AnyOf(items) => {
            were_any.push(true);
            *m = IrMatcher::AllOf(std::mem::take(items));
        }
        IrMatcher::AllOf(_) => were_any.push(false),
        _ => {}
    }
}

/// Undoes [`to_all_of`], the lists met in the same order.
fn back_to_any_of(
    m: &mut IrMatcher,
    were_any: &mut impl Iterator<Item = bool>,
) {
    if let IrMatcher::AllOf(items) = m
        && were_any.next() == Some(true)
    {
        *m = IrMatcher::AnyOf(std::mem::take(items));
    }
}

/// Calls `f` on every matcher of `ir`, each before the matchers inside
/// it, in an order that is the same on every call (the detections' maps
/// are not changed in between).
fn each_matcher(ir: &mut IrRule, f: &mut impl FnMut(&mut IrMatcher)) {
    for d in ir.detections.values_mut() {
        detection(d, f);
    }
}

fn detection(d: &mut IrDetection, f: &mut impl FnMut(&mut IrMatcher)) {
    match d {
        IrDetection::AllOf(items) => {
            items.iter_mut().for_each(|i| matcher(&mut i.matcher, f));
        }
        IrDetection::AnyOf(ds) | IrDetection::And(ds) => {
            ds.iter_mut().for_each(|d| detection(d, f));
        }
        IrDetection::Keywords(m) => matcher(m, f),
        IrDetection::ArrayMatch { body, .. } => detection(body, f),
        IrDetection::Conditional { named, .. } => {
            named.values_mut().for_each(|d| detection(d, f));
        }
    }
}

fn matcher(m: &mut IrMatcher, f: &mut impl FnMut(&mut IrMatcher)) {
    f(m);
    match m {
        IrMatcher::Not(inner) | IrMatcher::TimestampPart { inner, .. } => {
            matcher(inner, f);
        }
        IrMatcher::AnyOf(ms) | IrMatcher::AllOf(ms) => {
            ms.iter_mut().for_each(|m| matcher(m, f));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use rsigma_ir::{IrDetectionItem, IrPattern, IrPatternPart, IrStrOp};

    use super::*;

    fn plain(value: &str) -> IrMatcher {
        IrMatcher::Str {
            op: IrStrOp::Contains,
            pattern: IrPattern {
                parts: vec![IrPatternPart::Literal(value.to_owned())],
            },
            case_insensitive: true,
        }
    }

    fn regex(pattern: &str) -> IrMatcher {
        IrMatcher::Regex {
            pattern: pattern.to_owned(),
            case_insensitive: false,
            multiline: false,
            dotall: false,
            cased: false,
        }
    }

    fn rule(m: IrMatcher) -> IrRule {
        let item = IrDetectionItem {
            field: Some("CommandLine".to_owned()),
            matcher: m,
            exists: None,
        };
        IrRule {
            metadata: Default::default(),
            logsource: Default::default(),
            sigma_version: None,
            detections: HashMap::from([
                (
                    "selection".to_owned(),
                    IrDetection::Keywords(IrMatcher::AnyOf(vec![plain("k")])),
                ),
                ("filter".to_owned(), IrDetection::AllOf(vec![item])),
            ]),
            conditions: Vec::new(),
        }
    }

    /// Nested lists of both kinds, eight or more plain values (which
    /// rsigma makes an automaton of), under `Not`.
    fn nested(last: IrMatcher) -> IrMatcher {
        let many: Vec<_> = (0..10).map(|i| plain(&format!("v{i}"))).collect();
        IrMatcher::AllOf(vec![
            IrMatcher::AnyOf(many),
            IrMatcher::Not(Box::new(IrMatcher::AnyOf(vec![
                IrMatcher::AllOf(vec![plain("a"), plain("b")]),
                IrMatcher::AnyOf(vec![plain("c"), last]),
            ]))),
        ])
    }

    #[test]
    fn answers_as_rsigma_and_leaves_the_rule_as_it_was() {
        for last in [regex("a+b"), regex("(unclosed"), plain("d")] {
            let original = rule(nested(last));
            let mut checked = original.clone();
            let expected = rsigma_eval::compile_to_compiled(&original);
            let got = compiles(&mut checked);
            assert_eq!(got.is_ok(), expected.is_ok(), "{got:?}");
            assert_eq!(checked, original);
        }
        let mut bad = rule(nested(regex("(unclosed")));
        assert!(matches!(compiles(&mut bad), Err(EvalError::InvalidRegex(_))));
    }

    /// Every rule of SigmaHQ's `rules/` as lowered (no preparation of
    /// ours): the same answer as rsigma's compiler, the IR unchanged.
    #[test]
    fn answers_as_rsigma_on_every_sigmahq_rule() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/corpora/sigma/rules");
        let options = rsigma_ir::LowerOptions::default();
        let (mut checked, mut rejected) = (0, 0);
        for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
            let path = entry.expect("readable").into_path();
            if path.extension().is_none_or(|e| e != "yml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("readable");
            let Ok(parsed) = rsigma_parser::parse_sigma_yaml(&text) else {
                continue;
            };
            for rule in &parsed.rules {
                let Ok(ir) = rsigma_ir::lower_rule(rule, &options) else {
                    continue;
                };
                let expected = rsigma_eval::compile_to_compiled(&ir).is_ok();
                let mut copy = ir.clone();
                let got = compiles(&mut copy).is_ok();
                assert_eq!(got, expected, "{}", path.display());
                assert!(copy == ir, "{} changed", path.display());
                checked += 1;
                rejected += usize::from(!got);
            }
        }
        assert!(checked > 3_000, "{checked} rules checked");
        assert!(rejected < 10, "{rejected} rules rejected");
    }
}
