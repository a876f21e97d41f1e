use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// How bad a [`Diagnostic`] is.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The rule (or file) was rejected: it will not match anything.
    Error,
    /// The rule loaded, but something about it deserves a look.
    Warning,
}

/// The stable code of a [`Diagnostic`], for filtering and documentation.
///
/// Codes are `sigma::<kebab-name>` ([`DiagnosticCode::as_str`]) and never
/// change meaning once released.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum DiagnosticCode {
    /// A file could not be read.
    Io,
    /// A file is larger than [`MAX_RULE_FILE_SIZE`](crate::MAX_RULE_FILE_SIZE).
    FileTooLarge,
    /// A file is not UTF-8.
    NotUtf8,
    /// A document is not valid YAML.
    Yaml,
    /// A YAML document nests deeper than
    /// [`MAX_YAML_DEPTH`](crate::MAX_YAML_DEPTH).
    TooDeep,
    /// A document is not a mapping, or has an `action` we do not know.
    InvalidDocument,
    /// A required key (`title`, `detection`, `condition`…) is missing.
    MissingField,
    /// A value modifier that the specification does not define.
    UnknownModifier,
    /// Modifiers that do not go together, or a value a modifier cannot
    /// take.
    InvalidModifiers,
    /// A condition that does not parse.
    InvalidCondition,
    /// A condition names a detection the rule does not define.
    UnknownDetection,
    /// A detection section that is malformed.
    InvalidDetection,
    /// A value that is malformed (a bad regular expression, CIDR, base64,
    /// number).
    InvalidValue,
    /// A regular expression longer than
    /// [`MAX_REGEX_LEN`](crate::MAX_REGEX_LEN).
    RegexTooLarge,
    /// A correlation rule that is malformed (type, timespan, condition,
    /// group-by).
    InvalidCorrelation,
    /// A correlation type or feature outside the specification
    /// (`value_sum`, correlations of correlations…).
    UnsupportedCorrelation,
    /// A correlation refers to a rule that was not loaded.
    UnknownRuleReference,
    /// Two rules share an id; references to it are ambiguous.
    DuplicateId,
    /// Metadata that is malformed but not fatal (level, status, date,
    /// related).
    InvalidMetadata,
    /// A logsource that the mappings do not know: the rule is evaluated
    /// against every event.
    UnmappedLogsource,
    /// An `expand` placeholder without a value in the mappings: the rule
    /// is loaded but not evaluated.
    UnresolvedPlaceholder,
    /// A filter rule (`filter:` documents), which we do not apply.
    UnsupportedFilter,
    /// Anything the engine reports that has no finer code.
    Other,
}

impl DiagnosticCode {
    /// The stable code, `sigma::unknown-modifier` and so on.
    pub fn as_str(self) -> &'static str {
        use DiagnosticCode as C;
        match self {
            C::Io => "sigma::io",
            C::FileTooLarge => "sigma::file-too-large",
            C::NotUtf8 => "sigma::not-utf8",
            C::Yaml => "sigma::yaml",
            C::TooDeep => "sigma::too-deep",
            C::InvalidDocument => "sigma::invalid-document",
            C::MissingField => "sigma::missing-field",
            C::UnknownModifier => "sigma::unknown-modifier",
            C::InvalidModifiers => "sigma::invalid-modifiers",
            C::InvalidCondition => "sigma::invalid-condition",
            C::UnknownDetection => "sigma::unknown-detection",
            C::InvalidDetection => "sigma::invalid-detection",
            C::InvalidValue => "sigma::invalid-value",
            C::RegexTooLarge => "sigma::regex-too-large",
            C::InvalidCorrelation => "sigma::invalid-correlation",
            C::UnsupportedCorrelation => "sigma::unsupported-correlation",
            C::UnknownRuleReference => "sigma::unknown-rule-reference",
            C::DuplicateId => "sigma::duplicate-id",
            C::InvalidMetadata => "sigma::invalid-metadata",
            C::UnmappedLogsource => "sigma::unmapped-logsource",
            C::UnresolvedPlaceholder => "sigma::unresolved-placeholder",
            C::UnsupportedFilter => "sigma::unsupported-filter",
            C::Other => "sigma::other",
        }
    }
}

