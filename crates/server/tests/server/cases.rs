//! Cases built from submissions: queries, correlation on demand,
//! exports.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::common::{Harness, demo};

/// The spear-phishing mail and the logs of the workstation it hit.
async fn demo_case(h: &Harness) -> Vec<String> {
    let files = [
        ("0004.eml", demo("kbzenit/mail/0004.eml")),
        ("ws14-sysmon.jsonl", demo("kbzenit/logs/ws14-sysmon.jsonl")),
        ("ws14-system.jsonl", demo("kbzenit/logs/ws14-system.jsonl")),
    ];
    let parts: Vec<(&str, &[u8])> =
        files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let r = h.upload(&parts, &[("org", "kbzenit"), ("case", "demo")]).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    let ids: Vec<String> = r.json()["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    for id in &ids {
        assert_eq!(h.wait_final(id).await["status"], "done");
    }
    h.wait_case("demo", 3).await;
    ids
}

fn items(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap_or_else(|| panic!("not a list: {v}"))
}

#[tokio::test]
async fn finished_submissions_are_correlated_into_their_case() {
    let h = Harness::new().await;
    demo_case(&h).await;
    let cases = h.get("/api/cases").await.json();
    let demo = items(&cases).iter().find(|c| c["key"] == "demo").unwrap();
    assert!(demo["organisations"].as_u64().unwrap() >= 1);
    assert!(demo["incidents"].as_u64().unwrap() >= 1, "{demo}");

    let case = h.get("/api/cases/demo").await.json();
    assert_eq!(case["info"]["name"], "demo");
    assert_eq!(case["organisations"][0]["id"], "kbzenit");
    assert_eq!(items(&case["evidence"]).len(), 3);

    let incidents = h.get("/api/cases/demo/incidents").await.json();
    assert!(!items(&incidents).is_empty());
    assert!(incidents[0]["kill_chain"].is_object(), "{}", incidents[0]);
    let campaigns = h.get("/api/cases/demo/campaigns").await;
    assert_eq!(campaigns.status, StatusCode::OK);

    let findings = h.get("/api/cases/demo/findings").await.json();
    assert!(!items(&findings).is_empty());
    assert!(items(&findings).iter().all(|a| a["kind"]["type"] == "finding"));
    let detections = h.get("/api/cases/demo/detections?limit=5").await.json();
    assert_eq!(items(&detections).len(), 5);
    assert!(
        items(&detections).iter().all(|a| a["kind"]["type"] == "detection")
    );
    let severe =
        h.get("/api/cases/demo/detections?min_severity=critical").await.json();
    assert!(items(&severe).iter().all(|a| a["severity"] == "critical"));
    let all = h.get("/api/cases/demo/detections?limit=1000").await.json();
    assert!(items(&severe).len() < items(&all).len());

    let observables = h.get("/api/cases/demo/observables").await.json();
    assert!(!items(&observables).is_empty());
    assert!(items(&observables).iter().all(|e| e["noise"].is_null()));
    let domains =
        h.get("/api/cases/demo/observables?kind=domain").await.json();
    assert!(items(&domains).iter().all(|e| e["kind"] == "domain"));
    let r = h.get("/api/cases/demo/observables?kind=host").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn every_export_format_downloads() {
    let h = Harness::new().await;
    demo_case(&h).await;
    let stix = h.get("/api/cases/demo/export/stix").await;
    assert_eq!(stix.status, StatusCode::OK);
    assert!(stix.header("content-disposition").contains("demo.stix.json"));
    assert_eq!(stix.json()["type"], "bundle");
    let misp = h.get("/api/cases/demo/export/misp").await.json();
    assert!(
        misp["Event"]["Attribute"].is_array()
            || misp["Event"]["Object"].is_array(),
        "{misp}"
    );
    let layer = h.get("/api/cases/demo/export/navigator").await.json();
    assert!(!items(&layer["techniques"]).is_empty());
    let html = h.get("/api/cases/demo/export/html").await;
    assert!(html.header("content-disposition").starts_with("attachment"));
    assert!(html.text().starts_with("<!DOCTYPE html>"));
    let jsonl = h.get("/api/cases/demo/export/jsonl").await.text();
    let first: Value =
        serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    assert_eq!(first["type"], "case");
    let r = h.get("/api/cases/demo/export/pdf").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unknown_cases_are_404_everywhere() {
    let h = Harness::with(|_| {}, false).await;
    for tail in [
        "",
        "/incidents",
        "/campaigns",
        "/findings",
        "/detections",
        "/observables",
        "/export/stix",
    ] {
        let r = h.get(&format!("/api/cases/nope{tail}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{tail}: {}", r.text());
    }
    let r = h.call(Method::DELETE, "/api/cases/nope").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn chosen_submissions_are_correlated_on_demand() {
    let h = Harness::new().await;
    let ids = demo_case(&h).await;
    let r = h
        .post_json(
            "/api/cases",
            &json!({"key": "phish-only", "submissions": [ids[0]]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.header("location"), "/api/cases/phish-only");
    assert_eq!(r.json()["key"], "phish-only");
    let case = h.get("/api/cases/phish-only").await.json();
    assert_eq!(items(&case["evidence"]).len(), 1);

    let unknown = json!({"key": "x", "submissions": ["0f8fad5b-d9cb-469f-a165-70867728950e"]});
    assert_eq!(
        h.post_json("/api/cases", &unknown).await.status,
        StatusCode::NOT_FOUND
    );
    let bad_key = json!({"key": "../x", "submissions": [ids[0]]});
    assert_eq!(
        h.post_json("/api/cases", &bad_key).await.status,
        StatusCode::BAD_REQUEST
    );
    let none = json!({"key": "x", "submissions": []});
    assert_eq!(
        h.post_json("/api/cases", &none).await.status,
        StatusCode::BAD_REQUEST
    );
    let wrong_shape = json!({"name": "x"});
    assert_eq!(
        h.post_json("/api/cases", &wrong_shape).await.status,
        StatusCode::BAD_REQUEST
    );

    let r = h.call(Method::DELETE, "/api/cases/phish-only").await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        h.get("/api/cases/phish-only").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn unfinished_submissions_cannot_be_correlated() {
    let h = Harness::with(|_| {}, false).await;
    let r = h.upload(&[("m.eml", &demo("kbzenit/mail/0002.eml"))], &[]).await;
    let id = r.json()["submissions"][0]["id"].as_str().unwrap().to_string();
    let r = h
        .post_json("/api/cases", &json!({"key": "x", "submissions": [id]}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn oversized_json_bodies_are_refused() {
    let h = Harness::with(|c| c.max_json = 2048, false).await;
    let ids: Vec<String> = (0..200).map(|n| format!("{n:036}")).collect();
    let r = h
        .post_json("/api/cases", &json!({"key": "x", "submissions": ids}))
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
}
