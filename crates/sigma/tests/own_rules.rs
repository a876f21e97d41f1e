//! The built-in rules. Our own rules (`rules/sigma/*.yml` of the
//! workspace): each loads without a diagnostic, and its samples
//! (`rules/sigma/samples/<file stem>/match.jsonl` and `nomatch.jsonl`,
//! `evtx_dump` JSON, one event per line) behave: every `match.jsonl`
//! event fires one of the file's detection rules, or, for a file with
//! correlation rules, the sequence fires one of its correlations; nothing
//! in `nomatch.jsonl` does. The SigmaHQ rules we vendor
//! (`rules/sigma/sigmahq/*.yml`, unmodified) have no samples (the
//! investigate cases of `counterspy-testkit` exercise them): each loads
//! without a diagnostic and is listed in that folder's README, next to
//! SigmaHQ's licence. Every file of both folders is in
//! [`BUILTIN_RULES`](counterspy_sigma::BUILTIN_RULES), and every built-in
//! rule carries an ATT&CK tactic and technique tag.

use std::path::{Path, PathBuf};

use counterspy_events::Reader;
use counterspy_model::{Event, Timestamp};
use counterspy_sigma::{
    BUILTIN_RULES, Correlator, RuleKind, RuleSet, RuleSetBuilder,
};

fn rules_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../rules/sigma")
}

fn sigmahq_dir() -> PathBuf {
    rules_dir().join("sigmahq")
}

/// Our own rule files.
fn rule_files() -> Vec<PathBuf> {
    yml_files(&rules_dir())
}

/// The `.yml` / `.yaml` files directly in `dir`, sorted.
fn yml_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
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

/// Whether `tag` names an ATT&CK tactic (`attack.lateral-movement`), not
/// a technique, group or software id.
fn is_tactic(tag: &str) -> bool {
    tag.strip_prefix("attack.").is_some_and(|rest| {
        let id = |p: char| {
            rest.starts_with(p)
                && rest[1..].starts_with(|c: char| c.is_ascii_digit())
        };
        !rest.is_empty() && !id('t') && !id('g') && !id('s')
    })
}

#[test]
fn vendored_sigmahq_rules_load_cleanly_and_are_documented() {
    let dir = sigmahq_dir();
    assert!(dir.join("LICENSE").is_file(), "sigmahq/LICENSE missing");
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    let files = yml_files(&dir);
    assert!(!files.is_empty());
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let set = RuleSetBuilder::new().add_path(&file).unwrap().build();
        assert!(
            set.diagnostics().is_empty(),
            "{name}: {:#?}",
            set.diagnostics()
        );
        assert_eq!(set.rules().len(), 1, "{name}");
        assert!(readme.contains(&format!("/{name}`")), "README lacks {name}");
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        let samples = rules_dir().join("samples").join(&stem);
        assert!(!samples.exists(), "{name}: vendored rules have no samples");
    }
}

#[test]
fn every_rule_file_is_built_in_as_it_is_on_disk() {
    let mut on_disk: Vec<(String, String)> = Vec::new();
    for (dir, prefix) in
        [(rules_dir(), "rules/sigma"), (sigmahq_dir(), "rules/sigma/sigmahq")]
    {
        for file in yml_files(&dir) {
            let name = file.file_name().unwrap().to_string_lossy();
            let text = std::fs::read_to_string(&file).unwrap();
            on_disk.push((format!("{prefix}/{name}"), text));
        }
    }
    on_disk.sort();
    let mut built: Vec<(String, String)> = BUILTIN_RULES
        .iter()
        .map(|(p, t)| ((*p).to_string(), (*t).to_string()))
        .collect();
    built.sort();
    let names = |v: &[(String, String)]| -> Vec<String> {
        v.iter().map(|(p, _)| p.clone()).collect()
    };
    assert_eq!(names(&built), names(&on_disk));
    assert!(built == on_disk, "a built-in rule differs from its file");
}

#[test]
fn built_in_rules_carry_tactic_and_technique_tags_and_unique_ids() {
    let set = RuleSetBuilder::new().with_builtin_rules().build();
    assert!(set.diagnostics().is_empty(), "{:#?}", set.diagnostics());
    let mut ids = std::collections::BTreeSet::new();
    for rule in set.rules() {
        let what = format!("{} ({})", rule.title, rule.path.display());
        assert!(!rule.techniques.is_empty(), "{what}: no technique tag");
        assert!(rule.tags.iter().any(|t| is_tactic(t)), "{what}: no tactic");
        let id = rule.id.clone().unwrap_or_default();
        assert!(ids.insert(id), "{what}: duplicate id");
    }
}
