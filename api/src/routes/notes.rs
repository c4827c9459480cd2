//! Notes queries: bulletins (JSON, PDF, as of an instant), grade history, grade tables, a
//! pupil's grades.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use ent_projections::notes::{self, ClassPublication, GradeHistoryEntry, GradeTable, PupilSubjectDoc, queries};
use serde::Deserialize;
use uuid::Uuid;

use super::await_position;
use super::spec::{Route, ServiceRoutes, binary_schema, schema};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use ent_domain::usage::Service;

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
    ApiPath((pupil, period)): ApiPath<(String, String)>,
    ApiQuery(params): ApiQuery<BulletinParams>,
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
    if !pdf && !wants_pdf(&headers) {
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
    ApiPath((evaluation, pupil)): ApiPath<(Uuid, Uuid)>,
) -> Result<Json<Vec<GradeHistoryEntry>>, ApiError> {
    await_position(&s, &headers, notes::NAME).await?;
    Ok(Json(queries::grade_history(s.backend.feed.as_ref(), s.backend.read_models.as_ref(), &actor, evaluation, pupil).await?))
}

/// `GET /api/v1/classes/{id}/grades?period=…`: the grade table of a class or group.
pub async fn grade_table(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(params): ApiQuery<PeriodParam>,
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
    ApiPath(pupil): ApiPath<Uuid>,
    ApiQuery(params): ApiQuery<PeriodParam>,
) -> Result<Json<Vec<PupilSubjectDoc>>, ApiError> {
    let period = period(&params)?;
    await_position(&s, &headers, notes::NAME).await?;
    Ok(Json(queries::pupil_grades(s.backend.read_models.as_ref(), &actor, pupil, period).await?))
}

/// The bulletin is asked for as PDF (`Accept: application/pdf`, or a `.pdf` path).
fn wants_pdf(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|h| h.to_str().ok()).is_some_and(|a| a.trim().starts_with("application/pdf"))
}

/// `GET /api/v1/structures/{uai}/bulletin-publications`: whether each class's bulletins are
/// published, per period.
pub async fn publications(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(uai): ApiPath<String>,
) -> Result<Json<Vec<ClassPublication>>, ApiError> {
    await_position(&s, &headers, notes::NAME).await?;
    Ok(Json(queries::publications(s.backend.read_models.as_ref(), &actor, &uai.to_ascii_uppercase()).await?))
}

/// The routes of notes and bulletins.
pub fn routes() -> ServiceRoutes {
    let read = |r: Route| r.min_position().errors(&[400, 403, 404, 503]);
    let period = |r: Route| r.query("period", true, schema::uuid(), "the period (trimestre or semestre)");
    ServiceRoutes::new(
        "notes",
        Some(Service::Notes),
        vec![
            read(
                Route::get("/api/v1/bulletins/{pupil}/{period}", bulletin)
                    .summary("A pupil's bulletin for a period; as PDF with `Accept: application/pdf` (or `{period}.pdf`); `?as_of=` shows it as it stood then (parents and pupils: published only)")
                    .path_uuid("pupil", "the pupil")
                    .path_uuid("period", "the period; `<period>.pdf` for the printable bulletin")
                    .query("as_of", false, schema::date_time(), "an instant (RFC 3339): the bulletin as it stood then")
                    .ok::<notes::Bulletin>("the bulletin")
                    .answer(200, "the bulletin", "application/pdf", binary_schema),
            ),
            read(
                Route::get("/api/v1/grades/{evaluation}/{pupil}/history", grade_history)
                    .summary("Audit trail of a grade: every value, author, time and reason")
                    .path_uuid("evaluation", "the evaluation")
                    .path_uuid("pupil", "the pupil")
                    .ok::<Vec<GradeHistoryEntry>>("every version of the grade, oldest first"),
            ),
            read(period(
                Route::get("/api/v1/classes/{id}/grades", grade_table)
                    .summary("Grade table of a class or group for a period (its teachers, the staff)")
                    .path_uuid("id", "the class or group")
                    .ok::<GradeTable>("the table"),
            )),
            read(period(
                Route::get("/api/v1/pupils/{pupil}/grades", pupil_grades)
                    .summary("A pupil's grades by subject for a period, each with its evaluation")
                    .path_uuid("pupil", "the pupil")
                    .ok::<Vec<PupilSubjectDoc>>("the grades by subject"),
            )),
            read(
                Route::get("/api/v1/structures/{uai}/bulletin-publications", publications)
                    .summary("Whether each class's bulletins are published, per period of the structure (its staff)")
                    .path("uai", schema::uai(), "the structure's UAI")
                    .ok::<Vec<ClassPublication>>("one row per class and period"),
            ),
        ],
    )
}
