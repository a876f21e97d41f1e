//! The rule cache: a set read from it is the set built from the files
//! (rules, diagnostics, statistics, fingerprint, hits and correlations),
//! any change of input misses, and a damaged file is a miss that the cold
//! build repairs.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use counterspy_model::{Event, EventSource, FieldValue, Timestamp};
use counterspy_sigma::{
    Correlator, KEEP_CACHED, Mappings, RuleCache, RuleSet, RuleSetBuilder,
};

/// The cache files in `dir`.
fn cached(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    files
}

/// Everything observable about a set but its hits.
fn assert_same_set(warm: &RuleSet, cold: &RuleSet) {
    assert_eq!(warm.rules(), cold.rules());
    assert_eq!(warm.diagnostics(), cold.diagnostics());
    assert_eq!(warm.stats(), cold.stats());
    assert_eq!(warm.fingerprint(), cold.fingerprint());
    assert_eq!(warm.longest_timespan(), cold.longest_timespan());
}

/// `(rule, record, carried values)` of every hit over `paths`.
fn hits(set: &RuleSet, paths: &[PathBuf]) -> Vec<(usize, u64, String)> {
    let (_, found) = common::hunt(set, paths);
    let mut found: Vec<_> = found
        .into_iter()
        .map(|(h, record)| (h.rule, record, format!("{h:?}")))
        .collect();
    found.sort();
    found
}

fn sigmahq_builder() -> RuleSetBuilder {
    let root = common::corpus("sigma");
    let mut b = RuleSetBuilder::new();
    for dir in ["rules", "rules-emerging-threats", "rules-threat-hunting"] {
        b = b.add_path(&root.join(dir)).expect("readable");
    }
    b
}

#[test]
fn sigmahq_from_the_cache_is_the_set_built_from_the_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cache = RuleCache::new(tmp.path(), b"salt");
    let plain = sigmahq_builder().build();
    let cold = sigmahq_builder().cache(cache.clone()).build();
    assert!(!cold.from_cache());
    assert_eq!(cached(tmp.path()).len(), 1);
    let warm = sigmahq_builder().cache(cache).build();
    assert!(warm.from_cache());
    assert_same_set(&cold, &plain);
    assert_same_set(&warm, &cold);
    assert!(cold.stats().detections > 3000, "{:?}", cold.stats());

    let samples = [common::corpus("evtx-attack-samples")];
    let expected = hits(&cold, &samples);
    assert!(expected.len() > 1000, "{}", expected.len());
    assert_eq!(hits(&warm, &samples), expected);
}

const RULES: &str = r#"
title: Whoami
id: 9d9e4a5c-0000-4000-8000-000000000001
logsource: {product: windows, category: process_creation}
detection:
    sel:
        Image|endswith: '\whoami.exe'
        CommandLine|re: '(?i)/(all|priv)'
    condition: sel
level: medium
---
title: Broken regex
id: 9d9e4a5c-0000-4000-8000-000000000002
logsource: {product: windows, category: process_creation}
detection:
    sel:
        CommandLine|re: '(unclosed'
    condition: sel
---
title: Duplicate id
id: 9d9e4a5c-0000-4000-8000-000000000001
logsource: {product: linux, category: process_creation}
detection:
    sel:
        Image|endswith: '/id'
    condition: sel
"#;

fn write_rules(dir: &Path, logons: &str) {
    fs::write(dir.join("a.yml"), RULES).expect("write");
    fs::write(dir.join("b.yml"), "title: [unterminated\n").expect("write");
    fs::write(dir.join("c.yml"), logons).expect("write");
}

const BURST: &str = r#"
title: Logon burst
correlation:
    type: event_count
    rules: [failed_logon]
    group-by: [TargetUserName]
    timespan: 10m
    condition: {gte: 3}
level: high
"#;

fn build(rules: &Path, cache: &RuleCache) -> RuleSet {
    RuleSetBuilder::new()
        .add_path(rules)
        .expect("readable")
        .cache(cache.clone())
        .build()
}

fn whoami() -> Event {
    let pairs = [
        ("Channel", FieldValue::from("Microsoft-Windows-Sysmon/Operational")),
        ("EventID", FieldValue::Int(1)),
        ("Image", FieldValue::from(r"C:\Windows\System32\whoami.exe")),
        ("CommandLine", FieldValue::from("whoami /priv")),
    ];
    Event::from_pairs(pairs, EventSource::unknown())
}