impl DiagnosticCode {
    /// Every code, in declaration order.
    pub const ALL: [DiagnosticCode; 23] = {
        use DiagnosticCode as C;
        [
            C::Io,
            C::FileTooLarge,
            C::NotUtf8,
            C::Yaml,
            C::TooDeep,
            C::InvalidDocument,
            C::MissingField,
            C::UnknownModifier,
            C::InvalidModifiers,
            C::InvalidCondition,
            C::UnknownDetection,
            C::InvalidDetection,
            C::InvalidValue,
            C::RegexTooLarge,
            C::InvalidCorrelation,
            C::UnsupportedCorrelation,
            C::UnknownRuleReference,
            C::DuplicateId,
            C::InvalidMetadata,
            C::UnmappedLogsource,
            C::UnresolvedPlaceholder,
            C::UnsupportedFilter,
            C::Other,
        ]
    };

    /// The code named `name` ([`DiagnosticCode::as_str`]).
    pub fn from_name(name: &str) -> Option<DiagnosticCode> {
        DiagnosticCode::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for DiagnosticCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for DiagnosticCode {
    fn serialize<S: serde::Serializer>(
        &self,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for DiagnosticCode {
    fn deserialize<D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<DiagnosticCode, D::Error> {
        let name = String::deserialize(d)?;
        DiagnosticCode::from_name(&name).ok_or_else(|| {
            serde::de::Error::custom(format!("unknown code {name}"))
        })
    }
}

/// A problem found while loading rules, for `counterspy rules lint`, the
/// hunt summary and the web UI alike.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// What kind of problem.
    pub code: DiagnosticCode,
    /// Whether the rule was rejected.
    pub severity: Severity,
    /// The rule's `id`, when the document has one.
    pub rule_id: Option<String>,
    /// The rule's `title`, when the document has one.
    pub title: Option<String>,
    /// The file (or the name given to
    /// [`RuleSetBuilder::add_yaml`](crate::RuleSetBuilder::add_yaml)).
    pub path: PathBuf,
    /// 1-based line in the file, when known.
    pub line: Option<u32>,
    /// 1-based column, when known.
    pub column: Option<u32>,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": {sev}[{}]: {}", self.code, self.message)?;
        if let Some(id) = &self.rule_id {
            write!(f, " (rule {id})")?;
        }
        Ok(())
    }
}

/// What loading produced: rules loaded and rejected, by reason.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadStats {
    /// YAML files read.
    pub files: usize,
    /// Detection rules loaded.
    pub detections: usize,
    /// Correlation rules loaded.
    pub correlations: usize,
    /// Loaded rules that are never evaluated: a logsource for other
    /// products than our events, or unresolved placeholders.
    pub dormant: usize,
    /// Documents rejected, by diagnostic code.
    pub rejected: BTreeMap<DiagnosticCode, usize>,
    /// Warnings, by diagnostic code.
    pub warnings: BTreeMap<DiagnosticCode, usize>,
}

impl LoadStats {
    /// Rules loaded (detections and correlations).
    pub fn loaded(&self) -> usize {
        self.detections + self.correlations
    }

    /// Documents rejected, over all reasons.
    pub fn rejected_total(&self) -> usize {
        self.rejected.values().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_found_by_its_name() {
        let names: std::collections::BTreeSet<_> =
            DiagnosticCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), DiagnosticCode::ALL.len());
        for code in DiagnosticCode::ALL {
            assert_eq!(DiagnosticCode::from_name(code.as_str()), Some(code));
        }
        assert_eq!(DiagnosticCode::from_name("sigma::nope"), None);
    }
}
