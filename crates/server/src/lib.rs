//! `counterspy serve`: the HTTP API and web UI a SOC works in.
//!
//! [`app`] builds the axum [`Router`] over an [`AppState`] (the store,
//! the [`Analyzer`], the bounded [`Queue`], the [`Metrics`]); [`start`]
//! spawns the background tasks (analysis workers, the case correlator)
//! after queuing again whatever a previous run left unfinished. Tests
//! call `app(state).oneshot(request)` without a socket.
//!
//! ```no_run
//! # async fn run(state: counterspy_server::AppState) -> std::io::Result<()> {
//! counterspy_server::start(&state).await.expect("recovery");
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, counterspy_server::app(state)).await
//! # }
//! ```
//!
//! # The API
//!
//! Described by the OpenAPI 3 document at `/api/openapi.json`
//! ([`OPENAPI`]). In short: `POST /api/submissions` (multipart, `file`
//! parts, optional `case` and `org`) answers 202 with the queued
//! submissions; `GET /api/submissions/{id}` shows one's status, verdict
//! and top findings; every finished submission is correlated into its
//! case (`inbox` unless named), and `POST /api/cases` correlates chosen
//! submissions into a new one; `GET /api/cases/{key}/…` lists incidents,
//! campaigns, findings, detections and observables, and `…/export/…`
//! gives STIX 2.1, MISP, a Navigator layer, JSON lines or the HTML
//! report. `/healthz` is open; `/metrics` (Prometheus text) and every
//! `/api` route need a token or a session.
//!
//! # Work
//!
//! A submission is persisted (file synced, row written) before its 202
//! is sent, and queued after. The queue is bounded ([`ServerConfig::
//! queue_capacity`]): past it, uploads get 429 with `Retry-After`.
//! Workers ([`ServerConfig::workers`]) analyse on the blocking pool; a
//! submission completes exactly once (see [`worker`]). After analyses
//! finish, their cases are correlated again, several at a time.
//!
//! # Scale-out
//!
//! With [`AppState::with_nats`] ([`Dispatch::Nats`], `serve --nats`),
//! the server analyses nothing itself: accepted submissions are stored
//! as ever, published to NATS JetStream for `counterspy worker`s, and
//! finished from the results and dead letters they publish (see
//! [`Nats`]).
//!
//! # Security
//!
//! - The CLI binds 127.0.0.1 unless told otherwise.
//! - API tokens (`counterspy serve token create NAME`) are stored as
//!   SHA-256 hashes; a browser trades one for a session cookie
//!   (`HttpOnly`, `SameSite=Strict`) and a CSRF token ([`auth`]).
//! - Bodies are limited (JSON [`ServerConfig::max_json`], each uploaded
//!   file [`ServerConfig::max_upload`], files per request
//!   [`ServerConfig::max_files`]).
//! - Uploads are stored under server-made ids, never under their names,
//!   never executed, and served back only as
//!   `application/octet-stream` attachments.
//! - Every response carries a Content-Security-Policy (scripts from this
//!   server only, no framing), `nosniff` and `no-referrer`
//!   ([`headers`]).
//!
//! # Design decisions
//!
//! - **axum on tokio**: the ecosystem's router, tested through tower's
//!   `oneshot`. The engine is synchronous and CPU-bound, so analyses
//!   and store calls run on the blocking pool, never on the async
//!   threads.
//! - **The queue lives in the store.** A submission row is the job: its
//!   status is the queue's state, so a restart re-queues from the
//!   database and nothing accepted is lost. The in-memory channel only
//!   orders the work.
//! - **Hand-written OpenAPI.** The document is a checked-in file, and a
//!   test drives every operation it lists against the router, so the two
//!   cannot drift apart.
#![deny(missing_docs)]

pub mod auth;
mod config;
mod db;
mod error;
pub mod headers;
mod metrics;
mod nats;
mod queue;
mod routes;
mod state;
pub mod worker;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};

pub use config::ServerConfig;
pub use counterspy_engine::Analyzer;
pub use db::Db;
pub use error::{AppError, AppResult};
pub use metrics::Metrics;
pub use nats::{CONSUMER, Nats};
pub use queue::{Queue, Slot};
pub use routes::OPENAPI;
pub use state::{AppState, Dispatch};

/// The whole application: API, metrics, UI.
pub fn app(state: AppState) -> Router {
    let config = state.config();
    let upload_limit = usize::try_from(
        config
            .max_upload
            .saturating_mul(config.max_files as u64)
            .saturating_add(1 << 20),
    )
    .unwrap_or(usize::MAX);
    let json_limit = config.max_json;
    let api = api_routes(upload_limit)
        .route("/metrics", get(routes::health::metrics))
        .route_layer(from_fn_with_state(state.clone(), auth::require))
        .layer(DefaultBodyLimit::max(json_limit));
    Router::new()
        .merge(api)
        .route("/api/session", post(routes::session::sign_in))
        .route("/healthz", get(routes::health::healthz))
        .route("/", get(routes::ui::index))
        .route("/assets/{name}", get(routes::ui::asset))
        .route("/cases/{key}", get(routes::ui::case_page))
        .fallback(routes::fallback)
        .layer(DefaultBodyLimit::max(json_limit))
        .layer(from_fn(headers::secure))
        .with_state(state)
}

fn api_routes(upload_limit: usize) -> Router<AppState> {
    use routes::{cases, session, submissions, submit};
    Router::new()
        .route("/api/openapi.json", get(routes::openapi))
        .route("/api/organisations", get(routes::organisations))
        .route("/api/session", get(session::current).delete(session::sign_out))
        .route(
            "/api/submissions",
            get(submissions::list)
                .post(submit::submit)
                .layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/api/submissions/{id}", get(submissions::get))
        .route("/api/submissions/{id}/result", get(submissions::get_result))
        .route("/api/submissions/{id}/content", get(submissions::content))
        .route("/api/cases", get(cases::list).post(cases::create))
        .route("/api/cases/{key}", get(cases::get).delete(cases::delete))
        .route("/api/cases/{key}/incidents", get(cases::incidents))
        .route("/api/cases/{key}/campaigns", get(cases::campaigns))
        .route("/api/cases/{key}/findings", get(cases::findings))
        .route("/api/cases/{key}/detections", get(cases::detections))
        .route("/api/cases/{key}/observables", get(cases::observables))
        .route("/api/cases/{key}/export/{format}", get(cases::export))
}

/// Queues again what a previous run left unfinished, then spawns the
/// workers (or, with [`Dispatch::Nats`], publishes it again and follows
/// the results) and the case correlator on the current runtime; returns
/// how many submissions were queued again.
///
/// # Errors
///
/// When the store cannot be read.
pub async fn start(state: &AppState) -> AppResult<usize> {
    let recovered = match state.dispatch() {
        Dispatch::Local => worker::start(state).await?,
        Dispatch::Nats(nats) => nats::start(state, nats).await?,
    };
    tokio::spawn(worker::correlate_dirty(state.clone()));
    Ok(recovered)
}
