//! `serve --nats` against a real `nats-server` with JetStream (Debian's
//! package; `bash .ci/deps` installs it): submissions analysed by an
//! in-process `counterspy worker`, dead letters, a restart, a publish
//! that fails.

use std::path::Path;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use counterspy_server::{AppState, CONSUMER, Nats};
use counterspy_worker::subjects::{WORK_STREAM, file_subject};
use counterspy_worker::{Topology, Work, WorkKind, Worker, connect, sha256};
use serde_json::Value;
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::common::{Harness, analyzer, config, demo, store_with_token};

const SPEAR_PHISH: &str = "kbzenit/mail/0004.eml";

/// A server in NATS mode over the folder `dir`, started.
async fn harness(url: &str, dir: TempDir) -> Harness {
    let (store, token) = store_with_token(&dir.path().join("case.db"));
    let nats =
        Nats::connect(url, Topology::default(), CONSUMER).await.unwrap();
    let state =
        AppState::with_nats(config(dir.path()), store, analyzer(), nats)
            .unwrap();
    counterspy_server::start(&state).await.unwrap();
    Harness { dir, state, token }
}

/// An in-process `counterspy worker`, stopped by [`Running::stop`].
struct Running {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl Running {
    async fn stop(self) {
        let _ = self.stop.send(());
        self.task.await.unwrap();
    }
}

async fn worker(url: &str, scratch: &Path) -> Running {
    let js = connect(url).await.unwrap();
    let w = Worker::new(
        js,
        "test",
        Topology::default(),
        analyzer(),
        scratch.to_path_buf(),
        2,
    )
    .await
    .unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        w.run(async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    });
    Running { stop, task }
}

/// Uploads `name` with `bytes` into case `case` of `kbzenit`; its id.
async fn upload(h: &Harness, name: &str, bytes: &[u8], case: &str) -> String {
    let r = h
        .upload(&[(name, bytes)], &[("org", "kbzenit"), ("case", case)])
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    let sub = &r.json()["submissions"][0];
    assert_eq!(sub["status"], "queued", "{sub}");
    sub["id"].as_str().unwrap().to_string()
}

