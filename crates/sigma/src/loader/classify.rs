//! The engine reports problems as text; this gives each a stable code and,
//! where the text names it, what to look for in the YAML to locate it.

use crate::DiagnosticCode as C;

/// A classified engine message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Classified {
    pub(crate) code: C,
    /// Text to search for in the document to find the line.
    pub(crate) needle: Option<String>,
}

/// Classifies a message of the rule parser or compiler.
pub(crate) fn classify(message: &str) -> Classified {
    let (code, needle) = code_of(message);
    Classified { code, needle }
}

fn code_of(m: &str) -> (C, Option<String>) {
    if let Some(name) = quoted_after(m, "Unknown modifier '") {
        return (C::UnknownModifier, Some(format!("|{name}")));
    }
    if m.contains("is not a value modifier") {
        return (C::UnknownModifier, Some("|not".into()));
    }
    let table: &[(&str, C, Option<&str>)] = &[
        ("YAML parsing error", C::Yaml, None),
        ("Condition parse error", C::InvalidCondition, Some("condition")),
        ("Condition string too long", C::InvalidCondition, Some("condition")),
        ("Missing required field", C::MissingField, None),
        ("Invalid detection", C::InvalidDetection, Some("detection")),
        ("Invalid field specification", C::InvalidDetection, None),
        (
            "Invalid correlation rule",
            C::InvalidCorrelation,
            Some("correlation"),
        ),
        ("Invalid timespan", C::InvalidCorrelation, Some("timespan")),
        ("Invalid value", C::InvalidValue, None),
        ("Invalid collection action", C::InvalidDocument, Some("action")),
        ("Unknown collection action", C::InvalidDocument, Some("action")),
        ("Document is not a YAML mapping", C::InvalidDocument, None),
        ("YAML merge exceeds", C::TooDeep, None),
        ("Invalid rule", C::InvalidDocument, None),
        ("invalid regex", C::InvalidValue, None),
        ("invalid CIDR", C::InvalidValue, None),
        ("base64 encoding error", C::InvalidValue, None),
        (
            "unknown detection identifier",
            C::UnknownDetection,
            Some("condition"),
        ),
        ("invalid modifier combination", C::InvalidModifiers, None),
        ("incompatible value for modifier", C::InvalidModifiers, None),
        ("expected numeric value", C::InvalidValue, None),
        ("correlation", C::InvalidCorrelation, Some("correlation")),
        ("invalid level", C::InvalidMetadata, Some("level")),
        ("invalid status", C::InvalidMetadata, Some("status")),
        ("related", C::InvalidMetadata, Some("related")),
        ("sigma-version", C::InvalidMetadata, Some("sigma-version")),
    ];
    for (prefix, code, needle) in table {
        if contains_ci(m, prefix) {
            let named = quoted_after(m, "'").map(str::to_owned);
            let needle = needle.map(|n| format!("{n}:")).or(named);
            return (*code, needle);
        }
    }
    (C::Other, None)
}

fn contains_ci(haystack: &str, needle: &str) -> bool {
    let h = haystack.as_bytes();
    let n = needle.as_bytes();
    h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// The text between `opening` and the next `'`.
fn quoted_after<'a>(m: &'a str, opening: &str) -> Option<&'a str> {
    let start = m.find(opening)? + opening.len();
    let rest = m.get(start..)?;
    let end = rest.find('\'')?;
    rest.get(..end).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_modifier_points_at_it() {
        let c = classify("Unknown modifier 'contians'");
        assert_eq!(c.code, C::UnknownModifier);
        assert_eq!(c.needle.as_deref(), Some("|contians"));
    }

    #[test]
    fn known_prefixes() {
        let cases = [
            ("Condition parse error at 1:5: x", C::InvalidCondition),
            ("Missing required field 'detection'", C::MissingField),
            ("invalid regex pattern: (", C::InvalidValue),
            ("unknown detection identifier: sel", C::UnknownDetection),
            ("invalid level: 'severe'", C::InvalidMetadata),
            ("something new", C::Other),
        ];
        for (m, code) in cases {
            assert_eq!(classify(m).code, code, "{m}");
        }
    }
}
