//! `/healthz` (open) and `/metrics` (token).

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::{Value, json};

use crate::state::AppState;

/// `GET /healthz`: the server is up.
pub(crate) async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /metrics`: Prometheus text format.
pub(crate) async fn metrics(
    State(state): State<AppState>,
) -> impl IntoResponse {
    let q = state.queue();
    let body = state.metrics().render(q.depth(), q.capacity());
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        body,
    )
}
