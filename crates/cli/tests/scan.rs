//! `counterspy scan`: output formats, exit codes, options, the demo case
//! and the real mail corpus.

use predicates::str::contains;
use serde_json::Value;

use std::path::Path;

use crate::{counterspy, jsonl, root};

#[test]
fn demo_case_terminal_summary() {
    counterspy()
        .args(["scan", "--config", "examples/demo.toml", "examples/demo"])
        .assert()
        .code(1)
        .stdout(contains("MALICIOUS  examples/demo/inbox/01-lure.eml"))
        .stdout(contains("mail.lookalike-domain"))
        .stdout(contains("CLEAN      examples/demo/files/notes.txt"))
        .stdout(contains("6 inputs"));
}

/// The committed demo is what the generator writes (up to the random
/// bytes of zip encryption): same files, same findings.
#[test]
fn demo_case_matches_its_generator() {
    let dir = tempfile::tempdir().unwrap();
    let files = counterspy_testkit::demo::files();
    for (path, bytes) in &files {
        let out = dir.path().join(path);
        std::fs::create_dir_all(out.parent().unwrap()).unwrap();
        std::fs::write(out, bytes).unwrap();
        assert!(root().join("examples/demo").join(path).exists(), "{path}");
    }
    let config = std::fs::read_to_string(root().join("examples/demo.toml"));
    assert_eq!(config.unwrap(), counterspy_testkit::demo::CONFIG);
    let findings = |dir: &Path| {
        let out = counterspy()
            .args(["scan", "--jsonl", "--config", "examples/demo.toml"])
            .arg(dir)
            .output()
            .unwrap();
        let mut kinds: Vec<String> = jsonl(&out.stdout)
            .iter()
            .filter(|l| l["type"] == "finding")
            .map(|l| l["finding"]["kind"].as_str().unwrap().to_string())
            .collect();
        kinds.sort();
        kinds
    };
    assert_eq!(findings(&root().join("examples/demo")), findings(dir.path()));
}

#[test]
fn demo_lure_findings_in_jsonl() {
    let out = counterspy()
        .args(["scan", "--jsonl", "--config", "examples/demo.toml"])
        .arg("examples/demo/inbox/01-lure.eml")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines = jsonl(&out.stdout);
    let kinds: Vec<&str> = lines
        .iter()
        .filter(|l| l["type"] == "finding")
        .map(|l| l["finding"]["kind"].as_str().unwrap())
        .collect();
    for expected in [
        "mail.lookalike-domain",
        "mail.reply-to-mismatch",
        "mail.spf-fail",
        "mail.dkim-fail",
        "mail.dmarc-fail",
        "mail.lure-internal-term",
        "file.extension-mismatch",
        "yara.match",
    ] {
        assert!(kinds.contains(&expected), "{expected} not in {kinds:?}");
    }
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["verdict"], "malicious");
    let yara =
        lines.iter().find(|l| l["finding"]["kind"] == "yara.match").unwrap();
    assert_eq!(yara["object"]["kind"], "rtf");
    assert_eq!(yara["finding"]["rule"]["namespace"], "counterspy/maldoc");
    assert!(lines.iter().any(|l| l["type"] == "observable"
        && l["kind"] == "url"
        && l["value"] == "http://files.kbzenlt.ru/share/granit"
        && l["defanged"] == true));
}

