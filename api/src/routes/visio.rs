//! Visio: the caller's meetings, one meeting, a person's meetings for their agenda.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use ent_domain::usage::Service;
use ent_projections::visio::{self, AgendaMeeting, MeetingView, queries};
use serde::Deserialize;
use uuid::Uuid;

use super::await_position;
use super::spec::{Route, ServiceRoutes, schema};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct RangeParams {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

fn instant(field: &str, raw: Option<&str>) -> Result<Option<DateTime<Utc>>, ApiError> {
    raw.map(|r| r.parse::<DateTime<Utc>>().map_err(|_| ApiError::bad_field(field, "expected an RFC 3339 date-time"))).transpose()
}

/// `GET /api/v1/visio/meetings?from=`.
pub async fn mine(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<RangeParams>,
) -> Result<Json<Vec<MeetingView>>, ApiError> {
    let from = instant("from", params.from.as_deref())?;
    await_position(&s, &headers, visio::NAME).await?;
    Ok(Json(queries::my_meetings(s.backend.read_models.as_ref(), &actor, from).await?))
}

/// `GET /api/v1/visio/meetings/{meeting}`.
pub async fn one(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(meeting): ApiPath<Uuid>,
) -> Result<Json<MeetingView>, ApiError> {
    await_position(&s, &headers, visio::NAME).await?;
    Ok(Json(queries::meeting(s.backend.read_models.as_ref(), &actor, meeting).await?))
}

/// `GET /api/v1/users/{user}/meetings?from=&to=`.
pub async fn agenda(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(user): ApiPath<Uuid>,
    ApiQuery(params): ApiQuery<RangeParams>,
) -> Result<Json<Vec<AgendaMeeting>>, ApiError> {
    let from = instant("from", params.from.as_deref())?.ok_or_else(|| ApiError::bad_field("from", "required"))?;
    let to = instant("to", params.to.as_deref())?.ok_or_else(|| ApiError::bad_field("to", "required"))?;
    if to <= from {
        return Err(ApiError::bad_field("to", "after from"));
    }
    await_position(&s, &headers, visio::NAME).await?;
    Ok(Json(queries::agenda(s.backend.read_models.as_ref(), &actor, user, from, to).await?))
}

/// The visio's routes.
pub fn routes() -> ServiceRoutes {
    ServiceRoutes::new(
        "visio",
        Some(Service::Visio),
        vec![
            Route::get("/api/v1/visio/meetings", mine)
                .summary("The caller's meetings ending at or after `from`, by start, cancelled ones marked")
                .query("from", false, schema::date_time(), "earliest end shown (default: every meeting)")
                .min_position()
                .errors(&[400, 403, 503])
                .ok::<Vec<MeetingView>>("the meetings"),
            Route::get("/api/v1/visio/meetings/{meeting}", one)
                .summary("A meeting (its participants, the direction of its structure)")
                .path_uuid("meeting", "the meeting")
                .min_position()
                .errors(&[404, 503])
                .ok::<MeetingView>("the meeting"),
            Route::get("/api/v1/users/{user}/meetings", agenda)
                .summary("A person's meetings (not cancelled) overlapping [from, to), for their agenda (the person themselves)")
                .path_uuid("user", "the person")
                .query("from", true, schema::date_time(), "start of the range")
                .query("to", true, schema::date_time(), "end of the range")
                .min_position()
                .errors(&[400, 404, 503])
                .ok::<Vec<AgendaMeeting>>("the meetings, by start"),
        ],
    )
}
