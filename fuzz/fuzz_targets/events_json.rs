#![no_main]

use counterspy_events::{Event, EventSource, FieldKey, Timestamp, parse_event};
use libfuzzer_sys::fuzz_target;

// One JSON event in either shape (and the timestamp parser): never a panic,
// and the lookups agree with what `fields()` lists: names unique, every
// name found by each lookup with its value.
fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Some(t) = Timestamp::parse(text)
    {
        assert_eq!(Timestamp::parse(&t.to_string()), Some(t));
    }
    let Ok(event) = parse_event(data, EventSource::unknown()) else {
        return;
    };
    let mut names = std::collections::HashSet::new();
    for (name, value) in event.fields() {
        assert!(names.insert(name), "duplicate field {name:?}");
        assert_eq!(event.get(name), Some(value));
        assert_eq!(event.get_key(&FieldKey::new(name)), Some(value));
        assert!(event.get_ci(name).is_some());
        let _ = value.to_text();
    }
    let _ = (event.event_id(), event.record_id(), event.timestamp());
    let _ = event.to_json().to_string();
});
