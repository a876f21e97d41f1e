//! Our own rules (`rules/sigma/*.yml` of the workspace): each loads
//! without a diagnostic, and its samples
//! (`rules/sigma/samples/<file stem>/match.jsonl` and `nomatch.jsonl`,
//! `evtx_dump` JSON, one event per line) behave: every `match.jsonl`
//! event fires one of the file's detection rules, or, for a file with
//! correlation rules, the sequence fires one of its correlations; nothing
//! in `nomatch.jsonl` does.

use std::path::{Path, PathBuf};

use counterspy_events::Reader;
use counterspy_model::{Event, Timestamp};
use counterspy_sigma::{Correlator, RuleKind, RuleSet, RuleSetBuilder};

fn rules_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../rules/sigma")
}

fn rule_files() -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(rules_dir()) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    files.sort();
    files
}

fn events(path: &Path) -> Vec<Event> {
    assert!(path.is_file(), "missing sample file {}", path.display());
    let mut out = Vec::new();
    let stats = Reader::new()
        .for_each(&[path.to_path_buf()], |e| out.push(e))
        .unwrap();
    assert_eq!(stats.bad_lines, 0, "{}: {stats:?}", path.display());
    assert!(!out.is_empty(), "{} holds no event", path.display());
    out
}

/// Detection hits (rule indices) per event, and correlation hits.
fn run(set: &RuleSet, events: &[Event]) -> (Vec<Vec<usize>>, usize) {
    let mut correlator = Correlator::new(set);
    let mut per_event = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let mut hits = Vec::new();
        set.matches(e, &mut hits);
        per_event.push(hits.iter().map(|h| h.rule).collect());
        let fallback = Timestamp::from_micros(i as i64);
        for h in hits {
            correlator.push(h, e.timestamp().unwrap_or(fallback));
        }
    }
    (per_event, correlator.finish().len())
}

fn check_file(file: &Path) {
    let name = file.display();
    let set = RuleSetBuilder::new().add_path(file).unwrap().build();
    assert!(set.diagnostics().is_empty(), "{name}: {:#?}", set.diagnostics());
    assert!(!set.rules().is_empty(), "{name}: no rule");
    let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
    let samples = rules_dir().join("samples").join(&stem);
    let correlation =
        set.rules().iter().any(|r| r.kind == RuleKind::Correlation);
    let detections: Vec<usize> = set
        .rules()
        .iter()
        .enumerate()
        .filter(|(_, r)| r.kind == RuleKind::Detection)
        .map(|(i, _)| i)
        .collect();

    let (hits, fired) = run(&set, &events(&samples.join("match.jsonl")));
    if correlation {
        assert!(fired > 0, "{name}: match.jsonl fires no correlation");
    } else {
        for (i, h) in hits.iter().enumerate() {
            let ok = h.iter().any(|r| detections.contains(r));
            assert!(ok, "{name}: match.jsonl line {} fires nothing", i + 1);
        }
    }
    let (hits, fired) = run(&set, &events(&samples.join("nomatch.jsonl")));
    assert_eq!(fired, 0, "{name}: nomatch.jsonl fires a correlation");
    if !correlation {
        for (i, h) in hits.iter().enumerate() {
            assert!(
                h.is_empty(),
                "{name}: nomatch.jsonl line {} fires {h:?}",
                i + 1
            );
        }
    }
}

#[test]
fn own_rules_load_cleanly_and_pass_their_samples() {
    let files = rule_files();
    let mut failures = Vec::new();
    for file in &files {
        let result = std::panic::catch_unwind(|| check_file(file));
        if let Err(e) = result {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            failures.push(msg);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rule files fail:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_file_has_samples() {
    for file in rule_files() {
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        let dir = rules_dir().join("samples").join(&stem);
        for sample in ["match.jsonl", "nomatch.jsonl"] {
            assert!(
                dir.join(sample).is_file(),
                "{} lacks samples/{stem}/{sample}",
                file.display()
            );
        }
    }
}
