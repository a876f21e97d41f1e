//! Uploads, status, results, limits, back-pressure and restarts.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use counterspy_server::ServerConfig;
use counterspy_store::{SubmissionStatus, Submissions};

use super::common::{BOUNDARY, Harness, demo, open, send};

const SPEAR_PHISH: &str = "kbzenit/mail/0004.eml";

fn uploads(h: &Harness) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(h.state.config().uploads())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn the_spear_phishing_mail_is_judged_malicious() {
    let h = Harness::new().await;
    let mail = demo(SPEAR_PHISH);
    let r = h
        .upload(
            &[("ТЗ на проект.eml", &mail)],
            &[("org", "kbzenit"), ("case", "demo")],
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    let sub = &r.json()["submissions"][0];
    let id = sub["id"].as_str().unwrap().to_string();
    assert_eq!(r.header("location"), format!("/api/submissions/{id}"));
    assert_eq!(sub["name"], "ТЗ на проект.eml");
    assert_eq!(sub["kind"], "file");
    assert_eq!(sub["size"], mail.len());
    assert_eq!(uploads(&h), vec![id.clone()]);

    let done = h.wait_final(&id).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["verdict"], "malicious", "{done}");
    assert_eq!(done["attempts"], 1);
    assert_eq!(done["completions"], 1);
    let top = done["top"].as_array().unwrap();
    assert!(!top.is_empty() && top.len() <= 5);
    assert!(
        top.iter()
            .any(|t| t["severity"] == "critical" || t["severity"] == "high"),
        "{done}"
    );

    let r = h.get(&format!("/api/submissions/{id}/result")).await;
    assert_eq!(r.status, StatusCode::OK);
    let result = r.json();
    assert_eq!(result["type"], "scan");
    assert_eq!(result["report"]["input"], "ТЗ на проект.eml");
    assert_eq!(result["file"]["org"], "kbzenit");

    let r = h.get(&format!("/api/submissions/{id}/content")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), "application/octet-stream");
    assert!(r.header("content-disposition").starts_with("attachment"));
    assert_eq!(r.body.as_ref(), mail.as_slice());
}

