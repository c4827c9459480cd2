//! Vie scolaire queries: absences, class day, CPE dashboard, L131-8 report, notifications,
//! disciplinary records, register, sanction audit.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use chrono::NaiveDate;
use ent_projections::vie_scolaire::{self, ClassDayDoc, LessonRoll, SanctionAuditDoc, TeacherLesson, queries};
use serde::Deserialize;
use uuid::Uuid;

use super::await_position;
use super::spec::{Route, ServiceRoutes, schema};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use ent_domain::usage::Service;

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
    ApiPath(pupil): ApiPath<Uuid>,
) -> Result<Json<queries::PupilAbsences>, ApiError> {
    await_position(&s, &headers, vie_scolaire::NAME).await?;
    Ok(Json(queries::pupil_absences(s.backend.read_models.as_ref(), &actor, pupil).await?))
}

pub async fn class_day(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(class): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<DateParam>,
) -> Result<Json<ClassDayDoc>, ApiError> {
    await_position(&s, &headers, vie_scolaire::NAME).await?;
    let date = date_param(q.date.as_ref())?;
    Ok(Json(queries::class_day(s.backend.read_models.as_ref(), &actor, class, date).await?))
}

pub async fn teacher_lessons(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(teacher): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<DateParam>,
) -> Result<Json<Vec<TeacherLesson>>, ApiError> {
    await_position(&s, &headers, vie_scolaire::NAME).await?;
    let date = date_param(q.date.as_ref())?;
    Ok(Json(queries::teacher_lessons(s.backend.read_models.as_ref(), &actor, teacher, date).await?))
}

pub async fn lesson_roll(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(lesson): ApiPath<Uuid>,
) -> Result<Json<LessonRoll>, ApiError> {
    await_position(&s, &headers, vie_scolaire::NAME).await?;
    Ok(Json(queries::lesson_roll(s.backend.read_models.as_ref(), &actor, lesson).await?))
}

pub async fn dashboard(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(uai): ApiPath<String>,
    ApiQuery(q): ApiQuery<DateParam>,
) -> Result<Json<queries::Dashboard>, ApiError> {
    await_position(&s, &headers, vie_scolaire::NAME).await?;
    let date = date_param(q.date.as_ref())?;
    Ok(Json(queries::dashboard(s.backend.read_models.as_ref(), &actor, &uai.to_ascii_uppercase(), date).await?))
}

pub async fn absenteeism(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(uai): ApiPath<String>,
    ApiQuery(q): ApiQuery<MonthParam>,
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
    ApiPath(pupil): ApiPath<Uuid>,
) -> Result<Json<queries::DisciplineView>, ApiError> {
    await_position(&s, &headers, vie_scolaire::NAME).await?;
    Ok(Json(queries::discipline(s.backend.read_models.as_ref(), s.opener.as_ref(), &actor, pupil).await?))
}

pub async fn register(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(uai): ApiPath<String>,
) -> Result<Json<queries::DisciplineView>, ApiError> {
    await_position(&s, &headers, vie_scolaire::NAME).await?;
    Ok(Json(queries::register(s.backend.read_models.as_ref(), s.opener.as_ref(), &actor, &uai.to_ascii_uppercase()).await?))
}

pub async fn sanction_audit(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(uai): ApiPath<String>,
) -> Result<Json<SanctionAuditDoc>, ApiError> {
    await_position(&s, &headers, vie_scolaire::NAME).await?;
    Ok(Json(queries::sanction_audit(s.backend.read_models.as_ref(), &actor, &uai.to_ascii_uppercase()).await?))
}

/// The vie scolaire's routes.
pub fn routes() -> ServiceRoutes {
    let read = |r: Route| r.min_position().errors(&[403, 404, 503]);
    let uai = |r: Route| r.path("uai", schema::uai(), "the structure's UAI");
    let date = |r: Route| r.query("date", false, schema::date(), "the day (default today)").errors(&[400]);
    ServiceRoutes::new(
        "vie_scolaire",
        Some(Service::VieScolaire),
        vec![
            read(
                Route::get("/api/v1/pupils/{id}/absences", pupil_absences)
                    .summary("A pupil's absences and lateness, with their justification state")
                    .path_uuid("id", "the pupil")
                    .ok::<queries::PupilAbsences>("the absences"),
            ),
            read(
                Route::get("/api/v1/pupils/{id}/discipline", discipline)
                    .summary("A pupil's punishments and sanctions (erased ones are gone)")
                    .path_uuid("id", "the pupil")
                    .ok::<queries::DisciplineView>("the disciplinary record"),
            ),
            read(date(
                Route::get("/api/v1/classes/{id}/absences", class_day)
                    .summary("A class's roll calls and absences of one day")
                    .path_uuid("id", "the class or group")
                    .ok::<ClassDayDoc>("the day"),
            )),
            read(date(
                Route::get("/api/v1/teachers/{teacher}/lessons", teacher_lessons)
                    .summary("A teacher's lessons of one day (timetable), with whether each roll call is taken")
                    .path_uuid("teacher", "the teacher")
                    .ok::<Vec<TeacherLesson>>("the lessons, by start"),
            )),
            read(
                Route::get("/api/v1/lessons/{id}", lesson_roll)
                    .summary("A timetable lesson with the pupils of its class or group and their marks")
                    .path_uuid("id", "the lesson")
                    .ok::<LessonRoll>("the lesson and its roll"),
            ),
            read(
                Route::get("/api/v1/notifications", notifications)
                    .summary("The caller's notifications")
                    .ok::<queries::Notifications>("the notifications"),
            ),
            read(date(uai(Route::get("/api/v1/vie-scolaire/{uai}/dashboard", dashboard)
                .summary("The vie scolaire's day: absences to handle, justifications pending")
                .ok::<queries::Dashboard>("the dashboard")))),
            read(uai(Route::get("/api/v1/vie-scolaire/{uai}/absenteeism", absenteeism)
                .summary("The L131-8 report: pupils with four or more unjustified half-days in the month")
                .query("month", true, schema::month(), "the month, YYYY-MM")
                .errors(&[400])
                .ok::<queries::AbsenteeismReport>("the report"))),
            read(uai(Route::get("/api/v1/vie-scolaire/{uai}/register", register)
                .summary("The structure's register of sanctions")
                .ok::<queries::DisciplineView>("the register"))),
            read(uai(Route::get("/api/v1/vie-scolaire/{uai}/sanctions/audit", sanction_audit)
                .summary("Audit of sanctions: pronounced, erased, with their erasure dates")
                .ok::<SanctionAuditDoc>("the audit"))),
        ],
    )
}
