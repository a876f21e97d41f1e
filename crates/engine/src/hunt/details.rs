//! The telling fields of an event, for the timeline's details column.

use counterspy_model::Event;

/// Fields worth showing, most telling first (process, file, registry,
/// network, logon, service, script); the first [`MAX_DETAILS`] present
/// are shown.
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
];

/// Most fields in a detection's details.
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
pub(crate) fn of(event: &Event) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = TELLING
        .iter()
        .filter_map(|name| Some((*name, event.get(name)?)))
        .filter(|(_, v)| !v.is_null() && !v.to_text().is_empty())
        .take(MAX_DETAILS)
        .map(|(name, v)| (name.to_string(), short(&v.to_text())))
        .collect();
    if out.is_empty() {
        out = event
            .fields()
            .filter(|(name, v)| {
                !SYSTEM.contains(name) && !v.to_text().is_empty()
            })
            .take(MAX_DETAILS)
            .map(|(name, v)| (name.to_string(), short(&v.to_text())))
            .collect();
    }
    out
}

fn short(text: &str) -> String {
    let mut s: String = text.chars().take(MAX_VALUE_CHARS).collect();
    if s.len() < text.len() {
        s.push('…');
    }
    s.replace(['\r', '\n', '\t'], " ")
}

#[cfg(test)]
mod tests {
    use counterspy_model::{EventSource, FieldValue};

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
            of(&e),
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
        let d = of(&e);
        assert_eq!(d[0], ("param1".into(), "a  b".into()));
        assert_eq!(d[1].1.chars().count(), MAX_VALUE_CHARS + 1);
    }
}
