use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// A rule's `level`, in increasing order of severity.
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
pub enum Level {
    /// `informational`.
    Informational,
    /// `low`.
    Low,
    /// `medium`.
    Medium,
    /// `high`.
    High,
    /// `critical`.
    Critical,
}

impl Level {
    /// The name as Sigma writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Informational => "informational",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
        }
    }

    /// Parses a Sigma level name (ASCII case ignored).
    pub fn parse(name: &str) -> Option<Level> {
        let all = [
            Level::Informational,
            Level::Low,
            Level::Medium,
            Level::High,
            Level::Critical,
        ];
        all.into_iter().find(|l| l.as_str().eq_ignore_ascii_case(name))
    }

    pub(crate) fn from_ast(level: rsigma_parser::Level) -> Level {
        use rsigma_parser::Level as L;
        match level {
            L::Informational => Level::Informational,
            L::Low => Level::Low,
            L::Medium => Level::Medium,
            L::High => Level::High,
            L::Critical => Level::Critical,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule's `status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// `stable`.
    Stable,
    /// `test`.
    Test,
    /// `experimental`.
    Experimental,
    /// `deprecated`.
    Deprecated,
    /// `unsupported`.
    Unsupported,
}

impl Status {
    pub(crate) fn from_ast(status: rsigma_parser::Status) -> Status {
        use rsigma_parser::Status as S;
        match status {
            S::Stable => Status::Stable,
            S::Test => Status::Test,
            S::Experimental => Status::Experimental,
            S::Deprecated => Status::Deprecated,
            S::Unsupported => Status::Unsupported,
        }
    }
}

/// Whether a rule matches events or aggregates other rules' hits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    /// A detection rule: matched against each event.
    Detection,
    /// A correlation rule: evaluated by the [`Correlator`](crate::Correlator).
    Correlation,
}

/// Which events a detection rule is evaluated on (see the crate
/// documentation, "Logsource routing").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Routing {
    /// Events of the channels and event ids its logsource maps to.
    Mapped,
    /// Every event: `product: windows` alone, or a Windows logsource the
    /// mappings do not know.
    AllEvents,
    /// No event: a logsource of another product, or an unresolved
    /// placeholder.
    Dormant,
    /// Correlation rules are not routed.
    NotApplicable,
}

/// A detection rule's `logsource` as written.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize,
)]
pub struct Logsource {
    /// `product`.
    pub product: Option<String>,
    /// `category`.
    pub category: Option<String>,
    /// `service`.
    pub service: Option<String>,
}

/// What a caller needs to know about a loaded rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleInfo {
    /// The `id` (usually a UUID).
    pub id: Option<String>,
    /// The `name` (correlations refer to rules by id or name).
    pub name: Option<String>,
    /// The `title`.
    pub title: String,
    /// The `level`.
    pub level: Option<Level>,
    /// The `status`.
    pub status: Option<Status>,
    /// The `tags` as written.
    pub tags: Vec<String>,
    /// ATT&CK technique ids from the tags, `T1059.001` style.
    pub techniques: Vec<String>,
    /// The `description`.
    pub description: Option<String>,
    /// The `author`.
    pub author: Option<String>,
    /// The file it came from.
    pub path: PathBuf,
    /// Detection or correlation.
    pub kind: RuleKind,
    /// Its `logsource` (empty for correlation rules).
    pub logsource: Logsource,
    /// Which events it is evaluated on.
    pub routing: Routing,
    /// Whether its own hits are detections to report. `false` for a
    /// detection rule that only feeds correlations without
    /// `generate: true`; the matcher still returns its hits, for the
    /// correlator.
    pub reported: bool,
}

/// ATT&CK technique ids (`attack.t1059.001` → `T1059.001`) from tags.
pub(crate) fn techniques(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> =
        tags.iter().filter_map(|t| technique(t)).collect();
    out.dedup();
    out
}

fn technique(tag: &str) -> Option<String> {
    let rest = tag.strip_prefix("attack.")?;
    let id = rest.strip_prefix('t').or_else(|| rest.strip_prefix('T'))?;
    let (main, sub) = match id.split_once('.') {
        Some((m, s)) => (m, Some(s)),
        None => (id, None),
    };
    let digits = |s: &str, n: usize| {
        s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(main, 4) || !sub.is_none_or(|s| digits(s, 3)) {
        return None;
    }
    Some(match sub {
        Some(s) => format!("T{main}.{s}"),
        None => format!("T{main}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn techniques_from_tags() {
        let tags = ["attack.t1059.001", "attack.execution", "attack.T1003"]
            .map(String::from);
        assert_eq!(techniques(&tags), ["T1059.001", "T1003"]);
        assert_eq!(technique("attack.t105"), None);
        assert_eq!(technique("car.2016-04-004"), None);
    }

    #[test]
    fn levels_order_and_parse() {
        assert!(Level::Critical > Level::High);
        assert_eq!(Level::parse("HIGH"), Some(Level::High));
        assert_eq!(Level::parse("severe"), None);
    }
}
