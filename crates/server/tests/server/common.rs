//! The harness: a server state in a temporary folder with one token,
//! the real engine (starter YARA rules), the built-in Sigma rules and
//! the demo case's organisations.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use counterspy_correlate::{CaseConfig, Settings};
use counterspy_engine::{EngineBuilder, HunterBuilder};
use counterspy_server::{Analyzer, AppState, ServerConfig, auth};
use counterspy_store::{Credentials, SqliteStore};
use serde_json::Value;
use tempfile::TempDir;
use tower::ServiceExt;

/// The repository's root.
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A file of the demo case.
pub(crate) fn demo(path: &str) -> Vec<u8> {
    std::fs::read(root().join("examples/case").join(path)).unwrap()
}

/// The analyzer, built once per test binary (YARA compiles slowly in
/// debug builds).
pub(crate) fn analyzer() -> Arc<Analyzer> {
    static ANALYZER: OnceLock<Arc<Analyzer>> = OnceLock::new();
    Arc::clone(ANALYZER.get_or_init(|| {
        let yara = counterspy_yara::RuleSetBuilder::new()
            .with_starter_rules()
            .build();
        let engine = EngineBuilder::new().rules(yara).build();
        let sigma = counterspy_sigma::RuleSetBuilder::new()
            .with_builtin_rules()
            .build();
        let hunter =
            HunterBuilder::new().rules(sigma).every_rule(true).build();
        let text =
            std::fs::read_to_string(root().join("examples/case/case.toml"))
                .unwrap();
        let case = CaseConfig::from_toml(&text).unwrap();
        Arc::new(Analyzer::new(engine, hunter, case, Settings::default()))
    }))
}

/// A server in a temporary folder.
pub(crate) struct Harness {
    /// Kept for the folder's lifetime.
    pub(crate) dir: TempDir,
    pub(crate) state: AppState,
    pub(crate) token: String,
}

impl Harness {
    /// Default limits, workers started.
    pub(crate) async fn new() -> Harness {
        Harness::with(|_| {}, true).await
    }

    /// Limits changed by `tune`; workers started when `start`.
    pub(crate) async fn with(
        tune: impl FnOnce(&mut ServerConfig),
        start: bool,
    ) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let mut config = config(dir.path());
        tune(&mut config);
        let db = dir.path().join("case.db");
        let (state, token) = open(config, &db);
        if start {
            counterspy_server::start(&state).await.unwrap();
        }
        Harness { dir, state, token }
    }

    pub(crate) fn app(&self) -> Router {
        counterspy_server::app(self.state.clone())
    }

    /// `method path` with the token.
    pub(crate) async fn call(&self, method: Method, path: &str) -> Reply {
        let req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token))
            .body(Body::empty())
            .unwrap();
        send(&self.app(), req).await
    }

    /// `GET path` with the token.
    pub(crate) async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path).await
    }

    /// `POST path` with a JSON body and the token.
    pub(crate) async fn post_json(&self, path: &str, body: &Value) -> Reply {
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        send(&self.app(), req).await
    }

    /// Uploads `files` with form `fields`.
    pub(crate) async fn upload(
        &self,
        files: &[(&str, &[u8])],
        fields: &[(&str, &str)],
    ) -> Reply {
        let (kind, body) = multipart(files, fields);
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/submissions")
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token))
            .header(header::CONTENT_TYPE, kind)
            .body(Body::from(body))
            .unwrap();
        send(&self.app(), req).await
    }

    /// Waits until submission `id` is done or failed; its detail.
    pub(crate) async fn wait_final(&self, id: &str) -> Value {
        let clock = Instant::now();
        loop {
            let r = self.get(&format!("/api/submissions/{id}")).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
            let v = r.json();
            if v["status"] == "done" || v["status"] == "failed" {
                return v;
            }
            assert!(clock.elapsed() < Duration::from_secs(120), "{v}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until case `key` is stored with `n` evidence files.
    pub(crate) async fn wait_case(&self, key: &str, n: usize) -> Value {
        let clock = Instant::now();
        loop {
            let r = self.get(&format!("/api/cases/{key}")).await;
            if r.status == StatusCode::OK {
                let v = r.json();
                if v["evidence"].as_array().map(Vec::len) == Some(n) {
                    return v;
                }
            }
            assert!(clock.elapsed() < Duration::from_secs(60), "{key}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The test limits of a server in folder `dir` (data in `dir/data`).
pub(crate) fn config(dir: &Path) -> ServerConfig {
    ServerConfig {
        data_dir: dir.join("data"),
        workers: 2,
        rebuild_delay: Duration::from_millis(50),
        ..ServerConfig::default()
    }
}

/// A state over the database `db`, with a new token.
pub(crate) fn open(config: ServerConfig, db: &Path) -> (AppState, String) {
    let (store, token) = store_with_token(db);
    let state = AppState::new(config, store, analyzer()).unwrap();
    (state, token)
}

/// The database `db`, with a new token.
pub(crate) fn store_with_token(db: &Path) -> (SqliteStore, String) {
    let mut store = SqliteStore::open(db).unwrap();
    let token = auth::new_secret(auth::TOKEN_PREFIX).unwrap();
    let name = format!("test-{}", &token[3..11]);
    store
        .add_token(
            &name,
            &auth::hash_secret(&token),
            counterspy_model::Timestamp::now(),
        )
        .unwrap();
    (store, token)
}

/// A response, read whole.
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Reply {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", |v| v.to_str().unwrap())
    }
}

/// Sends `req` to `app`.
pub(crate) async fn send(app: &Router, req: Request<Body>) -> Reply {
    let response = app.clone().oneshot(req).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body =
        axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    Reply { status, headers, body }
}

pub(crate) const BOUNDARY: &str = "counterspy-test-boundary-7d1f";

/// A `multipart/form-data` body: its content type and bytes.
pub(crate) fn multipart(
    files: &[(&str, &[u8])],
    fields: &[(&str, &str)],
) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; \
                 name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; \
                 name=\"file\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}
