//! The web UI: the app page, assets, the case page.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;

use super::common::{Harness, demo, send};

#[tokio::test]
async fn the_app_page_and_assets_are_served_without_a_token() {
    let h = Harness::with(|_| {}, false).await;
    let app = h.app();
    let get = |p: &str| Request::builder().uri(p).body(Body::empty()).unwrap();
    let r = send(&app, get("/")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header("content-type").starts_with("text/html"));
    let page = r.text();
    assert!(page.contains("id=\"sign-in-form\""));
    assert!(page.contains("src=\"/assets/app.js\""));
    assert!(!page.contains("http://") && !page.contains("https://"), "no CDN");
    for (name, kind) in [
        ("app.js", "text/javascript"),
        ("app.css", "text/css"),
        ("report.css", "text/css"),
        ("report.js", "text/javascript"),
    ] {
        let r = send(&app, get(&format!("/assets/{name}"))).await;
        assert_eq!(r.status, StatusCode::OK, "{name}");
        assert!(r.header("content-type").starts_with(kind), "{name}");
        assert!(!r.body.is_empty());
    }
    for bad in
        ["/assets/../Cargo.toml", "/assets/..%2FCargo.toml", "/assets/x.js"]
    {
        assert_eq!(
            send(&app, get(bad)).await.status,
            StatusCode::NOT_FOUND,
            "{bad}"
        );
    }
}

#[tokio::test]
async fn the_case_page_needs_a_session_and_shows_the_case() {
    let h = Harness::new().await;
    let r = h
        .upload(
            &[("0004.eml", &demo("kbzenit/mail/0004.eml"))],
            &[("org", "kbzenit"), ("case", "demo")],
        )
        .await;
    let id = r.json()["submissions"][0]["id"].as_str().unwrap().to_string();
    h.wait_final(&id).await;
    h.wait_case("demo", 1).await;
    let app = h.app();
    let anonymous =
        Request::builder().uri("/cases/demo").body(Body::empty()).unwrap();
    let r = send(&app, anonymous).await;
    assert!(r.status.is_redirection());
    assert_eq!(r.header("location"), "/?next=/cases/demo");

    let sign_in = Request::builder()
        .method(Method::POST)
        .uri("/api/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({"token": h.token}).to_string()))
        .unwrap();
    let r = send(&app, sign_in).await;
    let pair = r.header("set-cookie").split(';').next().unwrap().to_string();
    let page = Request::builder()
        .uri("/cases/demo")
        .header(header::COOKIE, pair.clone())
        .body(Body::empty())
        .unwrap();
    let r = send(&app, page).await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    for part in [
        "<section id=\"timeline\">",
        "<section id=\"heatmap\">",
        "<section id=\"graph\">",
        "<section id=\"campaigns\">",
        "<section id=\"findings\">",
        "id=\"findings-table\"",
        "/api/cases/demo/export/stix",
        "<script src=\"/assets/app.js\">",
    ] {
        assert!(html.contains(part), "{part}");
    }
    assert!(!html.contains("<script>"), "no inline script");
    assert!(
        html.contains("data-severity=\"4\"")
            || html.contains("data-severity=\"3\"")
    );
    let missing = Request::builder()
        .uri("/cases/nope")
        .header(header::COOKIE, pair)
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, missing).await.status, StatusCode::NOT_FOUND);
}
