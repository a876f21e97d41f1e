//! The telling fields of an event, for the timeline's details column.

use std::sync::LazyLock;

use counterspy_model::{Event, FieldKey, FieldValue};

/// Fields worth showing, most telling first (process, file, registry,
/// network, logon, service, script); the first [`MAX_DETAILS`] present
/// (or the caller's limit) are shown.
const TELLING: &[&str] = &[
    "CommandLine",
    "Image",
    "NewProcessName",
    "ParentImage",
    "ParentProcessName",
    "ParentCommandLine",
    "TargetFilename",
    "ImageLoaded",
    "TargetImage",
    "SourceImage",
    "GrantedAccess",
    "TargetObject",
    "Details",
    "ScriptBlockText",
    "Payload",
    "QueryName",
    "DestinationIp",
    "DestinationPort",
    "DestinationHostname",
    "ServiceName",
    "ImagePath",
    "ServiceFileName",
    "ShareName",
    "RelativeTargetName",
    "PipeName",
    "TargetUserName",
    "TargetDomainName",
    "SubjectUserName",
    "User",
    "IpAddress",
    "WorkstationName",
    "LogonType",
    "Status",
    "ObjectName",
    "TaskName",
    "Hashes",
    "QueryResults",
    "SourceIp",
    "Initiated",
    "Signed",
    "GroupName",
    "MemberName",
    "Properties",
    "AccessMask",
    "TargetServerName",
    "ObjectDN",
    "ObjectClass",
];

/// [`TELLING`] as keys, hashed once rather than per detection.
static TELLING_KEYS: LazyLock<Vec<FieldKey>> =
    LazyLock::new(|| TELLING.iter().map(|n| FieldKey::new(n)).collect());

/// Most fields in a detection's details, by default.
pub(crate) const MAX_DETAILS: usize = 6;

/// Longest value shown, in characters (script blocks can be megabytes).
pub(crate) const MAX_VALUE_CHARS: usize = 300;

/// Fields of the `System` block, never details.
const SYSTEM: &[&str] = &[
    "EventID",
    "Version",
    "Level",
    "Task",
    "Opcode",
    "Keywords",
    "TimeCreated",
    "EventRecordID",
    "Channel",
    "Computer",
    "Provider_Name",
    "Provider_Guid",
    "Provider_EventSourceName",
    "Qualifiers",
    "ProcessID",
    "ThreadID",
    "UserID",
    "ActivityID",
    "RelatedActivityID",
];

/// The details of `event`: the telling fields it has, else its first
/// non-`System` fields.
pub(crate) fn of(event: &Event, max: usize) -> Vec<(String, String)> {
    let shown = |(name, v): (&str, &FieldValue)| {
        let text = v.to_text();
        (!text.is_empty()).then(|| (name.to_string(), short(&text)))
    };
    let keys = TELLING_KEYS.iter();
    let telling = keys.filter_map(|k| Some((k.name(), event.get_key(k)?)));
    let mut out: Vec<(String, String)> =
        telling.filter_map(shown).take(max).collect();
    if out.is_empty() {
        let rest = event.fields().filter(|(name, _)| !SYSTEM.contains(name));
        out = rest.filter_map(shown).take(max).collect();
    }
    out
}

fn short(text: &str) -> String {
    let breaks = |b: u8| matches!(b, b'\r' | b'\n' | b'\t');
    if text.len() <= MAX_VALUE_CHARS && !text.bytes().any(breaks) {
        return text.to_string();
    }
    let mut s: String = text.chars().take(MAX_VALUE_CHARS).collect();
    if s.len() < text.len() {
        s.push('…');
    }
    s.replace(['\r', '\n', '\t'], " ")
}

#[cfg(test)]
mod tests {
    use counterspy_model::EventSource;

    use super::*;

    #[test]
    fn telling_fields_first_then_the_rest() {
        let e = Event::from_pairs(
            [
                ("EventID", FieldValue::Int(1)),
                ("Image", "C:\\x\\ladon.exe".into()),
                ("CommandLine", "ladon 10.0.0.0/24 MS17010".into()),
            ],
            EventSource::unknown(),
        );
        assert_eq!(
            of(&e, MAX_DETAILS),
            [
                ("CommandLine".into(), "ladon 10.0.0.0/24 MS17010".into()),
                ("Image".into(), "C:\\x\\ladon.exe".into())
            ]
        );
        let e = Event::from_pairs(
            [
                ("Channel", "Application".into()),
                ("param1", "a\r\nb".into()),
                ("param2", "x".repeat(400).as_str().into()),
            ],
            EventSource::unknown(),
        );
        let d = of(&e, MAX_DETAILS);
        assert_eq!(d[0], ("param1".into(), "a  b".into()));
        assert_eq!(d[1].1.chars().count(), MAX_VALUE_CHARS + 1);
    }
}
