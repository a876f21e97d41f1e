//! `counterspy hunt` and `counterspy rules lint`: SigmaHQ's rules over the
//! EVTX attack samples, our own rules over their samples, output formats,
//! levels, the parse-only floor and exit codes.

use predicates::str::contains;
use serde_json::Value;

use crate::{counterspy, jsonl, root};

const SAMPLES: &str = "../shared/corpora/evtx-attack-samples";
const SIGMAHQ: &str = "../shared/corpora/sigma/rules";

fn sample(name: &str) -> String {
    format!("{SAMPLES}/{name}")
}

/// `(file name, record id, rule id)` of every detection line.
fn hits(lines: &[Value]) -> Vec<(String, u64, String)> {
    let mut hits: Vec<_> = lines
        .iter()
        .filter(|l| l["type"] == "detection")
        .map(|l| {
            let source = l["source"].as_str().unwrap();
            let file = source.rsplit('/').next().unwrap();
            let file = file.split('#').next().unwrap().to_string();
            let record = l["record_id"].as_u64().unwrap();
            (file, record, l["rule"]["id"].as_str().unwrap().to_string())
        })
        .collect();
    hits.sort();
    hits
}

const NAMED: [&str; 3] = [
    "Credential Access/sysmon_10_11_lsass_memdump.evtx",
    "Lateral Movement/LM_renamed_psexecsvc_5145.evtx",
    "Defense Evasion/apt10_jjs_sideloading_prochollowing_persist_as_service_sysmon_1_7_8_13.evtx",
];