fn failed_logon(user: &str) -> Event {
    let pairs = [
        ("Channel", FieldValue::from("Security")),
        ("EventID", FieldValue::Int(4625)),
        ("TargetUserName", FieldValue::from(user)),
    ];
    Event::from_pairs(pairs, EventSource::unknown())
}

/// Rule titles of the detections and correlation hits of a few events.
fn outcome(set: &RuleSet) -> Vec<String> {
    let mut correlator = Correlator::new(set);
    let mut titles = Vec::new();
    let events = [whoami(), failed_logon("bob"), failed_logon("bob")];
    let events = events.into_iter().chain([failed_logon("bob")]);
    for (i, event) in events.enumerate() {
        let mut hits = Vec::new();
        set.matches(&event, &mut hits);
        for hit in hits {
            titles.push(set.rules()[hit.rule].title.clone());
            let at = Timestamp::from_micros(i as i64 * 1_000_000);
            correlator.push(hit, at);
        }
    }
    for c in correlator.finish() {
        titles.push(format!("correlation {}", set.rules()[c.rule].title));
    }
    titles
}

#[test]
fn diagnostics_and_correlations_come_back_from_the_cache() {
    let rules = tempfile::tempdir().expect("tempdir");
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = RuleCache::new(dir.path(), b"salt");
    write_rules(rules.path(), &format!("{}---{BURST}", common::LOGONS));
    let cold = build(rules.path(), &cache);
    let warm = build(rules.path(), &cache);
    assert!(!cold.from_cache() && warm.from_cache());
    assert_same_set(&warm, &cold);
    // A YAML error, a bad regex, a duplicate id: with lines and columns.
    let lines: Vec<_> = warm.diagnostics().iter().map(|d| d.line).collect();
    assert_eq!(warm.diagnostics().len(), 3, "{:#?}", warm.diagnostics());
    assert!(lines.iter().all(Option::is_some), "{lines:?}");
    let expected = [
        "Whoami",
        "Failed logon",
        "Failed logon",
        "Failed logon",
        "correlation Logon burst",
    ];
    assert_eq!(outcome(&cold), expected);
    assert_eq!(outcome(&warm), expected);
}

#[test]
fn a_changed_input_misses() {
    let rules = tempfile::tempdir().expect("tempdir");
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = RuleCache::new(dir.path(), b"salt");
    write_rules(rules.path(), common::LOGONS);
    assert!(!build(rules.path(), &cache).from_cache());
    assert!(build(rules.path(), &cache).from_cache());

    // Another rule text: a miss, and the new text is what counts.
    let edited = RULES.replace("(all|priv)", "(all|groups)");
    fs::write(rules.path().join("a.yml"), edited).expect("write");
    let set = build(rules.path(), &cache);
    assert!(!set.from_cache());
    assert_eq!(outcome(&set), ["Failed logon"; 3]);
    assert!(build(rules.path(), &cache).from_cache());

    // Another salt (another build of the program): a miss.
    let other = RuleCache::new(dir.path(), b"other build");
    assert!(!build(rules.path(), &other).from_cache());

    // Other mappings: a miss.
    let mut mappings = Mappings::default();
    mappings
        .merge_yaml("m.yml", "placeholders:\n    admins: [root]\n")
        .expect("valid mappings");
    let with = |m: Mappings| {
        RuleSetBuilder::new()
            .mappings(m)
            .add_path(rules.path())
            .expect("readable")
            .cache(cache.clone())
            .build()
    };
    assert!(!with(mappings.clone()).from_cache());
    assert!(with(mappings).from_cache());

    // A file more: a miss.
    fs::write(rules.path().join("d.yml"), "title: x\n").expect("write");
    assert!(!build(rules.path(), &cache).from_cache());
}

