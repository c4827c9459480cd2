//! Réservations queries: a structure's resources, a resource's calendar per ISO week, the
//! caller's bookings, the bookings waiting for a manager, the occupancy per resource and week;
//! and the structure's closed days (a directory read, declared beside the bookings that obey
//! them).

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use ent_domain::reservations::time::IsoWeek;
use ent_domain::usage::Service;
use ent_projections::directory::calendar::{self as closed, ClosedDaysDoc};
use ent_projections::reservations::{self, BookingDoc, CalendarWeek, Occupancy, ResourceDoc, queries};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::await_position;
use super::spec::{Route, ServiceRoutes, schema};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct WeekParam {
    #[serde(default)]
    week: Option<String>,
}

/// The ISO week of `?week=YYYY-Www`, by default the current one (Europe/Paris).
pub fn week_param(raw: Option<&str>) -> Result<IsoWeek, ApiError> {
    match raw {
        Some(raw) => IsoWeek::parse(raw).ok_or_else(|| ApiError::bad_field("week", "expected an ISO week YYYY-Www, e.g. 2026-W41")),
        None => Ok(queries::current_week(chrono::Utc::now())),
    }
}

fn week_schema() -> serde_json::Value {
    json!({"type": "string", "pattern": "^[0-9]{4}-W[0-9]{2}$", "description": "ISO week YYYY-Www"})
}

/// `GET /api/v1/structures/{uai}/resources`.
pub async fn resources(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(uai): ApiPath<String>,
) -> Result<Json<Vec<ResourceDoc>>, ApiError> {
    await_position(&s, &headers, reservations::NAME).await?;
    Ok(Json(queries::resources(s.backend.read_models.as_ref(), &actor, &uai).await?))
}

/// `GET /api/v1/resources/{resource}/calendar?week=`.
pub async fn calendar(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(resource): ApiPath<Uuid>,
    ApiQuery(params): ApiQuery<WeekParam>,
) -> Result<Json<CalendarWeek>, ApiError> {
    let week = week_param(params.week.as_deref())?;
    await_position(&s, &headers, reservations::NAME).await?;
    await_position(&s, &headers, ent_projections::directory::NAME).await?;
    Ok(Json(queries::calendar(s.backend.read_models.as_ref(), &actor, resource, week).await?))
}

/// `GET /api/v1/me/bookings`.
pub async fn mine(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
) -> Result<Json<Vec<BookingDoc>>, ApiError> {
    await_position(&s, &headers, reservations::NAME).await?;
    Ok(Json(queries::my_bookings(s.backend.read_models.as_ref(), &actor).await?))
}

/// `GET /api/v1/structures/{uai}/bookings/pending`.
pub async fn pending(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(uai): ApiPath<String>,
) -> Result<Json<Vec<BookingDoc>>, ApiError> {
    await_position(&s, &headers, reservations::NAME).await?;
    Ok(Json(queries::pending_approvals(s.backend.read_models.as_ref(), &actor, &uai).await?))
}

/// `GET /api/v1/structures/{uai}/occupancy?week=`.
pub async fn occupancy(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(uai): ApiPath<String>,
    ApiQuery(params): ApiQuery<WeekParam>,
) -> Result<Json<Vec<Occupancy>>, ApiError> {
    let week = week_param(params.week.as_deref())?;
    await_position(&s, &headers, reservations::NAME).await?;
    await_position(&s, &headers, ent_projections::directory::NAME).await?;
    Ok(Json(queries::occupancy(s.backend.read_models.as_ref(), &actor, &uai, week).await?))
}

/// `GET /api/v1/structures/{uai}/closed-days`.
pub async fn closed_days(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(uai): ApiPath<String>,
) -> Result<Json<ClosedDaysDoc>, ApiError> {
    await_position(&s, &headers, ent_projections::directory::NAME).await?;
    Ok(Json(closed::closed_days(s.backend.read_models.as_ref(), &actor, &uai).await?))
}

/// The réservations' routes.
pub fn routes() -> ServiceRoutes {
    let read = |r: Route| r.min_position().errors(&[403, 404, 503]);
    ServiceRoutes::new(
        "reservations",
        Some(Service::Reservations),
        vec![
            read(
                Route::get("/api/v1/structures/{uai}/resources", resources)
                    .summary("A structure's bookable resources, by code, with their opening hours and managers")
                    .path("uai", schema::uai(), "the structure's UAI")
                    .ok::<Vec<ResourceDoc>>("the resources"),
            ),
            read(
                Route::get("/api/v1/resources/{resource}/calendar", calendar)
                    .summary("A resource's bookings in one ISO week (pending and confirmed), with the structure's closed days")
                    .path_uuid("resource", "the resource")
                    .query("week", false, week_schema(), "the ISO week (default: the current one)")
                    .errors(&[400])
                    .ok::<CalendarWeek>("the week"),
            ),
            read(
                Route::get("/api/v1/me/bookings", mine)
                    .summary("The caller's bookings, by first occurrence")
                    .ok::<Vec<BookingDoc>>("the bookings"),
            ),
            read(
                Route::get("/api/v1/structures/{uai}/bookings/pending", pending)
                    .summary("Bookings waiting for the caller's approval (the resources they manage; all of them for the direction)")
                    .path("uai", schema::uai(), "the structure's UAI")
                    .ok::<Vec<BookingDoc>>("the pending bookings, oldest first"),
            ),
            read(
                Route::get("/api/v1/structures/{uai}/occupancy", occupancy)
                    .summary("Occupancy of each resource in one ISO week (confirmed minutes over open minutes), for the direction")
                    .path("uai", schema::uai(), "the structure's UAI")
                    .query("week", false, week_schema(), "the ISO week (default: the current one)")
                    .errors(&[400])
                    .ok::<Vec<Occupancy>>("one line per resource"),
            ),
        ],
    )
}

/// The structure's closed days: a directory read.
pub fn closed_days_routes() -> ServiceRoutes {
    let read = |r: Route| r.min_position().errors(&[403, 404, 503]);
    ServiceRoutes::new(
        "directory",
        Some(Service::Directory),
        vec![read(
            Route::get("/api/v1/structures/{uai}/closed-days", closed_days)
                .summary("The structure's closed days (holidays), in date order, for its members")
                .path("uai", schema::uai(), "the structure's UAI")
                .ok::<ClosedDaysDoc>("the closed days"),
        )],
    )
}