#[test]
fn sigmahq_detections_on_named_attack_samples() {
    let out = counterspy()
        .args(["hunt", "--jsonl", "--no-default-rules", "--sigma", SIGMAHQ])
        .args(NAMED.map(sample))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let lines = jsonl(&out.stdout);
    let apt10 = "apt10_jjs_sideloading_prochollowing_persist_as_service_sysmon_1_7_8_13.evtx";
    let lsass = "sysmon_10_11_lsass_memdump.evtx";
    let psexec = "LM_renamed_psexecsvc_5145.evtx";
    let pipe = "52d8b0c6-53d6-439a-9e41-52ad442ad9ad";
    let psexec_rule = "c462f537-a1e3-41a6-b5fc-b2c2cef9bf82";
    let dump_files = "a5a2d357-1ab8-4675-a967-ef9990a59391";
    let via_lsass = "5ef9853e-4d0e-4a70-846f-a9ca37d876da";
    let jli = "7a3b6d1f-4a2b-4f8c-9d7e-e9f8cbf21a35";
    let expected: Vec<(&str, u64, &str)> = vec![
        (psexec, 84047, pipe),
        (psexec, 84050, pipe),
        (psexec, 84050, psexec_rule),
        (psexec, 84051, pipe),
        (psexec, 84051, psexec_rule),
        (psexec, 84052, pipe),
        (psexec, 84052, psexec_rule),
        (apt10, 4858, jli),
        (apt10, 4862, jli),
        (apt10, 4863, "01d2e2a1-5f09-44f7-9fc1-24faa7479b6d"),
        (apt10, 4863, "16c37b52-b141-42a5-a3ea-bbe098444397"),
        (apt10, 4863, "96036718-71cc-4027-a538-d1587e0006a7"),
        (apt10, 4863, "f17211f1-1f24-4d0c-829f-31e28dc93cdd"),
        (lsass, 4433, dump_files),
        (lsass, 4434, via_lsass),
        (lsass, 4434, "9bd012ee-0dff-44d7-84a0-aa698cfd87a3"),
        (lsass, 4434, "9f5c1d59-33be-4e60-bcab-85d2f566effd"),
        (lsass, 4441, "69ca12af-119d-44ed-b50f-a47af0ebc364"),
        (lsass, 4441, dump_files),
        (lsass, 4442, via_lsass),
    ];
    let mut expected: Vec<(String, u64, String)> = expected
        .into_iter()
        .map(|(f, r, id)| (f.to_string(), r, id.to_string()))
        .collect();
    expected.sort();
    assert_eq!(hits(&lines), expected);
    let stats = lines.last().unwrap();
    assert_eq!(stats["type"], "stats");
    assert_eq!(stats["files"], 3);
    assert_eq!(stats["events"], 37);
    assert_eq!(stats["detections_by_level"]["high"], 16);
    // The timeline is in time order.
    let times: Vec<&str> =
        lines.iter().filter_map(|l| l["timestamp"].as_str()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    let first = &lines[0];
    assert_eq!(first["channel"], "Security");
    assert!(first["rule"]["techniques"].is_array(), "{first}");
}

/// The cache files in `dir`, with their inode numbers (a rewrite is a
/// new inode: files are renamed into place).
fn cache_files(dir: &std::path::Path) -> Vec<(String, u64)> {
    use std::os::unix::fs::MetadataExt;
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.flatten().collect())
        .unwrap_or_else(|_| Vec::new())
        .into_iter()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let ino = e.metadata().ok()?.ino();
            name.ends_with(".json").then_some((name, ino))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn rules_come_from_the_cache_the_second_time() {
    let cache = tempfile::tempdir().unwrap();
    let hunt = |extra: &[&str]| {
        let out = counterspy()
            .env("COUNTERSPY_CACHE_DIR", cache.path())
            .args([
                "hunt",
                "--jsonl",
                "--no-default-rules",
                "--sigma",
                SIGMAHQ,
            ])
            .args(extra)
            .args(NAMED.map(sample))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        (hits(&jsonl(&out.stdout)), stderr)
    };
    let sigma = cache.path().join("sigma");
    let (fresh, stderr) = hunt(&["--no-rule-cache"]);
    assert!(!stderr.contains("rule cache"), "{stderr}");
    assert!(cache_files(&sigma).is_empty());

    let (cold, stderr) = hunt(&[]);
    assert!(!stderr.contains("from the rule cache"), "{stderr}");
    let written = cache_files(&sigma);
    assert_eq!(written.len(), 1);

    let (warm, stderr) = hunt(&[]);
    assert!(stderr.contains("from the rule cache"), "{stderr}");
    assert_eq!(cache_files(&sigma), written, "read, not rewritten");
    assert!(fresh.len() > 10, "{fresh:?}");
    assert_eq!(cold, fresh);
    assert_eq!(warm, fresh);
}

#[test]
fn whole_attack_corpus_reads_cleanly() {
    let out = counterspy()
        .args(["hunt", "--jsonl", "--sigma", SIGMAHQ, SAMPLES])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let lines = jsonl(&out.stdout);
    let stats = lines.last().unwrap();
    assert_eq!(stats["files"], 269);
    assert_eq!(stats["events"], 7455);
    assert_eq!(stats["bad_records"], 0);
    assert_eq!(stats["files_failed"], 0);
    let detections = lines.len() - 1;
    assert!(detections > 900, "{detections}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("rules loaded"), "{stderr}");
}

#[test]
fn csv_timeline_to_a_file_and_min_level() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("timeline.csv");
    counterspy()
        .args(["hunt", "--csv", "--min-level", "high", "-o"])
        .arg(&csv)
        .args(["--no-default-rules", "--sigma", SIGMAHQ])
        .arg(sample(NAMED[0]))
        .assert()
        .code(1);
    let text = std::fs::read_to_string(&csv).unwrap();
    let rows: Vec<&str> =
        text.split("\r\n").filter(|r| !r.is_empty()).collect();
    assert_eq!(
        rows[0],
        "Timestamp,Computer,Channel,EventID,Level,RecordID,RuleTitle,\
         RuleID,Details,Source"
    );
    // 7 detections in this file, 5 of them high or critical.
    assert_eq!(rows.len(), 1 + 5, "{text}");
    assert!(
        rows[1..]
            .iter()
            .all(|r| r.contains(",high,") || r.contains(",critical,"))
    );
    assert!(text.contains("LSASS"), "{text}");
}

#[test]
fn terminal_timeline_and_summary() {
    counterspy()
        .args(["hunt", "--no-progress", "--no-default-rules", "--sigma"])
        .args([SIGMAHQ, &sample(NAMED[1])])
        .assert()
        .code(1)
        .stdout(contains("Suspicious PsExec Execution"))
        .stdout(contains("RelativeTargetName: "))
        .stdout(contains(
            "7 detections (7 high) by 2 rules; 22 events in 1 files",
        ));
}

#[test]
fn own_rules_are_built_in_and_fire_on_their_samples() {
    let out = counterspy()
        .args(["hunt", "--jsonl"])
        .arg("rules/sigma/samples/proc_creation_win_hktl_ladon/match.jsonl")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let lines = jsonl(&out.stdout);
    let ladon = "189f53bc-0e99-41e2-aef6-b14354d97ca2";
    assert!(lines.iter().any(|l| l["rule"]["id"] == ladon), "{lines:?}");
    counterspy()
        .args(["hunt", "--jsonl"])
        .arg("rules/sigma/samples/proc_creation_win_hktl_ladon/nomatch.jsonl")
        .assert()
        .code(0);
}

#[test]
fn correlation_from_built_in_rules() {
    let out = counterspy()
        .args(["hunt", "--jsonl"])
        .arg(
            "rules/sigma/samples/\
             correlation_win_security_failed_logon_many_accounts/match.jsonl",
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let lines = jsonl(&out.stdout);
    let corr: Vec<&Value> =
        lines.iter().filter(|l| l["rule"]["kind"] == "correlation").collect();
    assert!(!corr.is_empty(), "{lines:?}");
    assert_eq!(corr[0]["rule"]["id"], "72a91992-62ac-44aa-a237-e52e5239e4f6");
    assert_eq!(corr[0]["group"][0][0], "IpAddress");
    assert!(corr[0]["count"].as_u64().unwrap() >= 10);
    assert!(corr[0]["last"].is_string());
}

#[test]
fn parse_only_reads_everything_and_reports_nothing() {
    counterspy()
        .args(["hunt", "--parse-only", "--threads", "1", SAMPLES])
        .assert()
        .code(0)
        .stdout("")
        .stderr(contains("read 7455 events from 269 files"));
}

#[test]
fn exit_codes() {
    // Nothing found.
    counterspy()
        .args(["hunt", "--no-default-rules", "--sigma", SIGMAHQ])
        .arg("rules/sigma/samples/proc_creation_win_hktl_ladon/nomatch.jsonl")
        .arg("--min-level")
        .arg("critical")
        .assert()
        .code(0);
    // No readable log.
    counterspy()
        .args(["hunt", "no/such/file.evtx"])
        .assert()
        .code(2)
        .stderr(contains("no event log could be read"));
    // No rule at all.
    let dir = tempfile::tempdir().unwrap();
    counterspy()
        .args(["hunt", "--no-default-rules", "--sigma"])
        .arg(dir.path())
        .arg(sample(NAMED[0]))
        .assert()
        .code(2)
        .stderr(contains("no Sigma rule loaded"));
    counterspy().args(["hunt", "--csv", "--jsonl", "x"]).assert().code(2);
}

#[test]
fn lint_our_rules_and_a_broken_one() {
    counterspy()
        .args(["rules", "lint", "rules/sigma"])
        .assert()
        .code(0)
        .stdout(contains("0 rejected"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.yml"),
        concat!(
            "title: Bad modifier\n",
            "id: 0e1c1d36-5f34-4a8e-9b43-000000000001\n",
            "logsource:\n  product: windows\n  category: process_creation\n",
            "detection:\n  sel:\n    Image|endswithh: '\\x.exe'\n",
            "  condition: sel\nlevel: high\n",
        ),
    )
    .unwrap();
    let out = counterspy()
        .args(["rules", "lint", "--jsonl"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let lines = jsonl(&out.stdout);
    let diag = &lines[0];
    assert_eq!(diag["type"], "diagnostic");
    assert_eq!(diag["rule_id"], "0e1c1d36-5f34-4a8e-9b43-000000000001");
    assert!(diag["code"].as_str().unwrap().contains("modifier"), "{diag}");
    assert!(diag["line"].is_u64(), "{diag}");
    let stats = lines.last().unwrap();
    assert_eq!(stats["type"], "stats");
    assert_eq!(stats["loaded"], 0);
}

#[test]
fn demo_logs_show_the_kill_chain() {
    let out = counterspy()
        .args(["hunt", "--jsonl", "examples/logs"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let lines = jsonl(&out.stdout);
    let mut ids: Vec<&str> = lines
        .iter()
        .filter(|l| l["type"] == "detection")
        .map(|l| l["rule"]["id"].as_str().unwrap())
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            // SigmaHQ (rules/sigma/sigmahq): Word loads a .wll
            "1337afba-d17d-4d23-bd55-29b927603b30",
            "189f53bc-0e99-41e2-aef6-b14354d97ca2", // Ladon
            // SigmaHQ: EQNEDT32 writes 8.t, and the .wll, in odd places
            "1cf465a1-2609-4c15-9b66-c32dbe4bfd67",
            "1cf465a1-2609-4c15-9b66-c32dbe4bfd67",
            "2fb3d06f-4d15-4721-ae51-f095287e2334", // agent pushes a binary
            "72a91992-62ac-44aa-a237-e52e5239e4f6", // failed-logon burst
            // SigmaHQ: a .wll written into Word's STARTUP folder
            "8e1cb247-6cf6-42fa-b440-3f27d57e9936",
            "93274c60-82bf-4058-b954-872302539635", // Cotx registry
            "d142c26a-ab32-4513-aecf-8f6e16635d2e", // EQNEDT32 writes 8.t
            "d142c26a-ab32-4513-aecf-8f6e16635d2e", // and the .wll
            "daa53c1d-6403-485a-8f62-012847079473", // .wll dropped, loaded
        ]
    );
    // The demo logs are what testkit generates.
    for (name, bytes) in counterspy_testkit::demo::log_files() {
        let path = root().join("examples/logs").join(name);
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "{name}");
    }
}

#[test]
fn rules_test_runs_our_samples() {
    counterspy()
        .args(["rules", "test", "rules/sigma"])
        .assert()
        .code(0)
        .stdout(contains("ok   rules/sigma/proc_creation_win_hktl_ladon.yml"))
        .stdout(contains("19 rule files, 0 failed"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("rules/sigma/registry_set_win_cotx_rat_config.yml"),
        dir.path().join("registry_set_win_cotx_rat_config.yml"),
    )
    .unwrap();
    counterspy()
        .args(["rules", "test"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(contains("missing sample file"));
}