#[test]
fn a_damaged_cache_file_is_a_miss_and_is_rebuilt() {
    let rules = tempfile::tempdir().expect("tempdir");
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = RuleCache::new(dir.path(), b"salt");
    write_rules(rules.path(), &format!("{}---{BURST}", common::LOGONS));
    let cold = build(rules.path(), &cache);
    let [file] = &cached(dir.path())[..] else { panic!("one cache file") };
    let good = fs::read(file).expect("read");
    let damages: [Vec<u8>; 4] = [
        Vec::new(),
        good[..good.len() / 2].to_vec(),
        good.iter().map(|b| b ^ 0x5a).collect(),
        // 100,000 nested JSON arrays: refused by the depth limit.
        vec![b'['; 100_000],
    ];
    for damaged in damages {
        fs::write(file, &damaged).expect("write");
        let set = build(rules.path(), &cache);
        assert!(!set.from_cache());
        assert_same_set(&set, &cold);
        assert_eq!(outcome(&set), outcome(&cold));
        assert!(build(rules.path(), &cache).from_cache(), "rewritten");
    }
    // A sound file under another build's name is not taken either.
    let other = RuleCache::new(dir.path(), b"other build");
    build(rules.path(), &other);
    let files = cached(dir.path());
    assert_eq!(files.len(), 2);
    let theirs = files.iter().find(|f| *f != file).expect("other file");
    fs::copy(theirs, file).expect("copy");
    assert!(!build(rules.path(), &cache).from_cache());
}

#[test]
fn only_the_newest_builds_stay() {
    let rules = tempfile::tempdir().expect("tempdir");
    let dir = tempfile::tempdir().expect("tempdir");
    write_rules(rules.path(), common::LOGONS);
    // Temporary files of dead runs: an old one goes, a recent one stays.
    fs::create_dir_all(dir.path()).expect("mkdir");
    let old = dir.path().join(".rules-dead.1.tmp");
    let recent = dir.path().join(".rules-busy.2.tmp");
    for p in [&old, &recent] {
        fs::write(p, b"partial").expect("write");
    }
    let hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    let file = fs::File::options().write(true).open(&old).expect("open");
    file.set_modified(hour_ago).expect("set mtime");
    for i in 0..KEEP_CACHED + 3 {
        let cache = RuleCache::new(dir.path(), format!("{i}").as_bytes());
        build(rules.path(), &cache);
    }
    assert_eq!(cached(dir.path()).len(), KEEP_CACHED);
    assert!(!old.exists() && recent.exists());
    // The build just written always stays.
    let newest = format!("{}", KEEP_CACHED + 2);
    let newest = RuleCache::new(dir.path(), newest.as_bytes());
    assert!(build(rules.path(), &newest).from_cache());
}

/// On Unix a cache file or folder that others could have written is not
/// trusted (another local user could plant rules that hide detections).
#[cfg(unix)]
#[test]
fn a_cache_others_can_write_is_not_trusted() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let rules = tempfile::tempdir().expect("tempdir");
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("sigma");
    let cache = RuleCache::new(&folder, b"salt");
    write_rules(rules.path(), common::LOGONS);
    build(rules.path(), &cache);
    let mode = |p: &Path| fs::metadata(p).expect("metadata").mode() & 0o777;
    assert_eq!(mode(&folder), 0o700);
    let [file] = &cached(&folder)[..] else { panic!("one cache file") };
    assert_eq!(mode(file), 0o600);
    assert!(build(rules.path(), &cache).from_cache());

    let chmod = |p: &Path, m: u32| {
        fs::set_permissions(p, fs::Permissions::from_mode(m)).expect("chmod")
    };
    // A group- or world-writable file: a miss, rewritten private.
    chmod(file, 0o666);
    assert!(!build(rules.path(), &cache).from_cache());
    assert_eq!(mode(file), 0o600);
    assert!(build(rules.path(), &cache).from_cache());
    // A world-writable folder: never read, never written.
    chmod(&folder, 0o777);
    assert!(!build(rules.path(), &cache).from_cache());
    fs::remove_file(file).expect("remove");
    assert!(!build(rules.path(), &cache).from_cache());
    assert!(cached(&folder).is_empty());
    chmod(&folder, 0o700);
    build(rules.path(), &cache);
    assert!(build(rules.path(), &cache).from_cache());
    // A file of another user (when we may give it away): a miss.
    let [file] = &cached(&folder)[..] else { panic!("one cache file") };
    if std::os::unix::fs::chown(file, Some(4242), None).is_ok() {
        assert!(!build(rules.path(), &cache).from_cache());
    }
}
