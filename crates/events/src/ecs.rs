//! The Winlogbeat / Elastic Common Schema shape: `winlog.event_data.*`,
//! `winlog.channel`, `@timestamp`…, nested objects or dotted keys alike.

use crate::FieldValue;
use crate::dump;
use crate::json::Out;
use counterspy_model::FieldRank as Rank;

/// `winlog.*` fields that are `System` fields, by their Sigma names.
const WINLOG: &[(&str, &str)] = &[
    ("activity_id", "ActivityID"),
    ("channel", "Channel"),
    ("computer_name", "Computer"),
    ("event_id", "EventID"),
    ("keywords", "Keywords"),
    ("level", "Level"),
    ("opcode", "Opcode"),
    ("process.pid", "ProcessID"),
    ("process.thread.id", "ThreadID"),
    ("provider_guid", "Provider_Guid"),
    ("provider_name", "Provider_Name"),
    ("record_id", "EventRecordID"),
    ("related_activity_id", "RelatedActivityID"),
    ("task", "Task"),
    ("time_created", "TimeCreated"),
    ("user.identifier", "UserID"),
    ("version", "Version"),
];

/// ECS fields that stand in for a `System` field the `winlog` object
/// lacks; they also stay under their own names.
const FALLBACK: &[(&str, &str)] = &[
    ("@timestamp", "TimeCreated"),
    ("event.code", "EventID"),
    ("event.provider", "Provider_Name"),
    ("host.name", "Computer"),
];

/// Maps one leaf at `path` (anything that is not under `Event`).
pub(crate) fn route(path: &str, value: FieldValue, out: &mut Out) {
    if let Some(name) = path.strip_prefix("winlog.event_data.") {
        out.push(&[name], Rank::Data, value);
    } else if let Some(rest) = path.strip_prefix("winlog.user_data.") {
        dump::user_data(rest, value, out);
    } else if let Some(name) = path.strip_prefix("winlog.").and_then(winlog) {
        out.push(&[name], Rank::System, dump::numeric(name, value));
    } else {
        if let Some(name) = lookup(FALLBACK, path) {
            let v = dump::numeric(name, value.clone());
            out.push(&[name], Rank::Fallback, v);
        }
        out.push(&[path], Rank::Data, value);
    }
}

fn winlog(rest: &str) -> Option<&'static str> {
    lookup(WINLOG, rest)
}

fn lookup(table: &[(&str, &'static str)], key: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}
