//! The `evtx_dump` shape: `{"Event":{"System":…,"EventData":…}}`, the
//! JSON the `evtx` crate renders from the XML of MS-EVEN6.

use crate::FieldValue;
use crate::json::Out;
use counterspy_model::FieldRank as Rank;

/// `System` fields that are numbers; a string holding a decimal integer
/// becomes [`FieldValue::Int`] so both shapes agree.
const NUMERIC: &[&str] = &[
    "EventID",
    "EventRecordID",
    "Level",
    "Opcode",
    "ProcessID",
    "Qualifiers",
    "Task",
    "ThreadID",
    "Version",
];

/// Maps one leaf at `Event.<path>`.
pub(crate) fn route(path: &str, value: FieldValue, out: &mut Out) {
    if let Some(rest) = path.strip_prefix("System.") {
        system(rest, value, out);
    } else if let Some(rest) = path.strip_prefix("EventData.") {
        event_data(rest, value, out);
    } else if let Some(rest) = path.strip_prefix("UserData.") {
        user_data(rest, value, out);
    } else if !value.is_null() {
        // RenderingInfo.*, ProcessingErrorData.*, a bare EventData text…
        out.push(&[path], Rank::Data, value);
    }
}

/// `System` children by element name, attributes by attribute name;
/// `Provider` attributes get a `Provider_` prefix. Empty elements
/// (`"Correlation": null`) are dropped.
fn system(path: &str, value: FieldValue, out: &mut Out) {
    if value.is_null() {
        return;
    }
    let (head, tail) = match path.split_once('.') {
        Some((head, tail)) => (head, Some(tail)),
        None => (path, None),
    };
    // `evtx --separate-json-attributes` writes `Provider_attributes`.
    let head = head.strip_suffix("_attributes").unwrap_or(head);
    match (head, tail) {
        (name, None) => push_system(&[name], value, out),
        ("Provider", Some(attr)) => {
            push_system(&["Provider_", attr], value, out)
        }
        ("TimeCreated", Some("SystemTime")) => {
            push_system(&["TimeCreated"], value, out)
        }
        (_, Some(tail)) => push_system(&[last(tail)], value, out),
    }
}

fn push_system(parts: &[&str], value: FieldValue, out: &mut Out) {
    let value = match parts {
        [name] => numeric(name, value),
        _ => value,
    };
    out.push(parts, Rank::System, value);
}

/// Turns a decimal string into a number for the [`NUMERIC`] names.
pub(crate) fn numeric(name: &str, value: FieldValue) -> FieldValue {
    match &value {
        FieldValue::Str(s) if NUMERIC.contains(&name) => {
            s.trim().parse().map_or(value, FieldValue::Int)
        }
        _ => value,
    }
}

/// Named `Data` items by name; unnamed ones as `Data` (a list when there
/// are several) and as `param1`, `param2`… like Winlogbeat.
fn event_data(name: &str, value: FieldValue, out: &mut Out) {
    if name != "Data" {
        return out.push(&[name], Rank::Data, value);
    }
    out.params = out.params.saturating_add(1);
    let n = out.params.to_string();
    out.push(&["param", &n], Rank::Leaf, value.clone());
    out.push(&["Data"], Rank::Data, value);
}

/// `UserData` under its dotted path (`UserData.EventXML.Param1`) and its
/// leaf name (`Param1`).
pub(crate) fn user_data(path: &str, value: FieldValue, out: &mut Out) {
    out.push(&[last(path)], Rank::Leaf, value.clone());
    out.push(&["UserData.", path], Rank::Data, value);
}

fn last(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}