#[test]
fn parse_only_keeps_parser_findings_and_skips_the_rest() {
    let out = counterspy()
        .args(["scan", "--jsonl", "--parse-only", "--config"])
        .args(["examples/demo.toml", "examples/demo/inbox/01-lure.eml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines = jsonl(&out.stdout);
    let kinds: Vec<&str> = lines
        .iter()
        .filter(|l| l["type"] == "finding")
        .map(|l| l["finding"]["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"rtf.object"), "{kinds:?}");
    for judged in ["mail.lookalike-domain", "yara.match", "mail.spf-fail"] {
        assert!(!kinds.contains(&judged), "{judged} in {kinds:?}");
    }
    assert!(lines.iter().all(|l| l["type"] != "observable"));
    let finding = lines.iter().find(|l| l["type"] == "finding").unwrap();
    assert!(finding["object"].get("sha256").is_none());
    counterspy()
        .args(["scan", "--parse-only", "--yara", "rules/yara", "x"])
        .assert()
        .code(2);
}

#[test]
fn json_document() {
    let out = counterspy()
        .args(["scan", "--json", "examples/demo/files"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["schema"], 1);
    assert_eq!(doc["totals"]["inputs"], 3);
    let reports = doc["reports"].as_array().unwrap();
    let zip = &reports[0];
    assert_eq!(zip["input"], "examples/demo/files/archive.zip");
    assert_eq!(
        zip["objects"][0]["hashes"]["sha256"].as_str().unwrap().len(),
        64
    );
    assert_eq!(zip["objects"][2]["name"], "payload.exe");
}

#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean.txt");
    std::fs::write(&clean, "nothing to see").unwrap();
    counterspy().arg("scan").arg(&clean).assert().code(0);
    counterspy()
        .args(["scan", "/nonexistent/evidence"])
        .assert()
        .code(2)
        .stderr(contains("error: collecting inputs"));
    counterspy().args(["scan", "--json", "--jsonl", "x"]).assert().code(2);
}

#[test]
fn stdin_input() {
    let eml = std::fs::read(root().join("examples/demo/inbox/01-lure.eml"));
    counterspy()
        .args(["scan", "--jsonl", "-"])
        .write_stdin(eml.unwrap())
        .assert()
        .code(1)
        .stdout(contains(r#""input":"-""#));
}

#[test]
fn extra_yara_folder_and_policy_flags() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("custom.yar"),
        "rule Custom_Readme { strings: $a = \"password: 2022\" condition: $a }",
    )
    .unwrap();
    let out = counterspy()
        .args(["scan", "--jsonl", "--no-default-rules", "--yara"])
        .arg(dir.path())
        .arg("examples/demo/files/archive.zip")
        .output()
        .unwrap();
    let lines = jsonl(&out.stdout);
    // Entries are stored: the zip's own bytes match too.
    let hit = lines
        .iter()
        .find(|l| {
            l["finding"]["rule"]["name"] == "Custom_Readme"
                && l["object"]["name"] == "readme.txt"
        })
        .expect("custom rule hit on the extracted readme.txt");
    assert_eq!(
        hit["finding"]["rule"]["namespace"],
        dir.path().file_name().unwrap().to_str().unwrap().to_owned()
            + "/custom"
    );

    counterspy()
        .args([
            "scan",
            "--protected-domain",
            "kbzenit.ru",
            "--internal-term",
            "Гранит-М",
        ])
        .arg("examples/demo/inbox/01-lure.eml")
        .assert()
        .code(1)
        .stdout(contains("mail.lure-internal-term"));
}

#[test]
fn budgets_from_flags() {
    counterspy()
        .args([
            "scan",
            "--max-bytes",
            "1000000",
            "examples/demo/files/bomb.zip",
        ])
        .assert()
        .code(1)
        .stdout(contains("max-bytes"));
}

/// The real phishing and ham corpus: no panic, no per-file error, and the
/// number of messages and attachments parsed is pinned.
#[test]
fn real_mail_corpus() {
    let corpus = root().join("../shared/corpora/mail");
    if !corpus.exists() {
        eprintln!("skipped: {corpus:?} not found");
        return;
    }
    let out = counterspy()
        .args(["scan", "--json", "--no-default-rules"])
        .arg(&corpus)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["totals"]["inputs"], 1402);
    assert_eq!(doc["totals"]["errors"], 0);
    let objects: Vec<&Value> = doc["reports"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["objects"].as_array().unwrap())
        .collect();
    let messages = objects.iter().filter(|o| o.get("mail").is_some()).count();
    let attachments = objects
        .iter()
        .filter(|o| o["role"] == "attachment" || o["role"] == "inline")
        .count();
    assert_eq!(messages, 1411);
    assert_eq!(attachments, 119);
    let parse_errors = objects
        .iter()
        .flat_map(|o| o["findings"].as_array().into_iter().flatten())
        .filter(|f| f["kind"] == "scan.parse-error")
        .count();
    assert_eq!(parse_errors, 0);
}
