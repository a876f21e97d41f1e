#![no_main]

use std::sync::OnceLock;

use counterspy_model::{Event, EventSource, FieldValue};
use counterspy_sigma::{RuleCache, RuleSetBuilder};
use libfuzzer_sys::fuzz_target;

const RULES: &str = r#"
title: Whoami
id: 9d9e4a5c-0000-4000-8000-000000000001
logsource: {product: windows, category: process_creation}
detection:
    sel:
        Image|endswith: '\whoami.exe'
    condition: sel
---
title: Logons
correlation:
    type: event_count
    rules: [9d9e4a5c-0000-4000-8000-000000000001]
    group-by: [User]
    timespan: 5m
    condition: {gte: 2}
"#;

/// A cache folder holding one cache file, which each input replaces.
fn cache() -> &'static (tempfile::TempDir, std::path::PathBuf) {
    static CACHE: OnceLock<(tempfile::TempDir, std::path::PathBuf)> = OnceLock::new();
    CACHE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        build(dir.path());
        let file = std::fs::read_dir(dir.path())
            .expect("cache folder")
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == "json"))
            .expect("a cache file");
        (dir, file)
    })
}

fn build(dir: &std::path::Path) -> counterspy_sigma::RuleSet {
    RuleSetBuilder::new()
        .add_yaml("fuzz.yml", RULES)
        .cache(RuleCache::new(dir, b"fuzz"))
        .build()
}

// Arbitrary bytes as the cache file of a rule set: building never panics,
// and whatever set comes out (from the cache or rebuilt) matches an event.
fuzz_target!(|data: &[u8]| {
    let (dir, file) = cache();
    std::fs::write(file, data).expect("write the cache file");
    let set = build(dir.path());
    let pairs = [
        ("Channel", FieldValue::from("Microsoft-Windows-Sysmon/Operational")),
        ("EventID", FieldValue::Int(1)),
        ("Image", FieldValue::from(r"C:\Windows\System32\whoami.exe")),
    ];
    let event = Event::from_pairs(pairs, EventSource::unknown());
    let mut hits = Vec::new();
    set.matches(&event, &mut hits);
    assert!(hits.iter().all(|h| h.rule < set.rules().len()));
});
