//! Cahier de textes queries: a class's cahier in a subject, a pupil's homework to do, a
//! teacher's cahiers, the history of an entry.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use chrono::NaiveDate;
use ent_projections::cahier_de_textes::{self, CahierDoc, CahierSummary, EntryVersion, HomeworkEntry, queries};
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
pub struct FromParam {
    #[serde(default)]
    from: Option<String>,
}

/// `GET /api/v1/cahier/{class_or_group}/{subject}`.
pub async fn cahier(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath((class_or_group, subject)): ApiPath<(Uuid, Uuid)>,
) -> Result<Json<CahierDoc>, ApiError> {
    await_position(&s, &headers, cahier_de_textes::NAME).await?;
    Ok(Json(queries::cahier(s.backend.read_models.as_ref(), &actor, class_or_group, subject).await?))
}

/// `GET /api/v1/pupils/{pupil}/homework?from=YYYY-MM-DD` (default today).
pub async fn homework(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(pupil): ApiPath<Uuid>,
    ApiQuery(params): ApiQuery<FromParam>,
) -> Result<Json<Vec<HomeworkEntry>>, ApiError> {
    let from = match params.from.as_deref() {
        Some(raw) => raw.parse::<NaiveDate>().map_err(|_| ApiError::bad_field("from", "expected YYYY-MM-DD"))?,
        None => chrono::Utc::now().date_naive(),
    };
    await_position(&s, &headers, cahier_de_textes::NAME).await?;
    Ok(Json(queries::homework_to_do(s.backend.read_models.as_ref(), &actor, pupil, from).await?))
}

/// `GET /api/v1/teachers/{teacher}/cahier`.
pub async fn teacher(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(teacher): ApiPath<Uuid>,
) -> Result<Json<Vec<CahierDoc>>, ApiError> {
    await_position(&s, &headers, cahier_de_textes::NAME).await?;
    Ok(Json(queries::teacher_cahiers(s.backend.read_models.as_ref(), &actor, teacher).await?))
}

/// `GET /api/v1/cahier/entries/{id}/history`.
pub async fn history(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<EntryVersion>>, ApiError> {
    await_position(&s, &headers, cahier_de_textes::NAME).await?;
    Ok(Json(queries::entry_history(s.backend.feed.as_ref(), s.backend.read_models.as_ref(), &actor, id).await?))
}

/// `GET /api/v1/cahiers`: every cahier of every structure, for inspectors.
pub async fn to_inspect(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
) -> Result<Json<Vec<CahierSummary>>, ApiError> {
    await_position(&s, &headers, cahier_de_textes::NAME).await?;
    Ok(Json(queries::cahiers_to_inspect(s.backend.read_models.as_ref(), &actor).await?))
}

/// The cahier de textes' routes.
pub fn routes() -> ServiceRoutes {
    let read = |r: Route| r.min_position().errors(&[403, 404, 503]);
    ServiceRoutes::new(
        "cahier_de_textes",
        Some(Service::CahierDeTextes),
        vec![
            read(
                Route::get("/api/v1/cahier/{class_or_group}/{subject}", cahier)
                    .summary("Cahier de textes of a class or group in a subject: lessons and homework, newest first, visas")
                    .path_uuid("class_or_group", "the class or group")
                    .path_uuid("subject", "the subject")
                    .ok::<CahierDoc>("the cahier"),
            ),
            read(
                Route::get("/api/v1/cahier/entries/{id}/history", history)
                    .summary("Every version of a lesson or homework entry")
                    .path_uuid("id", "the entry")
                    .ok::<Vec<EntryVersion>>("the versions, oldest first"),
            ),
            read(
                Route::get("/api/v1/pupils/{pupil}/homework", homework)
                    .summary("A pupil's homework to do, by due date")
                    .path_uuid("pupil", "the pupil")
                    .query("from", false, schema::date(), "first due date shown (default today)")
                    .errors(&[400])
                    .ok::<Vec<HomeworkEntry>>("the homework"),
            ),
            read(
                Route::get("/api/v1/teachers/{teacher}/cahier", teacher)
                    .summary("A teacher's cahiers, one per class or group and subject")
                    .path_uuid("teacher", "the teacher")
                    .ok::<Vec<CahierDoc>>("the cahiers"),
            ),
            read(
                Route::get("/api/v1/cahiers", to_inspect)
                    .summary(
                        "Every cahier de textes of every structure, with its teachers and last visa (inspectors, platform administrators)",
                    )
                    .ok::<Vec<CahierSummary>>("the cahiers, by structure, class or group and subject"),
            ),
        ],
    )
}
