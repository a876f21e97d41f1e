//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;

use counterspy_events::Reader;
use counterspy_model::{Event, EventSource, FieldValue, Position};
use counterspy_sigma::{Hit, Mappings, RuleSet, RuleSetBuilder};

/// Two Security detection rules the correlation tests build on:
/// `failed_logon` (4625) and `good_logon` (4624).
pub const LOGONS: &str = r#"
title: Failed logon
id: failed-logon
name: failed_logon
logsource: {product: windows, service: security}
detection:
    sel:
        EventID: 4625
    condition: sel
---
title: Successful logon
id: good-logon
name: good_logon
logsource: {product: windows, service: security}
detection:
    sel:
        EventID: 4624
    condition: sel
"#;

/// A rule set of one detection rule (`product: windows`, so routed to
/// every event) with the given `detection:` body (indented 4 spaces).
pub fn rule(detection: &str) -> RuleSet {
    rule_with(detection, Mappings::default())
}

/// Like [`rule`], with mappings.
pub fn rule_with(detection: &str, mappings: Mappings) -> RuleSet {
    let yaml = format!(
        "title: test\nid: 00000000-0000-4000-8000-000000000000\n\
         logsource:\n    product: windows\ndetection:\n{detection}\nlevel: high\n"
    );
    let set = RuleSetBuilder::new()
        .mappings(mappings)
        .add_yaml("t.yml", &yaml)
        .build();
    let errors: Vec<_> = set
        .diagnostics()
        .iter()
        .filter(|d| d.severity == counterspy_sigma::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    set
}

/// An event of `pairs`; text values unless they parse as `i64` with a
/// `#` prefix (`"#3"` is the number 3), `"~null"` is null.
pub fn event(pairs: &[(&str, &str)]) -> Event {
    let value = |v: &str| {
        if v == "~null" {
            return FieldValue::Null;
        }
        match v.strip_prefix('#').map(str::parse::<i64>) {
            Some(Ok(n)) => FieldValue::Int(n),
            _ => FieldValue::from(v),
        }
    };
    let pairs = pairs.iter().map(|(k, v)| (*k, value(v)));
    Event::from_pairs(pairs, EventSource::unknown())
}

/// Whether the set's first rule fires on `pairs`; the indexed and the
/// exhaustive matching must agree.
pub fn fires(set: &RuleSet, pairs: &[(&str, &str)]) -> bool {
    let event = event(pairs);
    let (mut hits, mut reference) = (Vec::new(), Vec::new());
    set.matches(&event, &mut hits);
    set.matches_exhaustively(&event, &mut reference);
    assert_eq!(hits, reference, "indexed vs exhaustive on {pairs:?}");
    hits.iter().any(|h| h.rule == 0)
}

/// Asserts the rule fires on each of `yes` and on none of `no`.
pub fn check(
    detection: &str,
    yes: &[&[(&str, &str)]],
    no: &[&[(&str, &str)]],
) {
    let set = rule(detection);
    check_set(&set, yes, no);
}

/// Like [`check`] with a built set.
pub fn check_set(
    set: &RuleSet,
    yes: &[&[(&str, &str)]],
    no: &[&[(&str, &str)]],
) {
    for e in yes {
        assert!(fires(set, e), "should match: {e:?}");
    }
    for e in no {
        assert!(!fires(set, e), "should not match: {e:?}");
    }
}

/// A path under the shared corpora (`../shared/corpora/…` of the
/// workspace).
pub fn corpus(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpora")
        .join(rel)
}

/// Every hit of `set` over the events of `paths` with its record number
/// (0 where there is none), sorted by rule then record, and how many
/// records were read.
pub fn hunt(set: &RuleSet, paths: &[PathBuf]) -> (u64, Vec<(Hit, u64)>) {
    let mut found = Vec::new();
    let stats = Reader::new()
        .for_each(paths, |event| {
            let mut hits = Vec::new();
            set.matches(&event, &mut hits);
            let record = match event.source().position() {
                Position::Record(n) => n,
                _ => 0,
            };
            found.extend(hits.into_iter().map(|h| (h, record)));
        })
        .expect("readable");
    found.sort_by_key(|(h, record)| (h.rule, *record));
    (stats.records, found)
}
