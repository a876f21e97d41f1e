//! The routes, one module per area.

pub(crate) mod cases;
pub(crate) mod extract;
pub(crate) mod health;
pub(crate) mod names;
pub(crate) mod session;
pub(crate) mod submissions;
pub(crate) mod submit;
pub(crate) mod ui;

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Serialize;

use crate::error::AppError;
use crate::state::AppState;

/// The OpenAPI 3 description of the API.
pub const OPENAPI: &str = include_str!("../../assets/openapi.json");

/// `GET /api/openapi.json`.
pub(crate) async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

/// An organisation uploads can be filed under.
#[derive(Serialize)]
pub(crate) struct OrgView {
    id: String,
    name: String,
}

/// `GET /api/organisations`: those of the server's `case.toml`.
pub(crate) async fn organisations(
    State(state): State<AppState>,
) -> Json<Vec<OrgView>> {
    let orgs = state
        .analyzer()
        .organisations()
        .iter()
        .map(|o| OrgView { id: o.id.clone(), name: o.name.clone() })
        .collect();
    Json(orgs)
}

/// Any other path.
pub(crate) async fn fallback() -> AppError {
    AppError::NotFound("no such route".into())
}
