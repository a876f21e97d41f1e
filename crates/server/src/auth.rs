//! Who is calling: API tokens (`Authorization: Bearer …`) and browser
//! sessions (an `HttpOnly`, `SameSite=Strict` cookie plus a CSRF token
//! in the `X-CSRF-Token` header of every state-changing request).
//!
//! Tokens and session secrets are 32 random bytes, shown once; the
//! store keeps only their SHA-256, so a stolen database gives no
//! credential. A lookup by hash needs no constant-time comparison: the
//! secret has 256 bits of entropy and the hash is all that is compared.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use counterspy_model::Timestamp;
use counterspy_store::{Credentials, TokenInfo};
use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The prefix of API tokens, so that scanners of leaked secrets can
/// tell ours.
pub const TOKEN_PREFIX: &str = "cs_";

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "counterspy_session";

/// The header that carries the CSRF token of a session.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A new secret: the prefix and 32 random bytes in hex.
///
/// # Errors
///
/// When the system has no randomness to give.
pub fn new_secret(prefix: &str) -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(format!("{prefix}{}", hex::encode(bytes)))
}

/// The stored form of a secret: its SHA-256, hex.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The authenticated caller, put in the request's extensions.
#[derive(Clone, Debug)]
pub struct Caller {
    /// The token used, directly or through a session.
    pub token: TokenInfo,
    /// How.
    pub via: Via,
}

/// How a caller authenticated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// An `Authorization: Bearer` token.
    Token,
    /// A browser session cookie.
    Session,
}

/// Middleware: refuses requests without a valid token or session (401)
/// and state-changing session requests without the session's CSRF token
/// (403).
pub async fn require(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let caller =
        authenticate(&state, request.method(), request.headers()).await?;
    request.extensions_mut().insert(caller);
    Ok(next.run(request).await)
}

async fn authenticate(
    state: &AppState,
    method: &Method,
    headers: &HeaderMap,
) -> AppResult<Caller> {
    if let Some(token) = bearer(headers) {
        let hash = hash_secret(token);
        let found = state.db().call(move |s| s.token_by_hash(&hash)).await?;
        let token = found.ok_or(AppError::Unauthorized)?;
        return Ok(Caller { token, via: Via::Token });
    }
    let secret =
        cookie(headers, SESSION_COOKIE).ok_or(AppError::Unauthorized)?;
    let hash = hash_secret(secret);
    let found = state
        .db()
        .call(move |s| s.session_by_hash(&hash, Timestamp::now()))
        .await?;
    let session = found.ok_or(AppError::Unauthorized)?;
    if !is_safe(method) && csrf(headers) != Some(session.csrf.as_str()) {
        return Err(AppError::Forbidden("missing or wrong X-CSRF-Token"));
    }
    Ok(Caller { token: session.token, via: Via::Session })
}

/// The session's caller for a page (GET) request, if signed in.
pub async fn page_caller(
    state: &AppState,
    headers: &HeaderMap,
) -> AppResult<Option<Caller>> {
    match authenticate(state, &Method::GET, headers).await {
        Ok(caller) => Ok(Some(caller)),
        Err(AppError::Unauthorized) => Ok(None),
        Err(e) => Err(e),
    }
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn csrf(headers: &HeaderMap) -> Option<&str> {
    headers.get(CSRF_HEADER)?.to_str().ok()
}

/// The value of cookie `name`.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn secrets_are_long_prefixed_and_distinct() {
        let a = new_secret(TOKEN_PREFIX).unwrap();
        let b = new_secret(TOKEN_PREFIX).unwrap();
        assert!(a.starts_with("cs_") && a.len() == 67, "{a}");
        assert_ne!(a, b);
        assert_eq!(hash_secret(&a).len(), 64);
        assert_ne!(hash_secret(&a), a);
    }

    #[test]
    fn bearer_and_cookies_are_read_from_headers() {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("bearer x"));
        h.append(header::COOKIE, HeaderValue::from_static("a=1; b=2"));
        h.append(header::COOKIE, HeaderValue::from_static("c=3"));
        assert_eq!(bearer(&h), Some("x"));
        assert_eq!(cookie(&h, "b"), Some("2"));
        assert_eq!(cookie(&h, "c"), Some("3"));
        assert_eq!(cookie(&h, "d"), None);
    }
}
