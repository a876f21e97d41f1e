#![no_main]

use counterspy_model::{Event, EventSource, FieldValue, Timestamp};
use counterspy_sigma::{Correlator, RuleSetBuilder, Severity};
use libfuzzer_sys::fuzz_target;

// Arbitrary bytes as a rule file: loading, compiling and routing never
// panic, every rejected document has an error diagnostic, and the rules
// that loaded match one fixed event (and correlate) without panicking,
// through the indexes exactly as through rsigma rule by rule.
fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let set = RuleSetBuilder::new().add_yaml("fuzz.yml", &text).build();
    let errors = set.diagnostics().iter().filter(|d| d.severity == Severity::Error);
    assert_eq!(errors.count(), set.stats().rejected_total());
    for d in set.diagnostics() {
        let _ = d.to_string();
    }
    let pairs = [
        ("Channel", FieldValue::from("Microsoft-Windows-Sysmon/Operational")),
        ("EventID", FieldValue::Int(1)),
        ("TimeCreated", FieldValue::from("2024-01-01T00:00:00Z")),
        ("Image", FieldValue::from(r"C:\Windows\System32\cmd.exe")),
        ("CommandLine", FieldValue::from("cmd.exe /c whoami /all")),
        ("User", FieldValue::Null),
        ("Hashes", FieldValue::List(vec!["a".into(), FieldValue::Int(3)])),
    ];
    let event = Event::from_pairs(pairs, EventSource::unknown());
    let (mut hits, mut reference) = (Vec::new(), Vec::new());
    set.matches(&event, &mut hits);
    set.matches_exhaustively(&event, &mut reference);
    assert_eq!(hits, reference);
    let mut correlator = Correlator::new(&set);
    for hit in hits {
        assert!(hit.rule < set.rules().len());
        correlator.push(hit.clone(), Timestamp::from_micros(0));
        correlator.push(hit, Timestamp::from_micros(1));
    }
    let _ = correlator.finish();
});
