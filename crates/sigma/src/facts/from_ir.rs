//! A rule's IR (rsigma-ir's `IrRule`) in the fact index's terms.
//!
//! Plain values become leaves, and the lists, conjunctions and negations
//! over them follow; a regular expression or a value with wildcards
//! becomes an opaque matcher that rsigma compiles when a candidate rule
//! first needs it ([`Lazy`]). Anything else — encoded values
//! (`base64offset`, `windash`, …), numbers, lists that mix values with
//! other matchers — is compiled now and translated from its compiled
//! form ([`shape::compiled`]), because there rsigma's optimiser decides
//! how the list treats a value (see [`is_str`]): the index must answer
//! as the compiled rule does.

use rsigma_ir::{
    IrCondition, IrDetection, IrDetectionItem, IrMatcher, IrPattern,
    IrPatternPart, IrRule, IrStrOp,
};
use rsigma_parser::Quantifier;

use super::lazy::{self, Lazy};
use super::shape::{self, Cond, Det, Item, M, Op, Rule, cheap_first};
use super::{KEYWORDS, Leaves};

/// Translates `rule`, registering its leaves; `None` when it uses what
/// the index does not answer (keyword shapes other than lists of
/// literals, array scopes, nested conditions).
pub(super) fn rule(
    index: usize,
    rule: &IrRule,
    leaves: &mut Leaves,
) -> Option<Rule> {
    let names: Vec<&String> = rule.detections.keys().collect();
    let mut detections = Vec::with_capacity(names.len());
    let mark = leaves.mark();
    for name in &names {
        match det(&rule.detections[*name], leaves) {
            Some(d) => detections.push(d),
            None => {
                leaves.rollback(mark);
                return None;
            }
        }
    }
    let conditions: Vec<Cond> =
        rule.conditions.iter().map(|c| cond(c, &names)).collect();
    let witness = shape::witness(&conditions, &detections, leaves);
    Some(Rule { index, conditions, detections, witness })
}

fn cond(c: &IrCondition, names: &[&String]) -> Cond {
    let find = |name: &str| names.iter().position(|n| n.as_str() == name);
    match c {
        IrCondition::Detection(name) => {
            find(name).map_or(Cond::False, Cond::Det)
        }
        IrCondition::And(cs) => {
            Cond::And(cs.iter().map(|c| cond(c, names)).collect())
        }
        IrCondition::Or(cs) => {
            Cond::Or(cs.iter().map(|c| cond(c, names)).collect())
        }
        IrCondition::Not(c) => Cond::Not(Box::new(cond(c, names))),
        IrCondition::Selector { quantifier, pattern } => {
            let dets = (0..names.len())
                .filter(|&i| pattern.matches_detection_name(names[i]))
                .collect();
            match quantifier {
                Quantifier::Any => Cond::Any(dets),
                Quantifier::All => Cond::All(dets),
                Quantifier::Count(n) => Cond::AtLeast(*n, dets),
            }
        }
    }
}

fn det(d: &IrDetection, leaves: &mut Leaves) -> Option<Det> {
    Some(match d {
        IrDetection::AllOf(items) => Det::AllOf(cheap_first(
            items.iter().map(|i| item(i, leaves)).collect::<Option<_>>()?,
            Item::is_costly,
        )),
        IrDetection::AnyOf(ds) => Det::AnyOf(
            ds.iter().map(|d| det(d, leaves)).collect::<Option<_>>()?,
        ),
        IrDetection::And(ds) => {
            Det::And(ds.iter().map(|d| det(d, leaves)).collect::<Option<_>>()?)
        }
        IrDetection::Keywords(m) => {
            let m = matcher(m, KEYWORDS, leaves)?;
            Det::Keywords(shape::any_of_leaves(&m)?)
        }
        IrDetection::ArrayMatch { .. } | IrDetection::Conditional { .. } => {
            return None;
        }
    })
}

