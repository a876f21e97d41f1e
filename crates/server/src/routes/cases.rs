//! `/api/cases…`: cases, their incidents, campaigns, findings,
//! detections and observables; correlation of chosen submissions into a
//! new case; exports.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use counterspy_intel::Catalogue;
use counterspy_intel::export::{
    misp_event_json, navigator_layer, stix_bundle_json,
};
use counterspy_model::case::{
    Campaign, Entity, EntityKind, EvidenceFile, Incident, Organisation,
    Takeover,
};
use counterspy_model::{Case, Severity};
use counterspy_store::{
    ActivityFilter, ActivitySource, CaseInfo, Store, SubmissionStatus,
};
use serde::{Deserialize, Serialize};

use super::extract::{JsonBody, QueryParams};
use super::names::check_id;
use super::submissions::{MAX_PAGE, find, result};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// `GET /api/cases`.
pub(crate) async fn list(
    State(state): State<AppState>,
) -> AppResult<Json<Vec<CaseInfo>>> {
    Ok(Json(state.db().call(|s| s.list_cases()).await?))
}

/// A case without its activities, entities and edges (they have their
/// own paged routes).
#[derive(Serialize)]
pub(crate) struct CaseView {
    info: CaseInfo,
    organisations: Vec<Organisation>,
    evidence: Vec<EvidenceFile>,
    campaigns: Vec<Campaign>,
    takeovers: Vec<Takeover>,
}

/// `GET /api/cases/{key}`.
pub(crate) async fn get(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> AppResult<Json<CaseView>> {
    let case = load(&state, &key).await?;
    let info = CaseInfo::of(&key, &case, None);
    Ok(Json(CaseView {
        info,
        organisations: case.organisations,
        evidence: case.evidence,
        campaigns: case.campaigns,
        takeovers: case.takeovers,
    }))
}

/// The case stored under `key`, or 404.
pub(crate) async fn load(state: &AppState, key: &str) -> AppResult<Case> {
    let k = key.to_string();
    state
        .db()
        .call(move |s| s.load_case(&k))
        .await?
        .ok_or_else(|| AppError::NotFound(format!("case {key:?}")))
}

/// `DELETE /api/cases/{key}`.
pub(crate) async fn delete(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> AppResult<StatusCode> {
    let k = key.clone();
    if state.db().call(move |s| s.delete_case(&k)).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound(format!("case {key:?}")))
    }
}