/// Waits (60 s at most) until submission `id` is done or failed.
async fn finished(h: &Harness, id: &str) -> Value {
    let clock = Instant::now();
    loop {
        let v = h.get(&format!("/api/submissions/{id}")).await.json();
        if v["status"] == "done" || v["status"] == "failed" {
            return v;
        }
        assert!(
            clock.elapsed() < Duration::from_secs(60),
            "submission {id} not finished after 60 s: {v}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits (60 s at most) until case `key` has findings.
async fn findings(h: &Harness, key: &str) -> Vec<Value> {
    let clock = Instant::now();
    loop {
        let r = h.get(&format!("/api/cases/{key}/findings")).await;
        if r.status == StatusCode::OK {
            let found = r.json().as_array().cloned().unwrap_or_default();
            if !found.is_empty() {
                return found;
            }
        }
        assert!(
            clock.elapsed() < Duration::from_secs(60),
            "case {key} has no findings after 60 s: {}",
            r.text()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn metrics(h: &Harness) -> String {
    h.get("/metrics").await.text()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nats_workers_analyse_submissions_and_the_case_is_correlated() {
    let server = counterspy_testkit::nats::server();
    let h = harness(&server.url, tempfile::tempdir().unwrap()).await;
    let w = worker(&server.url, &h.dir.path().join("scratch")).await;
    let mail = demo(SPEAR_PHISH);
    let id = upload(&h, "ТЗ на проект.eml", &mail, "demo").await;

    let done = finished(&h, &id).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["verdict"], "malicious", "{done}");
    assert_eq!(done["attempts"], 1, "{done}");
    assert_eq!(done["completions"], 1, "{done}");
    let result = h.get(&format!("/api/submissions/{id}/result")).await.json();
    assert_eq!(result["report"]["input"], "ТЗ на проект.eml");
    assert_eq!(result["file"]["org"], "kbzenit");
    assert!(!findings(&h, "demo").await.is_empty());

    // The same file again: JetStream would drop its publish (same work
    // id), so it is finished like its twin.
    let again = upload(&h, "ТЗ на проект.eml", &mail, "demo").await;
    let twin = finished(&h, &again).await;
    assert_eq!(twin["status"], "done", "{twin}");
    assert_eq!(twin["verdict"], "malicious", "{twin}");

    let text = metrics(&h).await;
    for line in [
        "counterspy_nats_published_total 1",
        "counterspy_nats_followed_total{kind=\"result\"} 1",
        "counterspy_analyses_total{outcome=\"malicious\"} 2",
        "counterspy_queue_depth 0",
    ] {
        assert!(text.contains(line), "{line} not in\n{text}");
    }
    w.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_letter_fails_its_submission_with_the_reason() {
    let server = counterspy_testkit::nats::server();
    let h = harness(&server.url, tempfile::tempdir().unwrap()).await;
    // A work item with the upload's work id but other bytes, published
    // first: the upload's own publish is then a duplicate, and the
    // worker dead-letters the item (its payload does not match its
    // Cs-Sha256).
    let mail = demo(SPEAR_PHISH);
    let work = Work {
        kind: WorkKind::File,
        org: "kbzenit".into(),
        case: "dead".into(),
        name: "lure.eml".into(),
        sha256: sha256(&mail),
        object: None,
    };
    let js = connect(&server.url).await.unwrap();
    js.publish_with_headers(
        file_subject("kbzenit"),
        work.headers(),
        b"not the mail".to_vec().into(),
    )
    .await
    .unwrap()
    .await
    .unwrap();
    let id = upload(&h, "lure.eml", &mail, "dead").await;
    let w = worker(&server.url, &h.dir.path().join("scratch")).await;

    let failed = finished(&h, &id).await;
    assert_eq!(failed["status"], "failed", "{failed}");
    let error = failed["error"].as_str().unwrap();
    assert!(error.contains("does not match its Cs-Sha256"), "{error}");
    let text = metrics(&h).await;
    let line = "counterspy_nats_followed_total{kind=\"dead\"} 1";
    assert!(text.contains(line), "{line} not in\n{text}");
    w.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unfinished_submissions_are_published_again_at_start_up() {
    let server = counterspy_testkit::nats::server();
    // Accepted by a server that never published them (as if it died
    // between the store and the publish).
    let local = Harness::with(|_| {}, false).await;
    let mail = demo(SPEAR_PHISH);
    let id = upload(&local, "0004.eml", &mail, "restart").await;
    let Harness { dir, .. } = local;

    let h = harness(&server.url, dir).await;
    let w = worker(&server.url, &h.dir.path().join("scratch")).await;
    let done = finished(&h, &id).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["verdict"], "malicious", "{done}");
    assert_eq!(done["completions"], 1, "{done}");
    w.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publish_that_fails_answers_503_and_fails_the_submission() {
    let server = counterspy_testkit::nats::server();
    let h = harness(&server.url, tempfile::tempdir().unwrap()).await;
    // No stream takes work any more: every publish is refused.
    let js = connect(&server.url).await.unwrap();
    js.delete_stream(WORK_STREAM).await.unwrap();

    let mail = demo(SPEAR_PHISH);
    let r = h
        .upload(&[("0004.eml", &mail)], &[("org", "kbzenit"), ("case", "x")])
        .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text());
    assert_eq!(r.json()["error"], "unavailable");

    let list = h.get("/api/submissions?case=x").await.json();
    let subs = list.as_array().unwrap();
    assert_eq!(subs.len(), 1, "{list}");
    assert_eq!(subs[0]["status"], "failed", "{list}");
    let error = subs[0]["error"].as_str().unwrap();
    assert!(error.starts_with("publishing to NATS failed"), "{error}");
    let id = subs[0]["id"].as_str().unwrap();
    let kept = h.state.config().uploads().join(id);
    assert!(kept.exists(), "the stored file stays");
    let text = metrics(&h).await;
    let line =
        "counterspy_submissions_rejected_total{reason=\"nats-unavailable\"} 1";
    assert!(text.contains(line), "{line} not in\n{text}");
    assert!(text.contains("counterspy_queue_depth 0"), "{text}");
}