fn item(i: &IrDetectionItem, leaves: &mut Leaves) -> Option<Item> {
    let field = i.field.as_deref().map(|f| leaves.field(f));
    if let Some(expect) = i.exists {
        return Some(Item::Exists { field, expect });
    }
    let field = field?;
    Some(Item::Field {
        field,
        m: matcher(&i.matcher, field, leaves)?,
        whole: Box::new(Lazy::deferred(&i.matcher)),
        absent: matches!(i.matcher, IrMatcher::Null),
    })
}

/// `m` over the values of `field`; `None` if a part that must be
/// compiled now does not compile.
fn matcher(m: &IrMatcher, field: usize, leaves: &mut Leaves) -> Option<M> {
    match m {
        IrMatcher::Str { op, pattern, case_insensitive }
            if pattern.is_plain() =>
        {
            let plain = pattern.as_plain().unwrap_or_default();
            Some(M::Leaf(leaf(leaves, field, *op, &plain, *case_insensitive)))
        }
        IrMatcher::Str { .. } | IrMatcher::Regex { .. } => {
            Some(opaque(m, field, leaves))
        }
        IrMatcher::AnyOf(ms) if ms.len() == 1 => {
            matcher(&ms[0], field, leaves)
        }
        IrMatcher::AnyOf(ms) if ms.iter().all(is_str) => {
            let parts = ms.iter().map(|m| matcher(m, field, leaves));
            Some(shape::any(parts.collect::<Option<_>>()?, field, leaves))
        }
        IrMatcher::AllOf(ms) => Some(M::All(
            ms.iter()
                .map(|m| matcher(m, field, leaves))
                .collect::<Option<_>>()?,
        )),
        IrMatcher::Not(inner) => {
            Some(M::Not(Box::new(matcher(inner, field, leaves)?)))
        }
        other => {
            Some(shape::compiled(&lazy::compile(other)?, field, false, leaves))
        }
    }
}

/// A leaf for a plain value, lowercased as rsigma lowercases
/// case-insensitive values.
fn leaf(
    leaves: &mut Leaves,
    field: usize,
    op: IrStrOp,
    plain: &str,
    ci: bool,
) -> usize {
    let op = match op {
        IrStrOp::Exact => Op::Exact,
        IrStrOp::Contains => Op::Contains,
        IrStrOp::StartsWith => Op::StartsWith,
        IrStrOp::EndsWith => Op::EndsWith,
    };
    match ci {
        true => leaves.add(field, op, &plain.to_lowercase(), true),
        false => leaves.add(field, op, plain, false),
    }
}

/// An opaque matcher for `m`, witnessed by the literals its regular
/// expression requires.
fn opaque(m: &IrMatcher, field: usize, leaves: &mut Leaves) -> M {
    let literals = regex(m).and_then(|r| super::pattern::required(&r));
    let witness = literals.map(|l| leaves.add_required(field, &l));
    M::Opaque(Box::new(Lazy::deferred(m)), witness)
}

/// The regular expression rsigma compiles `m` to: a value with
/// wildcards as its `compile_sigma_string` writes it, `|re` with its
/// flags as its `build_regex` does.
pub(super) fn regex(m: &IrMatcher) -> Option<String> {
    match m {
        IrMatcher::Str { op, pattern, case_insensitive } => {
            Some(wildcards(*op, pattern, *case_insensitive))
        }
        IrMatcher::Regex {
            pattern,
            case_insensitive,
            multiline,
            dotall,
            ..
        } => {
            let flags =
                [(*case_insensitive, 'i'), (*multiline, 'm'), (*dotall, 's')];
            let flags: String =
                flags.iter().filter(|(on, _)| *on).map(|(_, f)| *f).collect();
            Some(match flags.is_empty() {
                true => pattern.clone(),
                false => format!("(?{flags}){pattern}"),
            })
        }
        _ => None,
    }
}

fn wildcards(op: IrStrOp, pattern: &IrPattern, ci: bool) -> String {
    let contains = op == IrStrOp::Contains;
    let mut regex = String::from(if ci { "(?i)" } else { "" });
    if !contains && op != IrStrOp::StartsWith {
        regex.push('^');
    }
    for part in &pattern.parts {
        match part {
            IrPatternPart::Literal(text) => {
                regex.push_str(&regex_syntax::escape(text));
            }
            IrPatternPart::WildcardMulti => regex.push_str(".*"),
            IrPatternPart::WildcardSingle => regex.push('.'),
        }
    }
    if !contains && op != IrStrOp::EndsWith {
        regex.push('$');
    }
    regex
}

