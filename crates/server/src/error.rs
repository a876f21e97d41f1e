//! [`AppError`]: what a handler can fail with, and the response each
//! gives. Clients get a code and a short message; internal detail goes
//! to the log only.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// A failed request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such thing (submission, case, route).
    #[error("not found: {0}")]
    NotFound(String),
    /// The request is malformed.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// No token or session, or an unknown one.
    #[error("unauthorized")]
    Unauthorized,
    /// Authenticated, but refused (a missing CSRF token).
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// A body or file over its limit.
    #[error("payload too large: {0}")]
    TooLarge(String),
    /// The analysis queue is full.
    #[error("queue full")]
    QueueFull {
        /// Seconds to wait before trying again.
        retry_after: u64,
    },
    /// The request conflicts with the state (an unfinished submission).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A service the server needs (the NATS work queue) did not answer.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Something failed inside; the detail is logged, not sent.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// An internal error from anything displayable.
    pub fn internal(e: impl std::fmt::Display) -> AppError {
        AppError::Internal(e.to_string())
    }

    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::QueueFull { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "not-found",
            AppError::BadRequest(_) => "bad-request",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::TooLarge(_) => "too-large",
            AppError::QueueFull { .. } => "queue-full",
            AppError::Conflict(_) => "conflict",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let message = match &self {
            AppError::Internal(detail) => {
                tracing::error!(%detail, "request failed");
                "internal error; see the server log".to_string()
            }
            other => other.to_string(),
        };
        let body = json!({ "error": self.code(), "message": message });
        let mut response = (self.status(), Json(body)).into_response();
        let headers = response.headers_mut();
        match self {
            AppError::QueueFull { retry_after } => {
                headers.insert(header::RETRY_AFTER, retry_after.into());
            }
            AppError::Unauthorized => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"counterspy\""),
                );
            }
            _ => {}
        }
        response
    }
}

impl From<counterspy_store::Error> for AppError {
    fn from(e: counterspy_store::Error) -> Self {
        match e {
            counterspy_store::Error::NotFound { .. } => {
                AppError::NotFound(e.to_string())
            }
            other => AppError::internal(other),
        }
    }
}

/// What handlers return.
pub type AppResult<T> = Result<T, AppError>;
