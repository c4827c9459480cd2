//! Notes queries: bulletins (JSON, PDF, as of an instant), grade history, grade tables, a
//! pupil's grades.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use ent_projections::notes::{self, GradeHistoryEntry, GradeTable, PupilSubjectDoc, queries};
use serde::Deserialize;
use uuid::Uuid;

use super::await_position;
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct BulletinParams {
    #[serde(default)]
    as_of: Option<String>,
}

#[derive(Deserialize)]
pub struct PeriodParam {
    #[serde(default)]
    period: Option<String>,
}

fn uuid(field: &str, raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::bad_field(field, "expected a UUID"))
}

fn period(params: &PeriodParam) -> Result<Uuid, ApiError> {
    uuid("period", params.period.as_deref().ok_or_else(|| ApiError::bad_field("period", "required"))?)
}

/// `GET /api/v1/bulletins/{pupil}/{period}` (`{period}.pdf` for the printable bulletin),
/// optionally `?as_of=<RFC 3339>`.
pub async fn bulletin(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    Path((pupil, period)): Path<(String, String)>,
    Query(params): Query<BulletinParams>,
) -> Result<Response, ApiError> {
    let (period, pdf) = match period.strip_suffix(".pdf") {
        Some(p) => (p, true),
        None => (period.as_str(), false),
    };
    let (pupil, period) = (uuid("pupil", &pupil)?, uuid("period", period)?);
    await_position(&s, &headers, notes::NAME).await?;
    let store = s.backend.read_models.as_ref();
    let bulletin = match params.as_of.as_deref() {
        Some(raw) => {
            let as_of = DateTime::parse_from_rfc3339(raw)
                .map_err(|_| ApiError::bad_field("as_of", "expected an RFC 3339 timestamp, e.g. 2026-12-01T18:00:00Z"))?
                .with_timezone(&Utc);
            queries::bulletin_as_of(s.backend.feed.as_ref(), store, &actor, pupil, period, as_of).await?
        }
        None => queries::bulletin(store, &actor, pupil, period).await?,
    };
    if !pdf {
        return Ok(Json(bulletin).into_response());
    }
    let mut response = notes::pdf::render(&bulletin).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    Ok(response)
}

/// `GET /api/v1/grades/{evaluation}/{pupil}/history`.
pub async fn grade_history(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    Path((evaluation, pupil)): Path<(Uuid, Uuid)>,
) -> Result<Json<Vec<GradeHistoryEntry>>, ApiError> {
    await_position(&s, &headers, notes::NAME).await?;
    Ok(Json(queries::grade_history(s.backend.feed.as_ref(), s.backend.read_models.as_ref(), &actor, evaluation, pupil).await?))
}

/// `GET /api/v1/classes/{id}/grades?period=…`: the grade table of a class or group.
pub async fn grade_table(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
    Query(params): Query<PeriodParam>,
) -> Result<Json<GradeTable>, ApiError> {
    let period = period(&params)?;
    await_position(&s, &headers, notes::NAME).await?;
    Ok(Json(queries::grade_table(s.backend.read_models.as_ref(), &actor, id, period).await?))
}

/// `GET /api/v1/pupils/{pupil}/grades?period=…`: a pupil's grades by subject.
pub async fn pupil_grades(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    Path(pupil): Path<Uuid>,
    Query(params): Query<PeriodParam>,
) -> Result<Json<Vec<PupilSubjectDoc>>, ApiError> {
    let period = period(&params)?;
    await_position(&s, &headers, notes::NAME).await?;
    Ok(Json(queries::pupil_grades(s.backend.read_models.as_ref(), &actor, pupil, period).await?))
}