/// `GET /api/cases/{key}/incidents`.
pub(crate) async fn incidents(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> AppResult<Json<Vec<Incident>>> {
    Ok(Json(state.db().call(move |s| s.incidents(&key)).await?))
}

/// `GET /api/cases/{key}/campaigns`.
pub(crate) async fn campaigns(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> AppResult<Json<Vec<Campaign>>> {
    Ok(Json(state.db().call(move |s| s.campaigns(&key)).await?))
}

/// Query of the activity routes.
#[derive(Deserialize)]
pub(crate) struct ActivityQuery {
    org: Option<String>,
    incident: Option<String>,
    min_severity: Option<Severity>,
    limit: Option<usize>,
    #[serde(default)]
    offset: usize,
}

/// `GET /api/cases/{key}/findings`.
pub(crate) async fn findings(
    state: State<AppState>,
    key: Path<String>,
    q: QueryParams<ActivityQuery>,
) -> AppResult<Response> {
    activities(state, key, q, ActivitySource::Finding).await
}

/// `GET /api/cases/{key}/detections`.
pub(crate) async fn detections(
    state: State<AppState>,
    key: Path<String>,
    q: QueryParams<ActivityQuery>,
) -> AppResult<Response> {
    activities(state, key, q, ActivitySource::Detection).await
}

async fn activities(
    State(state): State<AppState>,
    Path(key): Path<String>,
    QueryParams(q): QueryParams<ActivityQuery>,
    source: ActivitySource,
) -> AppResult<Response> {
    let filter = ActivityFilter {
        org: q.org,
        incident: q.incident,
        min_severity: q.min_severity,
        source: Some(source),
        limit: Some(q.limit.unwrap_or(100).min(MAX_PAGE)),
        offset: q.offset,
    };
    let rows = state.db().call(move |s| s.activities(&key, &filter)).await?;
    Ok(Json(rows).into_response())
}

/// Query of `GET /api/cases/{key}/observables`.
#[derive(Deserialize)]
pub(crate) struct ObservableQuery {
    kind: Option<EntityKind>,
    #[serde(default)]
    noise: bool,
}

/// The entity kinds that are indicators.
const OBSERVABLES: [EntityKind; 5] = [
    EntityKind::File,
    EntityKind::Domain,
    EntityKind::Ip,
    EntityKind::Url,
    EntityKind::Email,
];

/// `GET /api/cases/{key}/observables`: files (by hash), domains, IPs,
/// URLs and e-mail addresses; noise left out unless `noise=true`.
pub(crate) async fn observables(
    State(state): State<AppState>,
    Path(key): Path<String>,
    QueryParams(q): QueryParams<ObservableQuery>,
) -> AppResult<Json<Vec<Entity>>> {
    let kind = q.kind;
    if kind.is_some_and(|k| !OBSERVABLES.contains(&k)) {
        return Err(AppError::BadRequest(
            "kind must be file, domain, ip, url or email".into(),
        ));
    }
    let all = state.db().call(move |s| s.entities(&key, kind)).await?;
    let out = all
        .into_iter()
        .filter(|e| OBSERVABLES.contains(&e.kind))
        .filter(|e| q.noise || e.noise.is_none())
        .collect();
    Ok(Json(out))
}

/// The body of `POST /api/cases`.
#[derive(Deserialize)]
pub(crate) struct NewCase {
    key: String,
    submissions: Vec<String>,
}

/// `POST /api/cases`: correlates finished submissions into a case saved
/// under `key` (as `counterspy investigate` does for a folder).
pub(crate) async fn create(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<NewCase>,
) -> AppResult<Response> {
    let key = check_id("key", &body.key)?;
    if body.submissions.is_empty() || body.submissions.len() > MAX_PAGE {
        return Err(AppError::BadRequest(format!(
            "name 1 to {MAX_PAGE} submissions"
        )));
    }
    let mut results = Vec::with_capacity(body.submissions.len());
    for id in &body.submissions {
        let sub = find(&state, id).await?;
        if sub.status != SubmissionStatus::Done {
            return Err(AppError::Conflict(format!(
                "submission {id} is not done"
            )));
        }
        results.extend(result(&state, id).await?);
    }
    let analyzer = std::sync::Arc::clone(state.analyzer());
    let k = key.clone();
    let case =
        tokio::task::spawn_blocking(move || analyzer.correlate(&k, results))
            .await
            .map_err(AppError::internal)?;
    let info = state.db().call(move |s| s.save_case(&key, &case)).await?;
    let location = format!("/api/cases/{}", info.key);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(info))
        .into_response())
}

/// The export formats.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Format {
    Stix,
    Misp,
    Navigator,
    Html,
    Jsonl,
}

impl Format {
    /// The format named in the path.
    fn parse(name: &str) -> Option<Format> {
        Some(match name {
            "stix" => Format::Stix,
            "misp" => Format::Misp,
            "navigator" => Format::Navigator,
            "html" => Format::Html,
            "jsonl" => Format::Jsonl,
            _ => return None,
        })
    }
}

/// `GET /api/cases/{key}/export/{format}`: a download.
pub(crate) async fn export(
    State(state): State<AppState>,
    Path((key, format)): Path<(String, String)>,
) -> AppResult<Response> {
    let format = Format::parse(&format).ok_or_else(|| {
        AppError::NotFound(
            "format: stix, misp, navigator, html or jsonl".into(),
        )
    })?;
    let case = load(&state, &key).await?;
    let (body, kind, ext) =
        tokio::task::spawn_blocking(move || render(&case, format))
            .await
            .map_err(AppError::internal)??;
    let file = download_name(&key, ext);
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response())
}

fn render(
    case: &Case,
    format: Format,
) -> AppResult<(Vec<u8>, &'static str, &'static str)> {
    let attack = Catalogue::embedded();
    Ok(match format {
        Format::Stix => (
            stix_bundle_json(case, attack).into_bytes(),
            "application/stix+json;version=2.1",
            "stix.json",
        ),
        Format::Misp => (
            misp_event_json(case, attack).into_bytes(),
            "application/json",
            "misp.json",
        ),
        Format::Navigator => (
            navigator_layer(case, attack).to_json().into_bytes(),
            "application/json",
            "layer.json",
        ),
        Format::Html => (
            counterspy_report::case::html(case, attack).into_bytes(),
            "text/html; charset=utf-8",
            "html",
        ),
        Format::Jsonl => {
            let mut out = Vec::new();
            counterspy_report::case::jsonl(case, &mut out)
                .map_err(AppError::internal)?;
            (out, "application/x-ndjson", "jsonl")
        }
    })
}

/// `case.<ext>` named after the key, in characters safe in a header.
fn download_name(key: &str, ext: &str) -> String {
    let safe: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.{ext}")
}
