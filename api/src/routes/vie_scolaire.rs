//! Vie scolaire queries: absences, class day, CPE dashboard, L131-8 report, notifications,
//! disciplinary records, register, sanction audit.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use chrono::NaiveDate;
use ent_projections::vie_scolaire::{self, ClassDayDoc, SanctionAuditDoc, queries};
use serde::Deserialize;
use uuid::Uuid;

use super::await_position;
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct DateParam {
    date: Option<String>,
}

#[derive(Deserialize)]
pub struct MonthParam {
    month: Option<String>,
}

fn date_param(raw: Option<&String>) -> Result<NaiveDate, ApiError> {
    match raw {
        None => Ok(chrono::Utc::now().date_naive()),
        Some(s) => s.parse().map_err(|_| ApiError::bad_field("date", "expected YYYY-MM-DD")),
    }
}

pub async fn pupil_absences(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    Path(pupil): Path<Uuid>,
) -> Result<Json<queries::PupilAbsences>, ApiError> {
    await_position(&s, &headers, vie_scolaire::NAME).await?;
    Ok(Json(queries::pupil_absences(s.backend.read_models.as_ref(), &actor, pupil).await?))
}

pub async fn class_day(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    Path(class): Path<Uuid>,
    Query(q): Query<DateParam>,
) -> Result<Json<ClassDayDoc>, ApiError> {
    await_position(&s, &headers, vie_scolaire::NAME).await?;
    let date = date_param(q.date.as_ref())?;
    Ok(Json(queries::class_day(s.backend.read_models.as_ref(), &actor, class, date).await?))
}

pub async fn dashboard(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    Path(uai): Path<String>,
    Query(q): Query<DateParam>,
) -> Result<Json<queries::Dashboard>, ApiError> {
    await_position(&s, &headers, vie_scolaire::NAME).await?;
    let date = date_param(q.date.as_ref())?;
    Ok(Json(queries::dashboard(s.backend.read_models.as_ref(), &actor, &uai.to_ascii_uppercase(), date).await?))
}

pub async fn absenteeism(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    Path(uai): Path<String>,
    Query(q): Query<MonthParam>,
) -> Result<Json<queries::AbsenteeismReport>, ApiError> {
    await_position(&s, &headers, vie_scolaire::NAME).await?;
    let bad = || ApiError::bad_field("month", "expected YYYY-MM");
    let raw = q.month.ok_or_else(bad)?;
    let (y, m) = raw.split_once('-').ok_or_else(bad)?;
    let (year, month): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(1..=12).contains(&month) {
        return Err(bad());
    }
    Ok(Json(queries::absenteeism_report(s.backend.read_models.as_ref(), &actor, &uai.to_ascii_uppercase(), year, month).await?))
}

pub async fn notifications(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
) -> Result<Json<queries::Notifications>, ApiError> {
    await_position(&s, &headers, vie_scolaire::NAME).await?;
    Ok(Json(queries::notifications(s.backend.read_models.as_ref(), &actor).await?))
}

pub async fn discipline(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    Path(pupil): Path<Uuid>,
) -> Result<Json<queries::DisciplineView>, ApiError> {
    await_position(&s, &headers, vie_scolaire::NAME).await?;
    Ok(Json(queries::discipline(s.backend.read_models.as_ref(), s.opener.as_ref(), &actor, pupil).await?))
}

pub async fn register(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    Path(uai): Path<String>,
) -> Result<Json<queries::DisciplineView>, ApiError> {
    await_position(&s, &headers, vie_scolaire::NAME).await?;
    Ok(Json(queries::register(s.backend.read_models.as_ref(), s.opener.as_ref(), &actor, &uai.to_ascii_uppercase()).await?))
}

pub async fn sanction_audit(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    Path(uai): Path<String>,
) -> Result<Json<SanctionAuditDoc>, ApiError> {
    await_position(&s, &headers, vie_scolaire::NAME).await?;
    Ok(Json(queries::sanction_audit(s.backend.read_models.as_ref(), &actor, &uai.to_ascii_uppercase()).await?))
}
