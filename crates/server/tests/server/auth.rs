//! Tokens, sessions, CSRF and the security headers.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use counterspy_store::Credentials;
use serde_json::json;

use super::common::{Harness, demo, multipart, send};

fn request(method: Method, path: &str) -> axum::http::request::Builder {
    Request::builder().method(method).uri(path)
}

#[tokio::test]
async fn every_api_route_needs_a_token() {
    let h = Harness::with(|_| {}, false).await;
    let app = h.app();
    for (method, path) in [
        (Method::GET, "/metrics"),
        (Method::GET, "/api/openapi.json"),
        (Method::GET, "/api/organisations"),
        (Method::GET, "/api/session"),
        (Method::GET, "/api/submissions"),
        (Method::POST, "/api/submissions"),
        (Method::GET, "/api/submissions/0f8fad5b-d9cb-469f-a165-70867728950e"),
        (Method::GET, "/api/cases"),
        (Method::POST, "/api/cases"),
        (Method::DELETE, "/api/cases/x"),
        (Method::GET, "/api/cases/x/export/stix"),
    ] {
        let r = send(
            &app,
            request(method.clone(), path).body(Body::empty()).unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {path}");
        assert_eq!(r.json()["error"], "unauthorized");
        assert!(r.header("www-authenticate").starts_with("Bearer"));
        let wrong = request(method.clone(), path)
            .header(header::AUTHORIZATION, "Bearer cs_0000")
            .body(Body::empty())
            .unwrap();
        let r = send(&app, wrong).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {path}");
    }
    let r = send(
        &app,
        request(Method::GET, "/healthz").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["status"], "ok");
}

#[tokio::test]
async fn a_revoked_token_is_refused() {
    let h = Harness::with(|_| {}, false).await;
    assert_eq!(h.get("/api/cases").await.status, StatusCode::OK);
    let names = h.state.db().call(|s| s.list_tokens()).await.unwrap();
    let name = names[0].name.clone();
    assert!(h.state.db().call(move |s| s.revoke_token(&name)).await.unwrap());
    assert_eq!(h.get("/api/cases").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn only_the_hash_of_a_token_is_stored() {
    let h = Harness::with(|_| {}, false).await;
    let db = std::fs::read(h.dir.path().join("case.db")).unwrap();
    let secret = h.token.as_bytes();
    assert!(!db.windows(secret.len()).any(|w| w == secret));
    let hash = counterspy_server::auth::hash_secret(&h.token);
    let found = h.state.db().call(move |s| s.token_by_hash(&hash)).await;
    assert!(found.unwrap().is_some());
}

#[tokio::test]
async fn a_browser_session_needs_its_csrf_token_to_change_anything() {
    let h = Harness::with(|_| {}, false).await;
    let app = h.app();
    let bad = request(Method::POST, "/api/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({"token": "cs_nope"}).to_string()))
        .unwrap();
    assert_eq!(send(&app, bad).await.status, StatusCode::UNAUTHORIZED);
    let sign_in = request(Method::POST, "/api/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({"token": h.token}).to_string()))
        .unwrap();
    let r = send(&app, sign_in).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let cookie = r.header("set-cookie").to_string();
    for part in
        ["counterspy_session=s_", "HttpOnly", "SameSite=Strict", "Path=/"]
    {
        assert!(cookie.contains(part), "{cookie}");
    }
    assert!(!cookie.contains("Secure"));
    let csrf = r.json()["csrf"].as_str().unwrap().to_string();
    let pair = cookie.split(';').next().unwrap().to_string();
    let with_cookie = |m: Method, p: &str| {
        request(m, p).header(header::COOKIE, pair.clone())
    };

    let r = send(
        &app,
        with_cookie(Method::GET, "/api/session").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["csrf"], csrf.as_str());

    let (kind, body) =
        multipart(&[("0002.eml", &demo("kbzenit/mail/0002.eml"))], &[]);
    let no_csrf = with_cookie(Method::POST, "/api/submissions")
        .header(header::CONTENT_TYPE, kind.clone())
        .body(Body::from(body.clone()))
        .unwrap();
    let r = send(&app, no_csrf).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    let wrong = with_cookie(Method::POST, "/api/submissions")
        .header(header::CONTENT_TYPE, kind.clone())
        .header("x-csrf-token", "c_wrong")
        .body(Body::from(body.clone()))
        .unwrap();
    assert_eq!(send(&app, wrong).await.status, StatusCode::FORBIDDEN);
    let right = with_cookie(Method::POST, "/api/submissions")
        .header(header::CONTENT_TYPE, kind)
        .header("x-csrf-token", csrf.clone())
        .body(Body::from(body))
        .unwrap();
    let r = send(&app, right).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
    assert_eq!(
        r.json()["submissions"][0]["submitter"],
        h.state.db().call(|s| s.list_tokens()).await.unwrap()[0].name.as_str()
    );

    let out = with_cookie(Method::DELETE, "/api/session")
        .header("x-csrf-token", csrf)
        .body(Body::empty())
        .unwrap();
    let r = send(&app, out).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(r.header("set-cookie").contains("Max-Age=0"));
    let r = send(
        &app,
        with_cookie(Method::GET, "/api/session").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_expired_session_is_refused() {
    let h = Harness::with(
        |c| c.session_ttl = std::time::Duration::from_secs(0),
        false,
    )
    .await;
    let sign_in = request(Method::POST, "/api/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({"token": h.token}).to_string()))
        .unwrap();
    let r = send(&h.app(), sign_in).await;
    let pair = r.header("set-cookie").split(';').next().unwrap().to_string();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let again = request(Method::GET, "/api/session")
        .header(header::COOKIE, pair)
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&h.app(), again).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let h = Harness::with(|_| {}, false).await;
    for path in ["/", "/healthz", "/api/cases", "/nowhere", "/assets/app.js"] {
        let r = h.get(path).await;
        let csp = r.header("content-security-policy");
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(r.header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(r.header("x-frame-options"), "DENY", "{path}");
        assert_eq!(r.header("referrer-policy"), "no-referrer", "{path}");
    }
    assert_eq!(h.get("/api/cases").await.header("cache-control"), "no-store");
    let r = h.get("/nowhere").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["message"], "not found: no such route");
}

#[tokio::test]
async fn sign_in_bodies_are_limited_and_must_be_json() {
    let h = Harness::with(|c| c.max_json = 1024, false).await;
    let big = json!({"token": "x".repeat(4096)}).to_string();
    let r = send(
        &h.app(),
        request(Method::POST, "/api/session")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(big))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let form = request(Method::POST, "/api/session")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("token={}", h.token)))
        .unwrap();
    assert_eq!(send(&h.app(), form).await.status, StatusCode::BAD_REQUEST);
}
