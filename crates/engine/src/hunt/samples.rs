//! Rule files checked against their sample events, the practice of
//! SigmaHQ's regression data and of our own `rules/sigma/`: for
//! `RULE.yml`, `SAMPLES/RULE/match.jsonl` must fire it (for a file with a
//! correlation rule: fire the correlation) and `nomatch.jsonl` must not.

use std::path::{Path, PathBuf};

use counterspy_events::Reader;
use counterspy_model::{Event, Timestamp};
use counterspy_sigma::{Correlator, RuleKind, RuleSet, RuleSetBuilder};

/// The outcome of one rule file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampleCheck {
    /// The rule file.
    pub rule_file: PathBuf,
    /// What is wrong; empty when the file passes.
    pub problems: Vec<String>,
}

impl SampleCheck {
    /// Whether the file loads cleanly and its samples behave.
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks every `.yml`/`.yaml` file directly in `rules` against its
/// samples under `samples` (sorted by file name).
pub fn check_rule_samples(rules: &Path, samples: &Path) -> Vec<SampleCheck> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(rules)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    files.sort();
    files.iter().map(|f| check_file(f, samples)).collect()
}

fn check_file(file: &Path, samples: &Path) -> SampleCheck {
    let mut problems = Vec::new();
    let set = match RuleSetBuilder::new().add_path(file) {
        Ok(b) => b.build(),
        Err(e) => {
            problems.push(format!("{e}"));
            return SampleCheck { rule_file: file.into(), problems };
        }
    };
    for d in set.diagnostics() {
        problems.push(format!("diagnostic: {d}"));
    }
    let stem = file.file_stem().unwrap_or_default().to_string_lossy();
    let dir = samples.join(stem.as_ref());
    for (name, must_fire) in [("match.jsonl", true), ("nomatch.jsonl", false)]
    {
        match read(&dir.join(name)) {
            Ok(events) => {
                problems.extend(judge(&set, &events, name, must_fire));
            }
            Err(why) => problems.push(why),
        }
    }
    SampleCheck { rule_file: file.into(), problems }
}

fn read(path: &Path) -> Result<Vec<Event>, String> {
    if !path.is_file() {
        return Err(format!("missing sample file {}", path.display()));
    }
    let mut events = Vec::new();
    let stats = Reader::new()
        .for_each(&[path.to_path_buf()], |e| events.push(e))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if stats.bad_lines > 0 || events.is_empty() {
        let bad = stats.bad_lines;
        return Err(format!(
            "{}: {} events, {bad} unreadable lines",
            path.display(),
            events.len()
        ));
    }
    Ok(events)
}

/// The problems of one sample file.
fn judge(
    set: &RuleSet,
    events: &[Event],
    name: &str,
    must_fire: bool,
) -> Vec<String> {
    let correlation =
        set.rules().iter().any(|r| r.kind == RuleKind::Correlation);
    let mut correlator = Correlator::new(set);
    let mut problems = Vec::new();
    for (i, event) in events.iter().enumerate() {
        let mut hits = Vec::new();
        set.matches(event, &mut hits);
        let line = i + 1;
        if !correlation && must_fire && hits.is_empty() {
            problems.push(format!("{name} line {line} fires no rule"));
        }
        if !correlation && !must_fire && !hits.is_empty() {
            problems.push(format!("{name} line {line} fires a rule"));
        }
        let fallback = Timestamp::from_micros(i as i64);
        for hit in hits {
            correlator.push(hit, event.timestamp().unwrap_or(fallback));
        }
    }
    let fired = correlator.finish().len();
    if correlation && must_fire && fired == 0 {
        problems.push(format!("{name} fires no correlation"));
    }
    if correlation && !must_fire && fired > 0 {
        problems.push(format!("{name} fires {fired} correlations"));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    #[test]
    fn our_rules_pass_and_a_wrong_sample_fails() {
        let rules = repo().join("rules/sigma");
        let checks = check_rule_samples(&rules, &rules.join("samples"));
        assert_eq!(checks.len(), 19);
        assert!(checks.iter().all(SampleCheck::passed), "{checks:#?}");

        // The Ladon rule against the Cotx samples: its match file fires
        // nothing.
        let dir = tempfile::tempdir().unwrap();
        let rule = dir.path().join("proc_creation_win_hktl_ladon.yml");
        std::fs::copy(rules.join("proc_creation_win_hktl_ladon.yml"), &rule)
            .unwrap();
        let wrong = dir.path().join("samples/proc_creation_win_hktl_ladon");
        std::fs::create_dir_all(&wrong).unwrap();
        let cotx = rules.join("samples/registry_set_win_cotx_rat_config");
        for f in ["match.jsonl", "nomatch.jsonl"] {
            std::fs::copy(cotx.join(f), wrong.join(f)).unwrap();
        }
        let checks =
            check_rule_samples(dir.path(), &dir.path().join("samples"));
        assert!(!checks[0].passed());
        assert!(
            checks[0].problems[0]
                .starts_with("match.jsonl line 1 fires no rule"),
            "{checks:#?}"
        );
    }
}
