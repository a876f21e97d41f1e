//! `POST /api/submissions`: files in, queued submissions out.
//!
//! The body is `multipart/form-data` with one or more `file` parts and
//! optional `case` and `org` text parts. Each file is streamed to
//! `uploads/<new id>` (never under its own name), hashed on the way, cut
//! off with 413 past the size limit, and synced to disk. Only when every
//! file of the request is on disk are the submissions written to the
//! store, and only then is 202 sent and are they queued: an accepted
//! submission survives a restart, and a refused request leaves nothing
//! behind (its files are deleted). With NATS ([`Dispatch::Nats`]), the
//! stored files are published before the 202; a publish JetStream does
//! not confirm answers 503 and fails its submission (its file and row
//! stay).

use std::path::PathBuf;

use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use counterspy_engine::is_event_log;
use counterspy_model::Timestamp;
use counterspy_model::case::EvidenceKind;
use counterspy_store::{NewSubmission, Submission, Submissions};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::names::{DEFAULT_CASE, check_id, display_name};
use crate::auth::Caller;

use crate::error::{AppError, AppResult};
use crate::queue::Slot;
use crate::state::{AppState, Dispatch};

/// A file on disk, not yet a submission; deleted when dropped unkept.
struct Staged {
    id: String,
    path: PathBuf,
    name: String,
    size: u64,
    sha256: String,
    kind: EvidenceKind,
    slot: Option<Slot>,
    kept: bool,
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// What an accepted upload returns.
#[derive(Serialize)]
pub(crate) struct Accepted {
    submissions: Vec<Submission>,
}

/// `POST /api/submissions`.
pub(crate) async fn submit(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    mut form: Multipart,
) -> AppResult<Response> {
    let mut case = None;
    let mut org = None;
    let mut files: Vec<Staged> = Vec::new();
    while let Some(field) = form.next_field().await.map_err(malformed)? {
        match field.name().unwrap_or_default() {
            "case" => case = Some(text(field).await?),
            "org" => org = Some(text(field).await?),
            "file" => {
                if files.len() >= state.config().max_files {
                    return Err(AppError::BadRequest(format!(
                        "at most {} files per request",
                        state.config().max_files
                    )));
                }
                files.push(stage(&state, field).await?);
            }
            other => {
                return Err(AppError::BadRequest(format!(
                    "unknown form field {:?}",
                    display_name(Some(other))
                )));
            }
        }
    }
    if files.is_empty() {
        return Err(AppError::BadRequest("no file part".into()));
    }
    let case = check_id("case", case.as_deref().unwrap_or(DEFAULT_CASE))?;
    let org = match org {
        Some(o) => check_id("org", &o)?,
        None => default_org(&state),
    };
    accept(&state, files, &case, &org, &caller.token.name).await
}

fn default_org(state: &AppState) -> String {
    match state.analyzer().organisations() {
        [only] => only.id.clone(),
        _ => "default".to_string(),
    }
}

async fn accept(
    state: &AppState,
    mut files: Vec<Staged>,
    case: &str,
    org: &str,
    submitter: &str,
) -> AppResult<Response> {
    let received = Timestamp::now();
    let news: Vec<NewSubmission> = files
        .iter()
        .map(|f| NewSubmission {
            id: f.id.clone(),
            case_key: case.to_string(),
            org: org.to_string(),
            name: f.name.clone(),
            kind: f.kind,
            size: f.size,
            sha256: f.sha256.clone(),
            submitter: submitter.to_string(),
            received,
        })
        .collect();
    let submissions: Vec<Submission> = state
        .db()
        .call(move |s| {
            news.iter().map(|n| s.add_submission(n)).collect::<Result<_, _>>()
        })
        .await?;
    for f in &mut files {
        f.kept = true;
        if let Some(slot) = f.slot.take() {
            match state.dispatch() {
                Dispatch::Local => slot.push(state.queue(), f.id.clone()),
                Dispatch::Nats(_) => slot.hold(),
            }
        }
        state.metrics().accepted();
    }
    if let Dispatch::Nats(nats) = state.dispatch() {
        crate::nats::accepted(state, nats, &submissions).await?;
    }
    let location = format!("/api/submissions/{}", files[0].id);
    let body = Json(Accepted { submissions });
    Ok((StatusCode::ACCEPTED, [(header::LOCATION, location)], body)
        .into_response())
}

async fn stage(state: &AppState, mut field: Field<'_>) -> AppResult<Staged> {
    let Some(slot) = state.queue().reserve() else {
        state.metrics().rejected("queue-full");
        return Err(AppError::QueueFull { retry_after: 5 });
    };
    let id = uuid::Uuid::new_v4().to_string();
    let path = state.config().uploads().join(&id);
    let mut staged = Staged {
        id,
        path: path.clone(),
        name: display_name(field.file_name()),
        size: 0,
        sha256: String::new(),
        kind: EvidenceKind::File,
        slot: Some(slot),
        kept: false,
    };
    let mut out = tokio::fs::File::create_new(&path)
        .await
        .map_err(AppError::internal)?;
    let mut hasher = Sha256::new();
    let limit = state.config().max_upload;
    while let Some(chunk) = field.chunk().await.map_err(malformed)? {
        staged.size = staged.size.saturating_add(chunk.len() as u64);
        if staged.size > limit {
            state.metrics().rejected("too-large");
            return Err(AppError::TooLarge(format!(
                "a file is over {limit} bytes"
            )));
        }
        hasher.update(&chunk);
        out.write_all(&chunk).await.map_err(AppError::internal)?;
    }
    out.sync_all().await.map_err(AppError::internal)?;
    staged.sha256 = hex::encode(hasher.finalize());
    let log = tokio::task::spawn_blocking(move || is_event_log(&path))
        .await
        .map_err(AppError::internal)?;
    if log {
        staged.kind = EvidenceKind::EventLog;
    }
    Ok(staged)
}

/// The longest text field read.
const MAX_TEXT: usize = 256;

async fn text(mut field: Field<'_>) -> AppResult<String> {
    let mut value = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(malformed)? {
        if value.len() + chunk.len() > MAX_TEXT {
            return Err(AppError::BadRequest("form field too long".into()));
        }
        value.extend_from_slice(&chunk);
    }
    let value = String::from_utf8(value)
        .map_err(|_| AppError::BadRequest("form field not UTF-8".into()))?;
    Ok(value.trim().to_string())
}

fn malformed(e: MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return AppError::TooLarge(
            "the request body is over its limit".into(),
        );
    }
    AppError::BadRequest(format!(
        "malformed multipart body: {}",
        e.body_text()
    ))
}
