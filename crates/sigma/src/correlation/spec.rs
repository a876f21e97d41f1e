//! Correlation rules, resolved against the loaded detection rules.

use std::collections::HashMap;

use counterspy_model::FieldKey;
use rsigma_parser::{
    ConditionExpr, ConditionOperator, CorrelationCondition, CorrelationRule,
    CorrelationType as Ast, WindowMode,
};
use serde::{Deserialize, Serialize};

use crate::DiagnosticCode;

/// The type of a correlation rule (Sigma specification v2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrelationType {
    /// `event_count`: how many hits.
    EventCount,
    /// `value_count`: how many distinct values of a field.
    ValueCount,
    /// `temporal`: the referenced rules all fire.
    Temporal,
    /// `temporal_ordered`: they fire in the listed order.
    TemporalOrdered,
}

/// A comparison of a correlation condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Op {
    Lt,
    Lte,
    Gt,
    Gte,
    Eq,
    Neq,
}

impl Op {
    pub(crate) fn holds(self, value: u64, bound: u64) -> bool {
        match self {
            Op::Lt => value < bound,
            Op::Lte => value <= bound,
            Op::Gt => value > bound,
            Op::Gte => value >= bound,
            Op::Eq => value == bound,
            Op::Neq => value != bound,
        }
    }
}

/// A boolean expression over the referenced rules (extended temporal
/// conditions), by position in `refs`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Expr {
    Rule(usize),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
}

impl Expr {
    pub(crate) fn eval(&self, present: &dyn Fn(usize) -> bool) -> bool {
        match self {
            Expr::Rule(i) => present(*i),
            Expr::And(xs) => xs.iter().all(|x| x.eval(present)),
            Expr::Or(xs) => xs.iter().any(|x| x.eval(present)),
            Expr::Not(x) => !x.eval(present),
        }
    }

    fn has_not(&self) -> bool {
        match self {
            Expr::Rule(_) => false,
            Expr::And(xs) | Expr::Or(xs) => xs.iter().any(Expr::has_not),
            Expr::Not(_) => true,
        }
    }
}

/// When a window fires.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Condition {
    /// Every comparison holds for the window's measure.
    Threshold(Vec<(Op, u64)>),
    /// The expression holds over the rules present in the window.
    Expr(Expr),
}

impl Condition {
    /// Whether growing a window can only turn the condition from false to
    /// true (lower bounds only): then the earliest firing is reported.
    pub(crate) fn monotone(&self) -> bool {
        match self {
            Condition::Threshold(preds) => {
                preds.iter().all(|(op, _)| matches!(op, Op::Gt | Op::Gte))
            }
            Condition::Expr(e) => !e.has_not(),
        }
    }
}

/// A correlation rule ready to evaluate.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Spec {
    /// The correlation rule's own index in the rule set.
    pub(crate) rule: usize,
    pub(crate) kind: CorrelationType,
    /// Referenced detection rules, in the listed order.
    pub(crate) refs: Vec<usize>,
    pub(crate) group_by: Vec<String>,
    /// Per reference: where each group-by value sits in the rule's hits.
    pub(crate) group_pos: Vec<Vec<usize>>,
    /// Per reference: where the `value_count` values sit.
    pub(crate) value_pos: Vec<Vec<usize>>,
    pub(crate) span_micros: i64,
    pub(crate) condition: Condition,
}

/// Why a correlation rule cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SpecError {
    pub(crate) code: DiagnosticCode,
    pub(crate) message: String,
    pub(crate) needle: Option<String>,
}

fn err(
    code: DiagnosticCode,
    message: String,
    needle: Option<&str>,
) -> SpecError {
    SpecError { code, message, needle: needle.map(str::to_owned) }
}

