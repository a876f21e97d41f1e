//! The OpenAPI document: valid, served, and true to the router.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::Value;

use super::common::{Harness, root, send};

#[tokio::test]
async fn the_document_is_served_and_names_every_route_of_the_router() {
    let h = Harness::with(|_| {}, false).await;
    let r = h.get("/api/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert_eq!(doc["openapi"], "3.0.3");
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let uri = path
                .replace("{id}", "0f8fad5b-d9cb-469f-a165-70867728950e")
                .replace("{key}", "no-such-case")
                .replace("{format}", "stix");
            let method =
                Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let mut req = Request::builder()
                .method(method.clone())
                .uri(&uri)
                .header(header::AUTHORIZATION, format!("Bearer {}", h.token));
            if method == Method::POST {
                req = req.header(header::CONTENT_TYPE, "application/json");
            }
            let r = send(&h.app(), req.body(Body::from("{}")).unwrap()).await;
            assert_ne!(
                r.status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
            if r.status == StatusCode::NOT_FOUND {
                assert_ne!(
                    r.json()["message"],
                    "not found: no such route",
                    "{method} {path}"
                );
            }
            let documented: Vec<&String> =
                op["responses"].as_object().unwrap().keys().collect();
            assert!(
                documented.iter().any(|c| c.as_str() == r.status.as_str()),
                "{method} {path} answered {} not in {documented:?}",
                r.status
            );
        }
    }
    assert_eq!(operations, 22);
}

#[test]
fn the_document_is_valid_openapi_3() {
    let path = root().join("crates/server/assets/openapi.json");
    let out = std::process::Command::new("python3")
        .args(["-m", "openapi_spec_validator"])
        .arg(&path)
        .output()
        .expect("python3 (bash .ci/deps installs openapi-spec-validator)");
    let text = String::from_utf8_lossy(&out.stdout).into_owned()
        + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}
