//! Normalization of both JSON shapes.

use crate::{Event, EventSource, FieldValue, event_from_value, parse_event};

fn event(json: &str) -> Event {
    parse_event(json.as_bytes(), EventSource::unknown()).unwrap()
}

fn text<'a>(e: &'a Event, field: &str) -> Option<&'a str> {
    e.get(field).and_then(FieldValue::as_str)
}

const DUMP: &str = r##"{"Event":{"#attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},
    "System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-Auditing","Guid":"{5484}"}},
    "EventID":4688,"Version":2,"Level":0,"Task":13312,"Opcode":0,"Keywords":"0x8020000000000000",
    "TimeCreated":{"#attributes":{"SystemTime":"2019-03-19T23:34:23.123456Z"}},"EventRecordID":1234,
    "Correlation":null,"Execution":{"#attributes":{"ProcessID":4,"ThreadID":96}},
    "Channel":"Security","Computer":"WS1.corp","Security":{"#attributes":{"UserID":"S-1-5-18"}}},
    "EventData":{"NewProcessName":"C:\\Windows\\System32\\cmd.exe","CommandLine":"cmd /c whoami"}}}"##;

const ECS: &str = r##"{"@timestamp":"2019-03-19T23:34:23.123Z",
    "winlog":{"channel":"Security","event_id":"4688","computer_name":"WS1.corp",
    "provider_name":"Microsoft-Windows-Security-Auditing","provider_guid":"{5484}",
    "record_id":1234,"process":{"pid":4,"thread":{"id":96}},"version":2,
    "task":13312,"opcode":0,"keywords":"0x8020000000000000","level":0,
    "user":{"identifier":"S-1-5-18"},"time_created":"2019-03-19T23:34:23.123456Z",
    "event_data":{"NewProcessName":"C:\\Windows\\System32\\cmd.exe","CommandLine":"cmd /c whoami"}},
    "host":{"name":"ws1"}}"##;

#[test]
fn both_shapes_give_the_same_fields() {
    let (dump, ecs) = (event(DUMP), event(ECS));
    for (name, value) in dump.fields() {
        assert_eq!(ecs.get(name), Some(value), "{name}");
    }
    assert_eq!(dump.len(), 17, "{:?}", dump.to_json());
    assert_eq!(dump.timestamp(), ecs.timestamp());
    assert_eq!(ecs.get("host.name"), Some(&FieldValue::from("ws1")));
}

#[test]
fn ecs_dotted_keys_are_nested_keys() {
    let dotted = r##"{"winlog.channel":"Security","winlog.event_id":4688,
        "winlog.event_data.Image":"a.exe","@timestamp":"2019-03-19T23:34:23Z"}"##;
    let e = event(dotted);
    assert_eq!(e.channel(), Some("Security"));
    assert_eq!(e.event_id(), Some(4688));
    assert_eq!(text(&e, "Image"), Some("a.exe"));
    // `@timestamp` stands in for `TimeCreated` and keeps its own name.
    assert_eq!(text(&e, "TimeCreated"), Some("2019-03-19T23:34:23Z"));
    assert!(e.get("@timestamp").is_some());
}

#[test]
fn system_fields_have_sigma_names() {
    let e = event(DUMP);
    assert_eq!(e.event_id(), Some(4688));
    assert_eq!(e.get("EventID"), Some(&FieldValue::Int(4688)));
    assert_eq!(e.provider(), Some("Microsoft-Windows-Security-Auditing"));
    assert_eq!(text(&e, "Provider"), e.provider());
    assert_eq!(text(&e, "Provider_Guid"), Some("{5484}"));
    assert_eq!(e.computer(), Some("WS1.corp"));
    assert_eq!(e.record_id(), Some(1234));
    assert_eq!(e.get("ProcessID"), Some(&FieldValue::Int(4)));
    assert_eq!(e.get("ThreadID"), Some(&FieldValue::Int(96)));
    assert_eq!(text(&e, "UserID"), Some("S-1-5-18"));
    assert_eq!(text(&e, "SystemTime"), text(&e, "TimeCreated"));
    assert_eq!(text(&e, "Keywords"), Some("0x8020000000000000"));
    assert_eq!(
        e.timestamp().unwrap().to_string(),
        "2019-03-19T23:34:23.123456Z"
    );
    // Empty elements and namespaces are not fields.
    assert!(e.get("Correlation").is_none());
    assert!(e.fields().all(|(n, _)| !n.contains("xmlns")));
}