/// What resolving needs from the rule set being built.
pub(crate) struct Context<'a> {
    /// Detection rules by id and by name.
    pub(crate) by_ref: &'a HashMap<String, usize>,
    /// Correlation rules by id and name (to reject chains clearly).
    pub(crate) correlations: &'a HashMap<String, usize>,
    /// Per detection rule, the fields its hits carry.
    pub(crate) needs: &'a mut Vec<Vec<FieldKey>>,
}

/// Resolves `rule` (the rule set's rule number `index`).
pub(crate) fn resolve(
    rule: &CorrelationRule,
    index: usize,
    condition_given: bool,
    cx: &mut Context<'_>,
) -> Result<Spec, SpecError> {
    let kind = kind(rule.correlation_type)?;
    if rule.window != WindowMode::Sliding {
        let m = format!(
            "window `{}` is not in the specification",
            rule.window.as_str()
        );
        return Err(err(
            DiagnosticCode::UnsupportedCorrelation,
            m,
            Some("window"),
        ));
    }
    let refs = resolve_refs(rule, cx)?;
    let condition = condition(rule, kind, &refs, condition_given)?;
    let mut spec = Spec {
        rule: index,
        kind,
        refs: refs.iter().map(|(_, i)| *i).collect(),
        group_by: rule.group_by.clone(),
        group_pos: Vec::new(),
        value_pos: Vec::new(),
        span_micros: micros(rule.timespan.seconds),
        condition,
    };
    let value_fields = value_fields(rule, kind)?;
    for (name, detection) in &refs {
        let group: Vec<_> =
            rule.group_by.iter().map(|g| alias(rule, name, g)).collect();
        let values: Vec<_> =
            value_fields.iter().map(|f| alias(rule, name, f)).collect();
        spec.group_pos.push(positions(cx, *detection, &group));
        spec.value_pos.push(positions(cx, *detection, &values));
    }
    Ok(spec)
}

fn kind(t: Ast) -> Result<CorrelationType, SpecError> {
    match t {
        Ast::EventCount => Ok(CorrelationType::EventCount),
        Ast::ValueCount => Ok(CorrelationType::ValueCount),
        Ast::Temporal => Ok(CorrelationType::Temporal),
        Ast::TemporalOrdered => Ok(CorrelationType::TemporalOrdered),
        other => {
            let m = format!(
                "correlation type `{}` is not in the specification",
                other.as_str()
            );
            Err(err(DiagnosticCode::UnsupportedCorrelation, m, Some("type")))
        }
    }
}

fn resolve_refs(
    rule: &CorrelationRule,
    cx: &Context<'_>,
) -> Result<Vec<(String, usize)>, SpecError> {
    if rule.rules.is_empty() {
        let m = "a correlation needs at least one rule".to_owned();
        return Err(err(DiagnosticCode::InvalidCorrelation, m, Some("rules")));
    }
    let mut refs = Vec::new();
    for name in &rule.rules {
        if let Some(&i) = cx.by_ref.get(name) {
            refs.push((name.clone(), i));
        } else if cx.correlations.contains_key(name) {
            let m = format!(
                "correlation of a correlation ({name}) is not supported"
            );
            return Err(err(
                DiagnosticCode::UnsupportedCorrelation,
                m,
                Some(name),
            ));
        } else {
            let m =
                format!("no loaded detection rule has id or name `{name}`");
            return Err(err(
                DiagnosticCode::UnknownRuleReference,
                m,
                Some(name),
            ));
        }
    }
    Ok(refs)
}

fn condition(
    rule: &CorrelationRule,
    kind: CorrelationType,
    refs: &[(String, usize)],
    given: bool,
) -> Result<Condition, SpecError> {
    let temporal = matches!(
        kind,
        CorrelationType::Temporal | CorrelationType::TemporalOrdered
    );
    if temporal && !given {
        let all = u64::try_from(refs.len()).unwrap_or(u64::MAX);
        return Ok(Condition::Threshold(vec![(Op::Gte, all)]));
    }
    match &rule.condition {
        CorrelationCondition::Threshold { predicates, .. } => {
            Ok(Condition::Threshold(
                predicates.iter().map(|(o, n)| (op(*o), *n)).collect(),
            ))
        }
        CorrelationCondition::Extended(e)
            if kind == CorrelationType::Temporal =>
        {
            expr(e, refs).map(Condition::Expr)
        }
        CorrelationCondition::Extended(_) => {
            let m = "a condition expression needs type `temporal`".to_owned();
            Err(err(DiagnosticCode::InvalidCorrelation, m, Some("condition")))
        }
    }
}

