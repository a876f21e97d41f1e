//! `/api/session`: signing a browser in with a token, and out.
//!
//! Signing in trades an API token for a session: an `HttpOnly`,
//! `SameSite=Strict` cookie (so other sites can neither read it nor
//! send it) and a CSRF token the page sends back in `X-CSRF-Token` on
//! every state-changing request.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use counterspy_model::Timestamp;
use counterspy_store::Credentials;
use serde::{Deserialize, Serialize};

use super::extract::JsonBody;
use crate::auth::{self, Caller, SESSION_COOKIE, Via};

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The body of `POST /api/session`.
#[derive(Deserialize)]
pub(crate) struct SignIn {
    token: String,
}

/// A signed-in session as the page sees it.
#[derive(Serialize)]
pub(crate) struct SessionView {
    name: String,
    csrf: Option<String>,
    expires: Option<Timestamp>,
}

/// `POST /api/session`: a token in, a session cookie out.
pub(crate) async fn sign_in(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<SignIn>,
) -> AppResult<Response> {
    let hash = auth::hash_secret(body.token.trim());
    let token = state
        .db()
        .call(move |s| s.token_by_hash(&hash))
        .await?
        .ok_or(AppError::Unauthorized)?;
    let secret = auth::new_secret("s_").map_err(AppError::internal)?;
    let csrf = auth::new_secret("c_").map_err(AppError::internal)?;
    let ttl = state.config().session_ttl;
    let expires =
        Timestamp::from_micros(Timestamp::now().as_micros().saturating_add(
            i64::try_from(ttl.as_micros()).unwrap_or(i64::MAX),
        ));
    let (hash, id, c) = (auth::hash_secret(&secret), token.id, csrf.clone());
    state.db().call(move |s| s.add_session(&hash, id, &c, expires)).await?;
    let cookie = format!(
        "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Strict; \
         Max-Age={}{}",
        ttl.as_secs(),
        if state.config().secure_cookies { "; Secure" } else { "" }
    );
    let view = SessionView {
        name: token.name,
        csrf: Some(csrf),
        expires: Some(expires),
    };
    let mut response = (StatusCode::CREATED, Json(view)).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(AppError::internal)?,
    );
    Ok(response)
}

/// `GET /api/session`: who is signed in, and the CSRF token.
pub(crate) async fn current(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
) -> AppResult<Json<SessionView>> {
    if caller.via == Via::Token {
        return Ok(Json(SessionView {
            name: caller.token.name,
            csrf: None,
            expires: None,
        }));
    }
    let secret = auth::cookie(&headers, SESSION_COOKIE)
        .ok_or(AppError::Unauthorized)?;
    let hash = auth::hash_secret(secret);
    let session = state
        .db()
        .call(move |s| s.session_by_hash(&hash, Timestamp::now()))
        .await?
        .ok_or(AppError::Unauthorized)?;
    Ok(Json(SessionView {
        name: session.token.name,
        csrf: Some(session.csrf),
        expires: Some(session.expires),
    }))
}

/// `DELETE /api/session`: signs out.
pub(crate) async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> AppResult<Response> {
    if let Some(secret) = auth::cookie(&headers, SESSION_COOKIE) {
        let hash = auth::hash_secret(secret);
        state.db().call(move |s| s.delete_session(&hash)).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static(
            "counterspy_session=; Path=/; HttpOnly; SameSite=Strict; \
             Max-Age=0",
        ),
    );
    Ok(response)
}
