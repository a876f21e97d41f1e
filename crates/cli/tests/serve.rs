//! `counterspy serve` as a process: tokens from the command line, the
//! web UI in headless Chromium, and a restart after `kill -9` with work
//! queued.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Process, Stdio};
use std::time::{Duration, Instant};

use counterspy_store::{SqliteStore, SubmissionStatus, Submissions};
use serde_json::Value;

use crate::{counterspy, root, rule_cache};

/// Creates an API token in `data`.
fn token(data: &Path, name: &str) -> String {
    let out = counterspy()
        .args(["serve", "--data"])
        .arg(data)
        .args(["token", "create", name])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(token.starts_with("cs_") && token.len() == 67, "{token}");
    token
}

/// A running server, killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(data: &Path, extra: &[&str]) -> Server {
        let bin = assert_cmd::cargo::cargo_bin("counterspy");
        let mut child = Process::new(bin)
            .current_dir(root())
            .env("COUNTERSPY_CACHE_DIR", rule_cache())
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(data)
            .args(["--case", "examples/case/case.toml"])
            .args(extra)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let addr = loop {
            let line = lines.next().expect("server exited").unwrap();
            if let Some(rest) = line.strip_prefix("counterspy serve: http://")
            {
                break rest.split('/').next().unwrap().to_string();
            }
        };
        std::thread::spawn(move || for _ in lines {});
        Server { child, addr }
    }

    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 exchange: the status and the body.
fn http(
    addr: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<(&str, &[u8])>,
) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    let (kind, bytes) = body.unwrap_or(("text/plain", b""));
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n\
         Authorization: Bearer {token}\r\nContent-Type: {kind}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        bytes.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(bytes).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_lowercase();
    let status = head[9..12].parse().unwrap();
    let mut body = raw[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    (status, body)
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = raw.windows(2).position(|w| w == b"\r\n").unwrap();
        let size = usize::from_str_radix(
            std::str::from_utf8(&raw[..end]).unwrap().trim(),
            16,
        )
        .unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&raw[end + 2..end + 2 + size]);
        raw = &raw[end + 4 + size..];
    }
}

const BOUNDARY: &str = "cs-cli-test-5b1e";

fn upload(
    addr: &str,
    token: &str,
    name: &str,
    mail: &[u8],
    case: &str,
) -> String {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"case\"\r\n\r\n\
         {case}\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; \
         name=\"org\"\r\n\r\nkbzenit\r\n--{BOUNDARY}\r\n\
         Content-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(mail);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let kind = format!("multipart/form-data; boundary={BOUNDARY}");
    let (status, reply) =
        http(addr, "POST", "/api/submissions", token, Some((&kind, &body)));
    assert_eq!(status, 202, "{}", String::from_utf8_lossy(&reply));
    let v: Value = serde_json::from_slice(&reply).unwrap();
    v["submissions"][0]["id"].as_str().unwrap().to_string()
}

fn demo(path: &str) -> Vec<u8> {
    std::fs::read(root().join("examples/case").join(path)).unwrap()
}

fn statuses(db: &Path) -> Vec<(SubmissionStatus, u64)> {
    SqliteStore::open(db).unwrap().submission_counts().unwrap()
}

#[test]
fn a_server_killed_with_work_queued_finishes_every_submission_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let token = token(&data, "restart");
    let server = Server::start(&data, &["--workers", "1"]);
    let mail = demo("kbzenit/mail/0004.eml");
    let ids: Vec<String> = (0..150)
        .map(|n| {
            upload(&server.addr, &token, &format!("{n}.eml"), &mail, "restart")
        })
        .collect();
    server.kill();
    let db = data.join("case.db");
    let before = statuses(&db);
    let done =
        before.iter().find(|(s, _)| *s == SubmissionStatus::Done).unwrap().1;
    assert!(done < 150, "work was queued when the server died: {before:?}");
    println!("at kill -9: {before:?}");

    let server = Server::start(&data, &[]);
    let clock = Instant::now();
    loop {
        let (status, body) = http(
            &server.addr,
            "GET",
            "/api/submissions?limit=1000",
            &token,
            None,
        );
        assert_eq!(status, 200);
        let rows: Vec<Value> = serde_json::from_slice(&body).unwrap();
        assert_eq!(rows.len(), ids.len());
        if rows.iter().all(|r| r["status"] == "done") {
            for r in &rows {
                assert_eq!(r["completions"], 1, "{r}");
                assert_eq!(r["verdict"], "malicious", "{r}");
                assert!(ids.contains(&r["id"].as_str().unwrap().to_string()));
            }
            break;
        }
        assert!(
            clock.elapsed() < Duration::from_secs(180),
            "{:?}",
            statuses(&db)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    loop {
        let (status, body) =
            http(&server.addr, "GET", "/api/cases/restart", &token, None);
        if status == 200 {
            let case: Value = serde_json::from_slice(&body).unwrap();
            if case["evidence"].as_array().unwrap().len() == ids.len() {
                break;
            }
        }
        assert!(
            clock.elapsed() < Duration::from_secs(240),
            "case not rebuilt"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn tokens_are_listed_and_revoked_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let secret = token(&data, "alice");
    token(&data, "bob");
    let list = counterspy()
        .args(["serve", "--data"])
        .arg(&data)
        .args(["token", "list"])
        .output()
        .unwrap();
    let text = String::from_utf8(list.stdout).unwrap();
    let names: Vec<&str> =
        text.lines().map(|l| l.split('\t').next().unwrap()).collect();
    assert_eq!(names, ["alice", "bob"]);
    assert!(!text.contains(&secret));
    let dup = counterspy()
        .args(["serve", "--data"])
        .arg(&data)
        .args(["token", "create", "alice"])
        .output()
        .unwrap();
    assert_eq!(dup.status.code(), Some(2));
    let revoke = counterspy()
        .args(["serve", "--data"])
        .arg(&data)
        .args(["token", "revoke", "alice"])
        .output()
        .unwrap();
    assert!(revoke.status.success());
    let again = counterspy()
        .args(["serve", "--data"])
        .arg(&data)
        .args(["token", "revoke", "alice"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn an_analyst_uploads_the_spear_phish_and_reads_its_case_in_chromium() {
    assert!(
        root().join("tests/browser/node_modules/playwright-core").is_dir()
            && Path::new("/usr/bin/chromium").exists(),
        "run `bash .ci/deps` first (chromium, playwright-core)"
    );
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let token = token(&data, "analyst");
    let server = Server::start(&data, &[]);
    let shots = artefacts("serve");
    let out = Process::new("node")
        .current_dir(root())
        .arg("tests/browser/serve.mjs")
        .arg(format!("http://{}/", server.addr))
        .arg(&token)
        .arg("examples/case/kbzenit/mail/0004.eml")
        .arg("examples/case/kbzenit/mail/0002.eml")
        .arg(&shots)
        .output()
        .expect("node runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned()
        + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    println!("{text}");
    for shot in ["1-submissions.png", "2-details.png", "3-case.png"] {
        assert!(shots.join(shot).metadata().unwrap().len() > 10_000, "{shot}");
    }
}

/// Where screenshots are kept: `$CARGO_TARGET_DIR/test-artefacts/NAME`.
fn artefacts(name: &str) -> PathBuf {
    let base = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    let dir = base.join("test-artefacts").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
