//! The fact index answers exactly what rsigma answers rule by rule:
//! every rule of SigmaHQ's rule folders and ours, over every event of
//! the attack samples and over altered copies of them (values upper-
//! cased, values with their last character cut, values with a prefix),
//! gives the same hits through [`RuleSet::matches`] as through
//! [`RuleSet::matches_exhaustively`].

mod common;

use counterspy_events::Reader;
use counterspy_model::{Event, EventSource, FieldValue};
use counterspy_sigma::{RuleSet, RuleSetBuilder};

fn every_rule() -> RuleSet {
    let root = common::corpus("sigma");
    let mut b = RuleSetBuilder::new();
    for dir in [
        "rules",
        "rules-emerging-threats",
        "rules-threat-hunting",
        "rules-dfir",
        "rules-compliance",
    ] {
        b = b.add_path(&root.join(dir)).expect("readable");
    }
    let ours = concat!(env!("CARGO_MANIFEST_DIR"), "/../../rules/sigma");
    b.add_path(std::path::Path::new(ours)).expect("readable").build()
}

/// `event` with `f` applied to each text value.
fn altered(event: &Event, f: impl Fn(&str) -> String) -> Event {
    let pairs = event.fields().map(|(name, value)| {
        let value = match value {
            FieldValue::Str(s) => FieldValue::from(f(s).as_str()),
            other => other.clone(),
        };
        (name, value)
    });
    Event::from_pairs(pairs, EventSource::unknown())
}

#[test]
fn indexed_matching_is_exhaustive_matching_on_the_attack_samples() {
    let set = every_rule();
    assert!(set.stats().detections > 3000, "{:?}", set.stats());
    let samples = [common::corpus("evtx-attack-samples")];
    let (mut events, mut hits, mut mismatches) = (0u64, 0usize, Vec::new());
    Reader::new()
        .for_each(&samples, |event| {
            let variants = [
                altered(&event, str::to_uppercase),
                altered(&event, |s| {
                    let mut s = s.to_string();
                    s.pop();
                    s
                }),
                altered(&event, |s| format!("x{s}")),
            ];
            for e in std::iter::once(&event).chain(&variants) {
                let (mut indexed, mut reference) = (Vec::new(), Vec::new());
                set.matches(e, &mut indexed);
                set.matches_exhaustively(e, &mut reference);
                events += 1;
                hits += reference.len();
                if indexed != reference && mismatches.len() < 20 {
                    let rules = |h: &[counterspy_sigma::Hit]| {
                        h.iter().map(|h| h.rule).collect::<Vec<_>>()
                    };
                    mismatches.push((
                        event.source().to_string(),
                        rules(&indexed),
                        rules(&reference),
                    ));
                }
            }
        })
        .expect("readable");
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    assert_eq!(events, 4 * 7_455);
    assert!(hits > 2000, "{hits}");
}
