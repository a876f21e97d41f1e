//! Detections: Sigma rules that fired on events.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::{Severity, Technique, Timestamp};

/// What kind of Sigma rule fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleKind {
    /// A detection rule, matched on one event.
    Detection,
    /// A correlation rule (`event_count`, `value_count`, `temporal`,
    /// `temporal_ordered`), over the hits of other rules.
    Correlation,
}

/// The rule of a [`Detection`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DetectionRule {
    /// The rule's `id` (a UUID in SigmaHQ); the title when it has none.
    pub id: String,
    /// The rule's `title`.
    pub title: String,
    /// The rule's `level`; Sigma's `informational` is [`Severity::Info`].
    pub level: Severity,
    /// Detection or correlation.
    pub kind: RuleKind,
    /// ATT&CK techniques from the rule's `attack.tNNNN` tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub techniques: Vec<Technique>,
    /// The rule's tags as written (`attack.execution`, `cve.2017-11882`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The file the rule was loaded from.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
}

/// A Sigma rule that fired: on one event, or for a correlation on the
/// group of events it counted.
///
/// For a correlation, the event fields (`computer`, `channel`, …) are
/// those of the first contributing event, `timestamp` is the first event's
/// time and `last` the last one's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detection {
    /// The rule, shared by its detections (a hunt makes one per rule, not
    /// one per hit).
    pub rule: Arc<DetectionRule>,
    /// When the (first) event was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Timestamp>,
    /// When the last contributing event was written (correlations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<Timestamp>,
    /// `Computer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computer: Option<String>,
    /// `Channel`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// `EventID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<u32>,
    /// `EventRecordID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<u64>,
    /// Where the (first) event was read: `file#record=N` or `file:line`.
    pub source: String,
    /// The event's telling fields (`CommandLine`, `Image`, `TargetFilename`,
    /// …), in a fixed order, for timelines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<(String, String)>,
    /// Correlations: the `group-by` fields and their values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group: Vec<(String, String)>,
    /// Correlations: how many events (or distinct values) were counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
}

impl Detection {
    /// The details as one line, `Name: value ¦ Name: value` (Hayabusa's
    /// separator), for tables and CSV.
    pub fn details_line(&self) -> String {
        let parts = self.details.iter().chain(&self.group);
        let parts: Vec<String> =
            parts.map(|(name, value)| format!("{name}: {value}")).collect();
        let mut line = parts.join(" ¦ ");
        if let Some(count) = self.count {
            if !line.is_empty() {
                line.push_str(" ¦ ");
            }
            line.push_str(&format!("Count: {count}"));
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_line_and_json() {
        let d = Detection {
            rule: Arc::new(DetectionRule {
                id: "r1".into(),
                title: "Ladon scan".into(),
                level: Severity::High,
                kind: RuleKind::Correlation,
                techniques: vec![Technique::parse("T1046").unwrap()],
                tags: vec!["attack.t1046".into()],
                path: String::new(),
            }),
            timestamp: Timestamp::parse("2022-06-01T10:00:00Z"),
            last: None,
            computer: Some("ws01".into()),
            channel: None,
            event_id: Some(1),
            record_id: None,
            source: "a.evtx#record=3".into(),
            details: vec![("Cmd".into(), "Ladon 10.0.0.0/24".into())],
            group: vec![("IpAddress".into(), "192.0.2.7".into())],
            count: Some(12),
        };
        assert_eq!(
            d.details_line(),
            "Cmd: Ladon 10.0.0.0/24 ¦ IpAddress: 192.0.2.7 ¦ Count: 12"
        );
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["rule"]["kind"], "correlation");
        assert_eq!(json["rule"]["level"], "high");
        assert_eq!(json["timestamp"], "2022-06-01T10:00:00.000000Z");
        assert!(json.get("channel").is_none());
        let back: Detection = serde_json::from_value(json).unwrap();
        assert_eq!(back, d);
    }
}