fn op(o: ConditionOperator) -> Op {
    match o {
        ConditionOperator::Lt => Op::Lt,
        ConditionOperator::Lte => Op::Lte,
        ConditionOperator::Gt => Op::Gt,
        ConditionOperator::Gte => Op::Gte,
        ConditionOperator::Eq => Op::Eq,
        ConditionOperator::Neq => Op::Neq,
    }
}

fn expr(
    e: &ConditionExpr,
    refs: &[(String, usize)],
) -> Result<Expr, SpecError> {
    let all = |xs: &[ConditionExpr]| -> Result<Vec<Expr>, SpecError> {
        xs.iter().map(|x| expr(x, refs)).collect()
    };
    match e {
        ConditionExpr::Identifier(name) => {
            match refs.iter().position(|(n, _)| n == name) {
                Some(i) => Ok(Expr::Rule(i)),
                None => {
                    let m = format!(
                        "condition names `{name}`, which is not in `rules`"
                    );
                    Err(err(
                        DiagnosticCode::InvalidCorrelation,
                        m,
                        Some("condition"),
                    ))
                }
            }
        }
        ConditionExpr::And(xs) => all(xs).map(Expr::And),
        ConditionExpr::Or(xs) => all(xs).map(Expr::Or),
        ConditionExpr::Not(x) => Ok(Expr::Not(Box::new(expr(x, refs)?))),
        ConditionExpr::Selector { .. } => {
            let m = "`1 of`/`all of` in a correlation condition".to_owned();
            Err(err(
                DiagnosticCode::UnsupportedCorrelation,
                m,
                Some("condition"),
            ))
        }
    }
}

fn value_fields(
    rule: &CorrelationRule,
    kind: CorrelationType,
) -> Result<Vec<String>, SpecError> {
    if kind != CorrelationType::ValueCount {
        return Ok(Vec::new());
    }
    match &rule.condition {
        CorrelationCondition::Threshold { field: Some(f), .. }
            if !f.is_empty() =>
        {
            Ok(f.clone())
        }
        _ => {
            let m = "value_count needs `field` in its condition".to_owned();
            Err(err(DiagnosticCode::InvalidCorrelation, m, Some("condition")))
        }
    }
}

/// The field a referenced rule's events carry for `field`: an alias maps
/// it per rule (by the name the correlation uses).
fn alias(rule: &CorrelationRule, rule_ref: &str, field: &str) -> String {
    let alias = rule.aliases.iter().find(|a| a.alias == field);
    let mapped = alias.and_then(|a| a.mapping.get(rule_ref));
    mapped.map_or_else(|| field.to_owned(), Clone::clone)
}

/// Positions of `fields` in the hits of detection rule `rule`, adding
/// the fields it does not carry yet.
fn positions(
    cx: &mut Context<'_>,
    rule: usize,
    fields: &[String],
) -> Vec<usize> {
    let Some(needs) = cx.needs.get_mut(rule) else { return Vec::new() };
    let mut pos = Vec::new();
    for f in fields {
        let at = needs.iter().position(|k| k.name() == f);
        pos.push(at.unwrap_or_else(|| {
            needs.push(FieldKey::new(f));
            needs.len() - 1
        }));
    }
    pos
}

fn micros(seconds: u64) -> i64 {
    i64::try_from(seconds)
        .unwrap_or(i64::MAX / 1_000_000)
        .saturating_mul(1_000_000)
}