#[test]
fn event_id_string_is_a_number_and_keeps_its_text() {
    let e = event(r##"{"Event":{"System":{"EventID":"4688"}}}"##);
    let id = e.get("EventID").unwrap();
    assert_eq!(id, &FieldValue::Int(4688));
    assert_eq!(id.to_text(), "4688");
    // Data values keep their JSON type.
    let e =
        event(r##"{"Event":{"EventData":{"ProcessId":"2576","Pid":2576}}}"##);
    assert_eq!(text(&e, "ProcessId"), Some("2576"));
    assert_eq!(e.get("Pid").unwrap().to_text(), "2576");
}

#[test]
fn qualifiers_and_separate_attributes() {
    let e = event(
        r##"{"Event":{"System":{"EventID":{"#attributes":{"Qualifiers":16384},"#text":7036},
        "Provider_attributes":{"Name":"Service Control Manager"},
        "TimeCreated_attributes":{"SystemTime":"2019-03-19T23:34:23Z"}}}}"##,
    );
    assert_eq!(e.event_id(), Some(7036));
    assert_eq!(e.get("Qualifiers"), Some(&FieldValue::Int(16384)));
    assert_eq!(e.provider(), Some("Service Control Manager"));
    assert!(e.timestamp().is_some());
}

#[test]
fn unnamed_data_is_a_list_and_params() {
    let e = event(
        r##"{"Event":{"EventData":{"Data":{"#text":["NTDS","3392",""]},"Binary":"0A0B"}}}"##,
    );
    let list = ["NTDS", "3392", ""].map(FieldValue::from).to_vec();
    assert_eq!(e.get("Data"), Some(&FieldValue::List(list)));
    assert_eq!(text(&e, "param1"), Some("NTDS"));
    assert_eq!(text(&e, "param3"), Some(""));
    assert_eq!(text(&e, "Binary"), Some("0A0B"));
    let one = event(r##"{"Event":{"EventData":{"Data":"only"}}}"##);
    assert_eq!(text(&one, "Data"), Some("only"));
    assert_eq!(text(&one, "param1"), Some("only"));
}

#[test]
fn user_data_has_dotted_and_leaf_names() {
    let e = event(
        r##"{"Event":{"System":{"EventID":1149},"UserData":{"EventXML":{
        "#attributes":{"xmlns:auto-ns2":"x","xmlns":"Event_NS"},"Param1":"admin","Param3":"10.0.0.5"}}}}"##,
    );
    assert_eq!(text(&e, "UserData.EventXML.Param1"), Some("admin"));
    assert_eq!(text(&e, "Param3"), Some("10.0.0.5"));
    assert_eq!(e.len(), 5);
    // A System name is not shadowed by a UserData leaf.
    let e = event(
        r##"{"Event":{"System":{"Channel":"A"},"UserData":{"X":{"Channel":"B"}}}}"##,
    );
    assert_eq!(e.channel(), Some("A"));
    assert_eq!(text(&e, "UserData.X.Channel"), Some("B"));
}

#[test]
fn lookups_by_path_case_and_key() {
    let e = event(DUMP);
    assert_eq!(text(&e, "Event.EventData.CommandLine"), Some("cmd /c whoami"));
    assert_eq!(text(&e, "Event.System.Channel"), Some("Security"));
    assert_eq!(e.get("commandline"), None);
    assert_eq!(
        e.get_ci("commandline").and_then(FieldValue::as_str),
        Some("cmd /c whoami")
    );
    let key = crate::FieldKey::new("Provider");
    assert_eq!(e.get_key(&key).and_then(FieldValue::as_str), e.provider());
    assert_eq!(Event::canonical_name("SystemTime"), "TimeCreated");
    assert_eq!(Event::canonical_name("Image"), "Image");
}

#[test]
fn to_json_is_flat_and_sorted() {
    let e = event(
        r##"{"Event":{"System":{"EventID":1,"Channel":"C"},"EventData":{"Image":"a"}}}"##,
    );
    assert_eq!(
        e.to_json().to_string(),
        r##"{"Channel":"C","EventID":1,"Image":"a"}"##
    );
}

#[test]
fn rejects_what_is_not_one_object() {
    for bad in
        ["", "[]", "1", "{", r##"{"a":1} {"b":2}"##, "{\"a\":\"\\ud800\"}"]
    {
        assert!(
            parse_event(bad.as_bytes(), EventSource::unknown()).is_err(),
            "{bad}"
        );
    }
    let err = parse_event(b"{\"a\":\"\xff\"}", EventSource::unknown());
    assert!(err.unwrap_err().to_string().starts_with("bad json event"));
    // Deep nesting is refused by serde_json's recursion limit.
    let deep = format!("{}{}", "{\"a\":".repeat(1000), "}".repeat(1000));
    assert!(parse_event(deep.as_bytes(), EventSource::unknown()).is_err());
}

#[test]
fn from_value_matches_from_json() {
    let value: serde_json::Value = serde_json::from_str(DUMP).unwrap();
    let e = event_from_value(&value, EventSource::unknown()).unwrap();
    assert_eq!(e, event(DUMP));
}

#[test]
fn from_pairs_keeps_names_as_given() {
    let pairs = [
        ("EventID", FieldValue::Int(1)),
        ("Image", "a.exe".into()),
        ("Image", "b.exe".into()),
        ("TimeCreated", "2019-03-19T23:34:23Z".into()),
    ];
    let e = Event::from_pairs(pairs, EventSource::unknown());
    assert_eq!(e.event_id(), Some(1));
    let both = FieldValue::List(vec!["a.exe".into(), "b.exe".into()]);
    assert_eq!(e.get("Image"), Some(&both));
    assert!(e.timestamp().is_some());
}
