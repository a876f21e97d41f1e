//! `GET /api/submissions…`: status, results and content of submissions.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use counterspy_engine::Analysed;
use counterspy_model::Severity;
use counterspy_store::{
    Submission, SubmissionFilter, SubmissionStatus, Submissions,
};
use serde::{Deserialize, Serialize};
use tokio_util::io::ReaderStream;

use super::extract::QueryParams;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The most rows one page returns.
pub(crate) const MAX_PAGE: usize = 1000;

/// How many findings a submission's summary lists.
const TOP: usize = 5;

/// Query of `GET /api/submissions`.
#[derive(Deserialize)]
pub(crate) struct ListQuery {
    case: Option<String>,
    status: Option<SubmissionStatus>,
    limit: Option<usize>,
    #[serde(default)]
    offset: usize,
}

/// `GET /api/submissions`: newest first.
pub(crate) async fn list(
    State(state): State<AppState>,
    QueryParams(q): QueryParams<ListQuery>,
) -> AppResult<Json<Vec<Submission>>> {
    let filter = SubmissionFilter {
        case_key: q.case,
        status: q.status,
        limit: Some(q.limit.unwrap_or(100).min(MAX_PAGE)),
        offset: q.offset,
    };
    let rows = state.db().call(move |s| s.list_submissions(&filter)).await?;
    Ok(Json(rows))
}

/// One line of a submission's summary.
#[derive(Serialize)]
pub(crate) struct Top {
    severity: Severity,
    title: String,
    message: String,
    code: String,
}

/// `GET /api/submissions/{id}`: status, and the top findings once done.
#[derive(Serialize)]
pub(crate) struct Detail {
    #[serde(flatten)]
    submission: Submission,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    top: Vec<Top>,
}

/// `GET /api/submissions/{id}`.
pub(crate) async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Json<Detail>> {
    let submission = find(&state, &id).await?;
    let top = match result(&state, &id).await? {
        Some(a) => top(&a),
        None => Vec::new(),
    };
    Ok(Json(Detail { submission, top }))
}

/// `GET /api/submissions/{id}/result`: the scan report or the hunt's
/// detections.
pub(crate) async fn get_result(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let sub = find(&state, &id).await?;
    if sub.status != SubmissionStatus::Done {
        return Err(AppError::Conflict(format!(
            "submission {id} is {:?}, not done",
            sub.status
        )));
    }
    let json = state
        .db()
        .call(move |s| s.submission_result(&id))
        .await?
        .ok_or_else(|| AppError::internal("done without a result"))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}

/// `GET /api/submissions/{id}/content`: the uploaded bytes, as an
/// attachment of type `application/octet-stream`, never rendered.
pub(crate) async fn content(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let sub = find(&state, &id).await?;
    let path = state.config().uploads().join(&sub.id);
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(|_| AppError::NotFound("the upload is gone".into()))?;
    let stream = Body::from_stream(ReaderStream::new(file));
    let disposition = format!("attachment; filename=\"{}.bin\"", sub.sha256);
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CONTENT_LENGTH, sub.size.to_string()),
        ],
        stream,
    )
        .into_response())
}

/// The submission `id`, or 404.
pub(crate) async fn find(state: &AppState, id: &str) -> AppResult<Submission> {
    let key = id.to_string();
    state
        .db()
        .call(move |s| s.submission(&key))
        .await?
        .ok_or_else(|| AppError::NotFound(format!("submission {id}")))
}

/// The stored result of submission `id`, if done.
pub(crate) async fn result(
    state: &AppState,
    id: &str,
) -> AppResult<Option<Analysed>> {
    let key = id.to_string();
    let Some(json) =
        state.db().call(move |s| s.submission_result(&key)).await?
    else {
        return Ok(None);
    };
    serde_json::from_str(&json).map(Some).map_err(AppError::internal)
}

fn top(analysed: &Analysed) -> Vec<Top> {
    let mut out: Vec<Top> = match analysed {
        Analysed::Scan { report, .. } => report
            .objects
            .iter()
            .flat_map(|o| &o.findings)
            .map(|f| Top {
                severity: f.severity,
                title: f.kind.title().to_string(),
                message: f.message.clone(),
                code: f.kind.code().to_string(),
            })
            .collect(),
        Analysed::Log { detections, .. } => detections
            .iter()
            .map(|d| Top {
                severity: d.rule.level,
                title: d.rule.title.clone(),
                message: d.details_line(),
                code: d.rule.id.clone(),
            })
            .collect(),
    };
    out.sort_by(|a, b| {
        b.severity.cmp(&a.severity).then_with(|| a.code.cmp(&b.code))
    });
    out.dedup_by(|a, b| a.code == b.code);
    out.truncate(TOP);
    out
}
