//! `counterspy submit`, `counterspy worker` and `investigate
//! --from-stream` as processes around a real `nats-server`: the demo
//! case's evidence of one organisation goes through two workers and comes
//! back as the same kind of case `investigate DIR` builds.

use std::path::Path;
use std::process::{Child, Command as Process, Stdio};
use std::time::{Duration, Instant};

use counterspy_store::{SqliteStore, SubmissionFilter, Submissions};

use crate::{counterspy, root, rule_cache};

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn worker(url: &str, db: &Path, name: &str) -> Killed {
    let bin = assert_cmd::cargo::cargo_bin("counterspy");
    let child = Process::new(bin)
        .current_dir(root())
        .env("COUNTERSPY_CACHE_DIR", rule_cache())
        .args(["worker", "--nats", url, "--case", "examples/case/case.toml"])
        .args(["--name", name, "--db"])
        .arg(db)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    Killed(child)
}

#[test]
fn evidence_through_two_workers_becomes_the_case() {
    let dir = tempfile::tempdir().unwrap();
    let server = counterspy_testkit::nats::server();
    let url = server.url.clone();
    let db = dir.path().join("case.db");
    let mut workers = [worker(&url, &db, "a"), worker(&url, &db, "b")];
    let out = counterspy()
        .args(["submit", "--nats", &url, "--org", "kbzenit", "--case", "demo"])
        .arg("examples/case/kbzenit")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let ids = String::from_utf8(out.stdout).unwrap();
    let n = ids.lines().count();
    assert!(n >= 15, "{ids}");
    let clock = Instant::now();
    loop {
        let filter = SubmissionFilter {
            limit: Some(1000),
            ..SubmissionFilter::default()
        };
        let rows =
            SqliteStore::open(&db).unwrap().list_submissions(&filter).unwrap();
        if rows.len() == n {
            assert!(rows.iter().any(|r| r.submitter == "worker:a"));
            assert!(
                rows.iter().any(|r| r.kind
                    == counterspy_model::case::EvidenceKind::EventLog)
            );
            break;
        }
        assert!(
            clock.elapsed() < Duration::from_secs(300),
            "{} of {n}",
            rows.len()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // A graceful stop: SIGTERM, then the worker reports and exits 0.
    for w in &mut workers {
        let pid = w.0.id().to_string();
        Process::new("kill").args(["-TERM", &pid]).status().unwrap();
        let status = w.0.wait().unwrap();
        assert!(status.success(), "{status:?}");
        let mut text = String::new();
        std::io::Read::read_to_string(w.0.stderr.as_mut().unwrap(), &mut text)
            .unwrap();
        assert!(text.contains("stopped;"), "{text}");
    }
    let report = dir.path().join("out");
    let out = counterspy()
        .args(["investigate", "--from-stream", "demo", "--nats", &url])
        .args(["--case", "examples/case/case.toml", "--no-progress", "-o"])
        .arg(&report)
        .output()
        .unwrap();
    let summary = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{summary}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(summary.contains("incidents:"), "{summary}");
    assert!(report.join("report.html").is_file());
    let store = SqliteStore::open(report.join("case.db")).unwrap();
    let case = counterspy_store::Store::load_case(&store, "stream:demo")
        .unwrap()
        .unwrap();
    assert_eq!(case.evidence.len(), n);
    assert!(!case.incidents.is_empty());
}

#[test]
fn a_worker_killed_with_kill_9_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = counterspy_testkit::nats::server();
    let url = server.url.clone();
    let db = dir.path().join("case.db");
    let mails = dir.path().join("mails");
    std::fs::create_dir(&mails).unwrap();
    let phish =
        std::fs::read(root().join("examples/case/kbzenit/mail/0004.eml"))
            .unwrap();
    let n = 120;
    for i in 0..n {
        let mut bytes = phish.clone();
        bytes.extend_from_slice(format!("\r\nX-Copy: {i}\r\n").as_bytes());
        std::fs::write(mails.join(format!("{i:03}.eml")), bytes).unwrap();
    }
    let out = counterspy()
        .args(["submit", "--nats", &url, "--org", "kbzenit", "--case", "kill"])
        .arg(&mails)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let count = || {
        let filter = SubmissionFilter {
            limit: Some(1000),
            ..SubmissionFilter::default()
        };
        SqliteStore::open(&db)
            .map_or(0, |s| s.list_submissions(&filter).map_or(0, |r| r.len()))
    };
    let mut doomed = worker(&url, &db, "doomed");
    let clock = Instant::now();
    while count() < 5 {
        assert!(clock.elapsed() < Duration::from_secs(120));
        std::thread::sleep(Duration::from_millis(20));
    }
    doomed.0.kill().unwrap(); // SIGKILL: no drain, no ack
    doomed.0.wait().unwrap();
    let at_kill = count();
    assert!(at_kill < n, "work was left: {at_kill}");
    let _heir = worker(&url, &db, "heir");
    while count() < n {
        assert!(
            clock.elapsed() < Duration::from_secs(300),
            "{} of {n}",
            count()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_secs(2));
    let filter =
        SubmissionFilter { limit: Some(1000), ..SubmissionFilter::default() };
    let rows =
        SqliteStore::open(&db).unwrap().list_submissions(&filter).unwrap();
    assert_eq!(rows.len(), n, "nothing lost, nothing twice");
    assert!(rows.iter().all(|r| r.completions == 1));
    assert!(rows.iter().any(|r| r.submitter == "worker:heir"));
}

/// `cs_failed_logon_many_accounts`: ten accounts from one address.
const SPRAY_RULE: &str = "72a91992-62ac-44aa-a237-e52e5239e4f6";

/// Submits `path` for `case` (with `extra` arguments); the work ids.
fn submit(url: &str, case: &str, extra: &[&str], path: &Path) -> Vec<String> {
    let out = counterspy()
        .args(["submit", "--nats", url, "--org", "kbzenit", "--case", case])
        .args(extra)
        .arg(path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let ids = String::from_utf8(out.stdout).unwrap();
    ids.lines().map(|l| l.split('\t').next().unwrap().to_string()).collect()
}

/// How often the spray rule fired in the stored results of `ids`,
/// waiting until every one is stored.
fn sprays(db: &Path, ids: &[String]) -> usize {
    let clock = Instant::now();
    loop {
        let store = SqliteStore::open(db).unwrap();
        let results: Vec<Option<String>> = ids
            .iter()
            .map(|id| store.submission_result(id).ok().flatten())
            .collect();
        if results.iter().all(Option::is_some) {
            return results
                .iter()
                .flatten()
                .map(|r| r.matches(SPRAY_RULE).count())
                .sum();
        }
        assert!(clock.elapsed() < Duration::from_secs(300), "not all stored");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_hosts_log_cut_into_batches_is_hunted_as_one_across_workers() {
    let dir = tempfile::tempdir().unwrap();
    let server = counterspy_testkit::nats::server();
    let url = server.url.clone();
    let db = dir.path().join("case.db");
    let _workers = [worker(&url, &db, "a"), worker(&url, &db, "b")];
    let log = root().join("examples/case/kbzenit/logs/dc01-security.jsonl");
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let batches = dir.path().join("batches");
    std::fs::create_dir(&batches).unwrap();
    for (i, chunk) in lines.chunks(4).enumerate() {
        let body = chunk.join("\n") + "\n";
        std::fs::write(batches.join(format!("dc01-{i:02}.jsonl")), body)
            .unwrap();
    }
    let whole = submit(&url, "whole", &[], &log);
    let plain = submit(&url, "plain", &[], &batches);
    let host = ["--host", "dc01.kbzenit.local"];
    let hosted = submit(&url, "hosted", &host, &batches);
    assert_eq!(hosted.len(), lines.len().div_ceil(4));
    let once = sprays(&db, &whole);
    assert!(once >= 1, "the whole log shows the spray");
    assert_eq!(sprays(&db, &plain), 0, "no batch alone shows it");
    assert_eq!(sprays(&db, &hosted), once, "batches of one host, carried");
}
