//! The YAML layer of loading: one document to a value, its depth, the
//! `action: global / reset / repeat` merges of a collection.

use yaml_serde::{Mapping, Value};

use crate::MAX_YAML_DEPTH;

/// A YAML syntax error with its position inside the document (1-based).
#[derive(Debug)]
pub(crate) struct YamlError {
    pub(crate) message: String,
    pub(crate) line: Option<u32>,
    pub(crate) column: Option<u32>,
}

/// Parses one document.
/// Whether `text` cannot nest deeper than
/// [`MAX_YAML_DEPTH`](crate::MAX_YAML_DEPTH) whatever it holds: each line's
/// indentation plus its compact `- ` entries is under half the cap, and
/// so is the number of flow brackets in the whole text (a conservative
/// bound; deeper-looking texts take the full path).
pub(crate) fn plainly_shallow(text: &str) -> bool {
    let half = crate::MAX_YAML_DEPTH / 2;
    let brackets = text.bytes().filter(|b| matches!(b, b'[' | b'{')).count();
    brackets < half
        && text.lines().all(|line| {
            let indent = line.len() - line.trim_start().len();
            indent + entries(line.as_bytes()) < half
        })
}

/// How many times `- ` occurs in `line` (what `line.matches("- ")`
/// counts, without setting up a substring searcher for every line).
fn entries(line: &[u8]) -> usize {
    line.windows(2).filter(|w| w == b"- ").count()
}

pub(crate) fn parse(text: &str) -> Result<Value, YamlError> {
    yaml_serde::from_str(text).map_err(|e| {
        let loc = e.location();
        let num = |n: usize| u32::try_from(n).ok();
        YamlError {
            message: e.to_string(),
            line: loc.as_ref().and_then(|l| num(l.line())),
            column: loc.as_ref().and_then(|l| num(l.column())),
        }
    })
}

/// Whether `value` nests deeper than [`MAX_YAML_DEPTH`] (checked without
/// recursion).
pub(crate) fn too_deep(value: &Value) -> bool {
    let mut stack = vec![(value, 0usize)];
    while let Some((v, depth)) = stack.pop() {
        if depth > MAX_YAML_DEPTH {
            return true;
        }
        match v {
            Value::Sequence(items) => {
                stack.extend(items.iter().map(|i| (i, depth + 1)));
            }
            Value::Mapping(map) => {
                stack.extend(map.values().map(|i| (i, depth + 1)));
            }
            Value::Tagged(t) => stack.push((&t.value, depth + 1)),
            _ => {}
        }
    }
    false
}

/// A string entry of a mapping.
pub(crate) fn get_str<'a>(map: &'a Mapping, key: &str) -> Option<&'a str> {
    map.get(key).and_then(Value::as_str)
}

/// Merges `over` onto `base`: mappings key by key, recursively; anything
/// else is replaced (pySigma's `deep_dict_update`). Depth is bounded by
/// the callers' [`too_deep`] check.
pub(crate) fn deep_merge(base: &Value, over: &Value) -> Value {
    match (base, over) {
        (Value::Mapping(b), Value::Mapping(o)) => {
            let mut out = b.clone();
            for (k, v) in o {
                let merged = match out.get(k) {
                    Some(existing) => deep_merge(existing, v),
                    None => v.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Value::Mapping(out)
        }
        (_, over) => over.clone(),
    }
}

/// The value without its `action` key.
pub(crate) fn without_action(value: &Value) -> Value {
    let mut v = value.clone();
    if let Value::Mapping(m) = &mut v {
        m.remove("action");
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_nested_mappings() {
        let base = parse("a: 1\nlog: {product: windows}\n").unwrap();
        let over = parse("log: {service: security}\nb: 2\n").unwrap();
        let merged = deep_merge(&base, &over);
        let text = yaml_serde::to_string(&merged).unwrap();
        assert!(text.contains("product: windows"), "{text}");
        assert!(text.contains("service: security"), "{text}");
        assert!(text.contains("b: 2"), "{text}");
    }

    #[test]
    fn depth_is_capped() {
        let deep =
            "[".repeat(MAX_YAML_DEPTH + 2) + &"]".repeat(MAX_YAML_DEPTH + 2);
        let value = parse(&deep).unwrap();
        assert!(too_deep(&value));
        assert!(!too_deep(&parse("a: [1, {b: 2}]").unwrap()));
    }

    #[test]
    fn errors_have_positions() {
        let err = parse("a: 1\nb: [\n").unwrap_err();
        assert!(err.line.is_some());
    }

    #[test]
    fn entries_count_like_matches() {
        for line in ["", "-", "- ", "- - -", "a - b -  - ", "--  -", "é- x"] {
            let expected = line.matches("- ").count();
            assert_eq!(entries(line.as_bytes()), expected, "{line:?}");
        }
    }

    #[test]
    fn shallow_texts_and_deep_looking_ones() {
        let rule = "title: t\ndetection:\n    sel:\n        - a\n    condition: sel\n";
        assert!(plainly_shallow(rule));
        assert!(!plainly_shallow(&"[".repeat(40)));
        assert!(!plainly_shallow(&format!("a:\n{}x", "- ".repeat(40))));
        let indented = format!("{}x: 1\n", " ".repeat(40));
        assert!(!plainly_shallow(&indented));
    }
}
