//! What we do to a parsed detection rule before the engine compiles it:
//! `|expand` placeholders from the mappings, the regex size cap.

use rsigma_parser::{
    Detection, DetectionItem, Modifier, SigmaRule, SigmaString, SigmaValue,
};

use crate::MAX_REGEX_LEN;

mod base64offset;
use crate::mappings::Mappings;

/// A problem found while preparing a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Problem {
    /// Placeholders without values (names without `%`).
    Unresolved(Vec<String>),
    /// A regular expression longer than the cap (its first characters).
    RegexTooLarge(String),
}

/// Resolves placeholders in place and checks caps.
pub(crate) fn prepare(
    rule: &mut SigmaRule,
    mappings: &Mappings,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut unresolved = Vec::new();
    for detection in rule.detection.named.values_mut() {
        visit_items(detection, &mut |item| {
            expand_item(item, mappings, &mut unresolved);
            base64offset::rewrite(item);
            if let Some(p) = regex_too_large(item) {
                problems.push(p);
            }
        });
    }
    if !unresolved.is_empty() {
        unresolved.sort();
        unresolved.dedup();
        problems.push(Problem::Unresolved(unresolved));
    }
    problems
}

/// Calls `f` on every detection item (iteratively: depth is bounded by
/// the YAML depth cap, but a stack costs nothing).
fn visit_items(root: &mut Detection, f: &mut dyn FnMut(&mut DetectionItem)) {
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        match d {
            Detection::AllOf(items) => items.iter_mut().for_each(&mut *f),
            Detection::AnyOf(ds) => stack.extend(ds.iter_mut()),
            Detection::ArrayMatch { body, .. } => stack.push(body),
            _ => {}
        }
    }
}

fn regex_too_large(item: &DetectionItem) -> Option<Problem> {
    if !item.field.has_modifier(Modifier::Re) {
        return None;
    }
    item.values.iter().find_map(|v| match v {
        SigmaValue::String(s) if s.original.len() > MAX_REGEX_LEN => {
            let head: String = s.original.chars().take(40).collect();
            Some(Problem::RegexTooLarge(head))
        }
        _ => None,
    })
}

/// Replaces `%name%` placeholders by their values (every combination),
/// as plain Sigma strings; records names without values and leaves such
/// items alone.
fn expand_item(
    item: &mut DetectionItem,
    mappings: &Mappings,
    unresolved: &mut Vec<String>,
) {
    if !item.field.has_modifier(Modifier::Expand) {
        return;
    }
    let mut values = Vec::new();
    for v in &item.values {
        let SigmaValue::String(s) = v else {
            values.push(v.clone());
            continue;
        };
        match expand(&s.original, mappings) {
            Ok(texts) => values.extend(
                texts.iter().map(|t| SigmaValue::String(SigmaString::new(t))),
            ),
            Err(missing) => {
                unresolved.extend(missing);
                return;
            }
        }
    }
    item.values = values;
    item.field.modifiers.retain(|m| *m != Modifier::Expand);
}

/// Every expansion of `template`, or the placeholders without values. A
/// placeholder is `%name%` with a name of letters, digits, `_` and `-`;
/// any other `%` is text.
fn expand(
    template: &str,
    mappings: &Mappings,
) -> Result<Vec<String>, Vec<String>> {
    let mut out = vec![String::new()];
    let mut missing = Vec::new();
    let mut rest = template;
    while let Some((text, name, after)) = next_placeholder(rest) {
        out.iter_mut().for_each(|o| o.push_str(text));
        match mappings.placeholder(name) {
            Some(vals) if !vals.is_empty() => out = product(&out, vals),
            _ => missing.push(name.to_owned()),
        }
        rest = after;
    }
    out.iter_mut().for_each(|o| o.push_str(rest));
    if missing.is_empty() { Ok(out) } else { Err(missing) }
}

/// The text before the next placeholder, its name, and the rest.
fn next_placeholder(s: &str) -> Option<(&str, &str, &str)> {
    let is_name = |n: &str| {
        !n.is_empty()
            && n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    let mut from = 0;
    loop {
        let open = from + s.get(from..)?.find('%')?;
        let after_open = s.get(open + 1..)?;
        let close = after_open.find('%')?;
        let name = after_open.get(..close)?;
        if is_name(name) {
            let rest = after_open.get(close + 1..)?;
            return Some((s.get(..open)?, name, rest));
        }
        from = open + 1;
    }
}

fn product(prefixes: &[String], values: &[String]) -> Vec<String> {
    let pairs =
        prefixes.iter().flat_map(|p| values.iter().map(move |v| (p, v)));
    pairs.map(|(p, v)| format!("{p}{v}")).take(crate::MAX_EXPANSIONS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_every_combination() {
        let mut m = Mappings::empty();
        m.set_placeholder("a", ["1", "2"]);
        m.set_placeholder("b", ["x"]);
        let got = expand(r"C:\%a%\%b%.exe", &m).unwrap();
        assert_eq!(got, [r"C:\1\x.exe", r"C:\2\x.exe"]);
        assert_eq!(expand("%zz%-%a%", &m), Err(vec!["zz".to_owned()]));
        assert_eq!(expand("no placeholder", &m).unwrap(), ["no placeholder"]);
        assert_eq!(expand("50% of %a", &m).unwrap(), ["50% of %a"]);
    }
}