/// Whether `m` is a value, plain or with wildcards. A list of values is
/// the disjunction of its values however rsigma's optimiser groups them
/// (it documents its rewrites as pure; each of these matchers holds for
/// no null, grouped or not): lists with other members (negations,
/// numbers, encodings, …) are compiled, where a group seeing the
/// lowercased value can answer otherwise than its members would.
fn is_str(m: &IrMatcher) -> bool {
    matches!(m, IrMatcher::Str { .. })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Literal;
    use rsigma_eval::CompiledMatcher;

    fn pattern(parts: &[&str]) -> IrPattern {
        let part = |p: &&str| match *p {
            "*" => IrPatternPart::WildcardMulti,
            "?" => IrPatternPart::WildcardSingle,
            text => IrPatternPart::Literal(text.to_owned()),
        };
        IrPattern { parts: parts.iter().map(part).collect() }
    }

    /// The witnesses of opaque parts come from the text of the regular
    /// expression rsigma compiles: it must be that text.
    #[test]
    fn regex_texts_are_rsigmas() {
        let ops = [
            IrStrOp::Exact,
            IrStrOp::Contains,
            IrStrOp::StartsWith,
            IrStrOp::EndsWith,
        ];
        let parts = [
            pattern(&["C:\\a.b", "*", "(x)", "?", "$"]),
            pattern(&["*", "mimikatz", "*"]),
        ];
        let mut cases = Vec::new();
        for (op, pattern, ci) in ops.iter().flat_map(|op| {
            parts.iter().flat_map(move |p| [(op, p, true), (op, p, false)])
        }) {
            cases.push(IrMatcher::Str {
                op: *op,
                pattern: pattern.clone(),
                case_insensitive: ci,
            });
        }
        for flags in 0..8u8 {
            cases.push(IrMatcher::Regex {
                pattern: r"\\(cmd|powershell)\.exe$".to_owned(),
                case_insensitive: flags & 1 != 0,
                multiline: flags & 2 != 0,
                dotall: flags & 4 != 0,
                cased: false,
            });
        }
        for m in &cases {
            let Some(CompiledMatcher::Regex(re)) = lazy::compile(m) else {
                panic!("{m:?} compiles to one regular expression");
            };
            assert_eq!(regex(m).as_deref(), Some(re.as_str()), "{m:?}");
        }
    }

    #[test]
    fn lists_of_values_are_leaves_and_opaque_parts() {
        let mut leaves = Leaves::default();
        let str = |parts: &[&str]| IrMatcher::Str {
            op: IrStrOp::Contains,
            pattern: pattern(parts),
            case_insensitive: true,
        };
        let any = IrMatcher::AnyOf(vec![
            str(&["a", "*", "Mimikatz"]),
            str(&["Sekurlsa"]),
            str(&["LSADump"]),
        ]);
        let Some(M::Any(ms)) = matcher(&any, 0, &mut leaves) else {
            panic!("a list of values is a disjunction");
        };
        let [M::Leaf(plain), M::Opaque(..)] = ms[..] else {
            panic!("the plain values as one leaf, then the opaque part");
        };
        let text = |leaf: usize| match &leaves.defs[leaf].1 {
            Literal::Text(Op::Contains, t, true) => Some(&**t),
            _ => None,
        };
        assert_eq!(text(0), Some("mimikatz"), "the witness, lowercased");
        assert_eq!(text(1), Some("sekurlsa"));
        assert!(
            matches!(&leaves.defs[plain].1, Literal::Any(m) if m == &[1, 2])
        );
        assert_eq!(leaves.fired(), [0, plain, plain, plain]);
        let Some(M::Opaque(lazy, Some(witness))) = ms.last() else {
            panic!("witnessed")
        };
        assert_eq!(witness, &[0]);
        let Lazy::Deferred(_, cell) = &**lazy else { panic!("deferred") };
        assert!(cell.get().is_none(), "not compiled before it is used");
    }
}
