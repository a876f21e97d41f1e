//! Extractors whose rejections are [`AppError`]s, so a malformed body
//! or query gets the API's JSON error (400, or 413 past a limit) like
//! every other failure.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// A JSON body.
pub(crate) struct JsonBody<T>(pub(crate) T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => {
                Err(rejected(rejection.status(), rejection.body_text()))
            }
        }
    }
}

/// A query string.
pub(crate) struct QueryParams<T>(pub(crate) T);

impl<S, T> FromRequestParts<S> for QueryParams<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Self, AppError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await
        {
            Ok(axum::extract::Query(value)) => Ok(QueryParams(value)),
            Err(rejection) => {
                Err(rejected(rejection.status(), rejection.body_text()))
            }
        }
    }
}

fn rejected(status: StatusCode, text: String) -> AppError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge("the request body is over its limit".into())
    } else {
        AppError::BadRequest(text)
    }
}
