//! Directory queries: structure tree, roster, user card, me, my children, my classes.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use chrono::NaiveDate;
use ent_projections::directory::{self, AssignmentRef, ChildRef, ClassRoster, StructureTree, UserCard, queries};
use ent_projections::today::Today;
use serde::Deserialize;
use uuid::Uuid;

use super::await_position;
use super::spec::{Route, ServiceRoutes, schema};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use ent_domain::usage::Service;

/// The directory's routes.
pub fn routes() -> ServiceRoutes {
    let read = |r: Route| r.min_position().errors(&[403, 404, 503]);
    ServiceRoutes::new(
        "directory",
        Some(Service::Directory),
        vec![
            read(Route::get("/api/v1/me", me).summary("The caller's user card").ok::<UserCard>("the card")),
            read(
                Route::get("/api/v1/me/children", my_children)
                    .summary("A parent's children, with their class")
                    .ok::<Vec<ChildRef>>("the children"),
            ),
            read(Route::get("/api/v1/me/classes", my_classes).summary("A teacher's classes and groups, with their subjects").ok::<Vec<
                AssignmentRef,
            >>(
                "the assignments",
            )),
            read(
                Route::get("/api/v1/me/today", today)
                    .summary("A parent's day, per child (a pupil's own): homework due within 7 days, latest grades, half-days to justify, unread notifications — with names")
                    .query("date", false, schema::date(), "the day (default today)")
                    .errors(&[400])
                    .ok::<Today>("the day"),
            ),
            read(
                Route::get("/api/v1/structures/{uai}", structure)
                    .summary("Structure tree: classes, groups, subjects, periods")
                    .path("uai", schema::uai(), "the structure's UAI")
                    .ok::<StructureTree>("the tree"),
            ),
            read(
                Route::get("/api/v1/classes/{id}/roster", roster)
                    .summary("Members of a class or group")
                    .path_uuid("id", "the class or group")
                    .ok::<ClassRoster>("the roster"),
            ),
            read(Route::get("/api/v1/users/{id}", user).summary("A user's card").path_uuid("id", "the user").ok::<UserCard>("the card")),
        ],
    )
}

pub async fn structure(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(uai): ApiPath<String>,
) -> Result<Json<StructureTree>, ApiError> {
    await_position(&s, &headers, directory::NAME).await?;
    Ok(Json(queries::structure_tree(s.backend.read_models.as_ref(), &actor, &uai).await?))
}

pub async fn roster(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ClassRoster>, ApiError> {
    await_position(&s, &headers, directory::NAME).await?;
    Ok(Json(queries::class_roster(s.backend.read_models.as_ref(), &actor, id).await?))
}

pub async fn user(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<UserCard>, ApiError> {
    await_position(&s, &headers, directory::NAME).await?;
    Ok(Json(queries::user_card(s.backend.read_models.as_ref(), &actor, id).await?))
}

pub async fn me(State(s): State<AppState>, Authenticated(actor): Authenticated, headers: HeaderMap) -> Result<Json<UserCard>, ApiError> {
    await_position(&s, &headers, directory::NAME).await?;
    Ok(Json(queries::me(s.backend.read_models.as_ref(), &actor).await?))
}

pub async fn my_children(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
) -> Result<Json<Vec<ChildRef>>, ApiError> {
    await_position(&s, &headers, directory::NAME).await?;
    Ok(Json(queries::my_children(s.backend.read_models.as_ref(), &actor).await?))
}

pub async fn my_classes(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
) -> Result<Json<Vec<AssignmentRef>>, ApiError> {
    await_position(&s, &headers, directory::NAME).await?;
    Ok(Json(queries::my_classes(s.backend.read_models.as_ref(), &actor).await?))
}

#[derive(Deserialize)]
pub struct DateParam {
    #[serde(default)]
    date: Option<String>,
}

/// `GET /api/v1/me/today?date=YYYY-MM-DD` (default today): per child of the calling parent (or
/// for the calling pupil) homework due soon, latest grades, absences to justify, unread
/// notifications, with names.
pub async fn today(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<DateParam>,
) -> Result<Json<Today>, ApiError> {
    let date = match params.date.as_deref() {
        Some(raw) => raw.parse::<NaiveDate>().map_err(|_| ApiError::bad_field("date", "expected YYYY-MM-DD"))?,
        None => chrono::Utc::now().date_naive(),
    };
    for projection in
        [directory::NAME, ent_projections::cahier_de_textes::NAME, ent_projections::notes::NAME, ent_projections::vie_scolaire::NAME]
    {
        await_position(&s, &headers, projection).await?;
    }
    Ok(Json(ent_projections::today::today(s.backend.read_models.as_ref(), &actor, date).await?))
}
