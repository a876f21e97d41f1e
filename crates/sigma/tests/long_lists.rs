//! Rules with very long literal lists (hash and driver lists, keyword
//! lists): whether the fact index answers them or they are evaluated
//! directly against each event of the bucket, the hits must be the same
//! as for any other rule, in the same order, with the same field
//! renames.

use counterspy_model::{Event, EventSource, FieldValue};
use counterspy_sigma::{RuleSet, RuleSetBuilder};

/// More values than the index takes from one rule.
const LONG: usize = 400;

fn hash(i: usize) -> String {
    format!("IMPHASH={i:032X}")
}

fn rules() -> RuleSet {
    let hashes: String =
        (0..LONG).map(|i| format!("            - '{}'\n", hash(i))).collect();
    let images: String = (0..LONG)
        .map(|i| format!("            - '\\tool{i}.exe'\n"))
        .collect();
    let words: String =
        (0..LONG).map(|i| format!("        - 'needle-{i}-word'\n")).collect();
    let rule = |n: u8, detection: &str| {
        format!(
            "title: rule {n}\nid: 00000000-0000-4000-8000-00000000000{n}\n\
             logsource:\n    product: windows\n    category: process_creation\n\
             detection:\n{detection}level: high\n"
        )
    };
    let docs = [
        rule(
            0,
            "    s:\n        Image|endswith: '\\whoami.exe'\n    condition: s\n",
        ),
        rule(
            1,
            &format!(
                "    s:\n        Hashes|contains:\n{hashes}    f:\n        \
                 CommandLine|contains: 'allowed'\n    condition: s and not f\n"
            ),
        ),
        rule(
            2,
            &format!(
                "    s:\n        Image|endswith:\n{images}    condition: s\n"
            ),
        ),
        rule(3, &format!("    keywords:\n{words}    condition: keywords\n")),
        rule(
            4,
            "    s:\n        CommandLine|contains: 'whoami'\n    condition: s\n",
        ),
    ];
    let set = RuleSetBuilder::new()
        .add_yaml("long.yml", &docs.join("---\n"))
        .build();
    assert!(set.diagnostics().is_empty(), "{:#?}", set.diagnostics());
    assert_eq!(set.rules().len(), 5);
    set
}

fn hits(set: &RuleSet, pairs: &[(&str, &str)]) -> Vec<usize> {
    let mut all = vec![
        ("Channel", FieldValue::from("Microsoft-Windows-Sysmon/Operational")),
        ("EventID", FieldValue::Int(1)),
    ];
    all.extend(pairs.iter().map(|(k, v)| (*k, FieldValue::from(*v))));
    let event = Event::from_pairs(all, EventSource::unknown());
    let mut hits = Vec::new();
    set.matches(&event, &mut hits);
    hits.iter().map(|h| h.rule).collect()
}

#[test]
fn a_value_deep_in_a_long_list_fires_with_the_indexed_rules_in_order() {
    let set = rules();
    let pairs = [
        ("Image", r"C:\Windows\System32\whoami.exe"),
        ("CommandLine", "whoami /all"),
        ("Hashes", &*format!("MD5=00,{}", hash(LONG - 7))),
    ];
    assert_eq!(hits(&set, &pairs), [0, 1, 4]);
}

#[test]
fn long_lists_match_case_insensitively_and_not_otherwise() {
    let set = rules();
    let lower = hash(123).to_lowercase();
    assert_eq!(hits(&set, &[("Hashes", &lower)]), [1]);
    assert_eq!(
        hits(&set, &[("Hashes", &hash(LONG + 1))]),
        Vec::<usize>::new()
    );
    // The filter of the long rule still applies.
    let filtered = [("Hashes", &*hash(5)), ("CommandLine", "allowed run")];
    assert_eq!(hits(&set, &filtered), Vec::<usize>::new());
    assert_eq!(hits(&set, &[("Image", r"D:\x\TOOL399.EXE")]), [2]);
    assert_eq!(
        hits(&set, &[("Image", r"D:\x\tool400.exe")]),
        Vec::<usize>::new()
    );
}

#[test]
fn long_keyword_lists_search_every_value() {
    let set = rules();
    let pairs = [("ParentCommandLine", "run needle-250-word now")];
    assert_eq!(hits(&set, &pairs), [3]);
    assert_eq!(
        hits(&set, &[("ParentCommandLine", "needle-9999-word")]),
        Vec::<usize>::new()
    );
}

#[test]
fn long_lists_see_the_field_renames_of_their_route() {
    // Security 4688 names the image `NewProcessName`.
    let set = rules();
    let pairs = [
        ("Channel", FieldValue::from("Security")),
        ("EventID", FieldValue::Int(4688)),
        ("NewProcessName", FieldValue::from(r"C:\t\tool17.exe")),
    ];
    let event = Event::from_pairs(pairs, EventSource::unknown());
    let mut hits = Vec::new();
    set.matches(&event, &mut hits);
    assert_eq!(hits.iter().map(|h| h.rule).collect::<Vec<_>>(), [2]);
}