#[tokio::test]
async fn event_logs_are_hunted() {
    let h = Harness::new().await;
    let log = demo("kbzenit/logs/ws14-sysmon.jsonl");
    let r =
        h.upload(&[("ws14-sysmon.jsonl", &log)], &[("org", "kbzenit")]).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    let sub = &r.json()["submissions"][0];
    assert_eq!(sub["kind"], "event-log");
    assert_eq!(sub["case_key"], "inbox");
    let id = sub["id"].as_str().unwrap();
    let done = h.wait_final(id).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["verdict"], "malicious", "{done}");
    let result = h.get(&format!("/api/submissions/{id}/result")).await.json();
    assert_eq!(result["type"], "log");
    let detections = result["detections"].as_array().unwrap();
    assert!(!detections.is_empty());
    for d in detections {
        let source = d["source"].as_str().unwrap();
        assert!(source.starts_with("ws14-sysmon.jsonl:"), "{source}");
    }
    assert!(!result["programs"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn several_files_in_one_request_and_listing() {
    let h = Harness::new().await;
    let (a, b) =
        (demo("kbzenit/mail/0002.eml"), demo("kbzenit/mail/0003.eml"));
    let r =
        h.upload(&[("a.eml", &a), ("b.eml", &b)], &[("case", "pair")]).await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let subs = r.json()["submissions"].as_array().unwrap().clone();
    assert_eq!(subs.len(), 2);
    for s in &subs {
        h.wait_final(s["id"].as_str().unwrap()).await;
    }
    let list = h.get("/api/submissions?case=pair&status=done").await.json();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["b.eml", "a.eml"], "newest first");
    let page =
        h.get("/api/submissions?case=pair&limit=1&offset=1").await.json();
    assert_eq!(page.as_array().unwrap().len(), 1);
    assert_eq!(page[0]["name"], "a.eml");
    assert_eq!(
        h.get("/api/submissions?case=other").await.json(),
        serde_json::json!([])
    );
    assert_eq!(
        h.get("/api/submissions?status=bogus").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn unknown_ids_are_404_and_unfinished_results_409() {
    let h = Harness::with(|_| {}, false).await;
    for path in ["", "/result", "/content"] {
        let r = h
            .get(&format!(
                "/api/submissions/0f8fad5b-d9cb-469f-a165-70867728950e{path}"
            ))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(r.json()["error"], "not-found");
        let r =
            h.get(&format!("/api/submissions/..%2F..%2Fcase.db{path}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
    let r = h.upload(&[("x.eml", &demo("kbzenit/mail/0002.eml"))], &[]).await;
    let id = r.json()["submissions"][0]["id"].as_str().unwrap().to_string();
    let r = h.get(&format!("/api/submissions/{id}/result")).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(
        h.get(&format!("/api/submissions/{id}")).await.json()["status"],
        "queued"
    );
}

#[tokio::test]
async fn an_oversized_file_is_refused_and_leaves_nothing() {
    let h = Harness::with(|c| c.max_upload = 1000, false).await;
    let small = vec![b'a'; 900];
    let big = vec![b'b'; 5000];
    let r = h.upload(&[("small.txt", &small), ("big.txt", &big)], &[]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
    assert_eq!(r.json()["error"], "too-large");
    assert!(uploads(&h).is_empty());
    assert!(
        h.get("/api/submissions").await.json().as_array().unwrap().is_empty()
    );
    assert_eq!(h.state.queue().depth(), 0);
    let text = h.get("/metrics").await.text();
    assert!(
        text.contains(
            "counterspy_submissions_rejected_total{reason=\"too-large\"} 1"
        ),
        "{text}"
    );
}

#[tokio::test]
async fn a_whole_body_over_the_limit_is_refused() {
    let h = Harness::with(
        |c| {
            c.max_upload = 1000;
            c.max_files = 1
        },
        false,
    )
    .await;
    let big = vec![b'b'; 3 << 20];
    let r = h.upload(&[("big.bin", &big)], &[]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
    assert!(uploads(&h).is_empty());
}

#[tokio::test]
async fn malformed_multipart_is_a_bad_request() {
    let h = Harness::with(|_| {}, false).await;
    let bad_bodies: Vec<(String, Vec<u8>)> = vec![
        (format!("multipart/form-data; boundary={BOUNDARY}"), b"garbage without parts".to_vec()),
        (format!("multipart/form-data; boundary={BOUNDARY}"),
         format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\ntruncated").into_bytes()),
        ("multipart/form-data".to_string(), b"--x--".to_vec()),
    ];
    for (kind, body) in bad_bodies {
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/submissions")
            .header(header::AUTHORIZATION, format!("Bearer {}", h.token))
            .header(header::CONTENT_TYPE, kind.clone())
            .body(Body::from(body))
            .unwrap();
        let r = send(&h.app(), req).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{kind}: {}", r.text());
    }
    let r = h.upload(&[], &[("case", "x")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.json()["message"].as_str().unwrap().contains("no file"));
    let mail = demo("kbzenit/mail/0002.eml");
    let r = h.upload(&[("m.eml", &mail)], &[("colour", "red")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    for case in ["../etc", "a b", ""] {
        let r = h.upload(&[("m.eml", &mail)], &[("case", case)]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{case:?}");
    }
    let r = h.upload(&[("m.eml", &mail)], &[("org", &"x".repeat(300))]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(uploads(&h).is_empty(), "refused uploads are deleted");
    assert!(
        h.get("/api/submissions").await.json().as_array().unwrap().is_empty()
    );
}

#[tokio::test]
async fn client_file_names_never_become_paths() {
    let h = Harness::with(|_| {}, false).await;
    let mail = demo("kbzenit/mail/0002.eml");
    let r = h.upload(&[("../../../../tmp/evil.eml", &mail)], &[]).await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let sub = &r.json()["submissions"][0];
    assert_eq!(sub["name"], "evil.eml");
    assert_eq!(uploads(&h), vec![sub["id"].as_str().unwrap().to_string()]);
    assert!(!h.dir.path().join("evil.eml").exists());
}

#[tokio::test]
async fn a_full_queue_answers_429_with_retry_after() {
    let h = Harness::with(|c| c.queue_capacity = 2, false).await;
    let mail = demo("kbzenit/mail/0002.eml");
    for _ in 0..2 {
        assert_eq!(
            h.upload(&[("m.eml", &mail)], &[]).await.status,
            StatusCode::ACCEPTED
        );
    }
    let r = h.upload(&[("m.eml", &mail)], &[]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.header("retry-after"), "5");
    assert_eq!(r.json()["error"], "queue-full");
    assert_eq!(uploads(&h).len(), 2);
    let text = h.get("/metrics").await.text();
    assert!(text.contains("counterspy_queue_depth 2"), "{text}");
    assert!(text.contains(
        "counterspy_submissions_rejected_total{reason=\"queue-full\"} 1"
    ));
    // A request of two files with one place left is refused whole.
    let h = Harness::with(|c| c.queue_capacity = 1, false).await;
    let r = h.upload(&[("a.eml", &mail), ("b.eml", &mail)], &[]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(uploads(&h).is_empty());
    assert_eq!(h.state.queue().depth(), 0);
}

#[tokio::test]
async fn accepted_work_survives_a_restart_and_completes_once() {
    let h = Harness::with(|_| {}, false).await;
    let mail = demo("kbzenit/mail/0002.eml");
    let mut ids = Vec::new();
    for n in 0..3 {
        let r = h.upload(&[(&format!("{n}.eml"), &mail)], &[]).await;
        ids.push(
            r.json()["submissions"][0]["id"].as_str().unwrap().to_string(),
        );
    }
    // One was running when the server died.
    let first = ids[0].clone();
    h.state
        .db()
        .call(move |s| {
            s.start_submission(&first, counterspy_model::Timestamp::now())
        })
        .await
        .unwrap();
    let config: ServerConfig = h.state.config().clone();
    let db = h.dir.path().join("case.db");
    drop(h.state);
    let (state, token) = open(config, &db);
    assert_eq!(counterspy_server::start(&state).await.unwrap(), 3);
    let again = Harness { dir: h.dir, state, token };
    for id in &ids {
        let done = again.wait_final(id).await;
        assert_eq!(done["status"], "done");
        assert_eq!(done["completions"], 1);
    }
    let first =
        again.get(&format!("/api/submissions/{}", ids[0])).await.json();
    assert_eq!(first["attempts"], 2);
}

#[tokio::test]
async fn work_that_keeps_killing_the_server_is_failed_with_the_reason() {
    let h = Harness::with(|_| {}, false).await;
    let r = h.upload(&[("m.eml", &demo("kbzenit/mail/0002.eml"))], &[]).await;
    let id = r.json()["submissions"][0]["id"].as_str().unwrap().to_string();
    let key = id.clone();
    h.state
        .db()
        .call(move |s| {
            for _ in 0..3 {
                s.start_submission(&key, counterspy_model::Timestamp::now())?;
            }
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(counterspy_server::start(&h.state).await.unwrap(), 0);
    let v = h.get(&format!("/api/submissions/{id}")).await.json();
    assert_eq!(v["status"], "failed");
    assert!(v["error"].as_str().unwrap().contains("3 attempts"), "{v}");
    let counts = h.state.db().call(|s| s.submission_counts()).await.unwrap();
    assert!(counts.contains(&(SubmissionStatus::Failed, 1)));
    tokio::time::sleep(Duration::from_millis(10)).await;
}
