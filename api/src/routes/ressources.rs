//! Ressources queries: the catalogue (with French full-text search), a pupil's learning paths
//! with their progress, the paths a teacher runs and a path's class progress table.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use ent_domain::directory::Level;
use ent_projections::ressources::queries::{self, CatalogueFilter};
use ent_projections::ressources::{self, ClassProgress, PathSummary, PupilPath, ResourceView};
use serde::Deserialize;
use uuid::Uuid;

use super::await_position;
use super::spec::{Route, ServiceRoutes, schema};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use ent_domain::usage::Service;

/// The catalogue's filters as the query string gives them.
#[derive(Deserialize, Default)]
pub struct CatalogueParams {
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    level: Option<String>,
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    q: Option<String>,
}

impl CatalogueParams {
    /// The filter, or a 400 naming the parameter that is not one.
    pub fn filter(self) -> Result<CatalogueFilter, ApiError> {
        let nonempty = |v: Option<String>| v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let subject = match nonempty(self.subject) {
            Some(raw) => Some(raw.parse::<Uuid>().map_err(|_| ApiError::bad_field("subject", "expected a subject id (UUID)"))?),
            None => None,
        };
        let level = match nonempty(self.level) {
            Some(raw) => Some(
                serde_json::from_value::<Level>(serde_json::Value::String(raw))
                    .map_err(|_| ApiError::bad_field("level", "expected a level such as 6e, CM2 or Tle"))?,
            ),
            None => None,
        };
        let q = nonempty(self.q);
        if q.as_ref().is_some_and(|q| q.chars().count() > 200) {
            return Err(ApiError::bad_field("q", "at most 200 characters"));
        }
        Ok(CatalogueFilter { subject, level, theme: nonempty(self.theme), q })
    }
}

/// `GET /api/v1/resources?subject&level&theme&q`.
pub async fn catalogue(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<CatalogueParams>,
) -> Result<Json<Vec<ResourceView>>, ApiError> {
    let filter = params.filter()?;
    await_position(&s, &headers, ressources::NAME).await?;
    Ok(Json(queries::catalogue(s.backend.read_models.as_ref(), &actor, &filter).await?))
}

/// `GET /api/v1/pupils/{pupil}/learning-paths`.
pub async fn pupil_paths(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(pupil): ApiPath<Uuid>,
) -> Result<Json<Vec<PupilPath>>, ApiError> {
    await_position(&s, &headers, ressources::NAME).await?;
    let today = chrono::Utc::now().date_naive();
    Ok(Json(queries::pupil_paths(s.backend.read_models.as_ref(), &actor, pupil, today).await?))
}

/// `GET /api/v1/learning-paths`.
pub async fn paths(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
) -> Result<Json<Vec<PathSummary>>, ApiError> {
    await_position(&s, &headers, ressources::NAME).await?;
    Ok(Json(queries::learning_paths(s.backend.read_models.as_ref(), &actor).await?))
}

/// `GET /api/v1/learning-paths/{path}/progress`.
pub async fn progress(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(path): ApiPath<Uuid>,
) -> Result<Json<ClassProgress>, ApiError> {
    await_position(&s, &headers, ressources::NAME).await?;
    Ok(Json(queries::path_progress(s.backend.read_models.as_ref(), &actor, path).await?))
}

/// The ressources service's routes.
pub fn routes() -> ServiceRoutes {
    let read = |r: Route| r.min_position().errors(&[403, 404, 503]);
    ServiceRoutes::new(
        "ressources",
        Some(Service::Ressources),
        vec![
            read(
                Route::get("/api/v1/resources", catalogue)
                    .summary("The catalogue of the caller's structure as far as they see it, filtered, with French full-text search on titles and descriptions")
                    .query("subject", false, schema::uuid(), "only resources for this subject")
                    .query("level", false, schema::of::<Level>(), "only resources for this level")
                    .query("theme", false, schema::text(), "only resources of this theme (any case)")
                    .query("q", false, schema::text(), "words searched in titles and descriptions (\"évaluation\" finds \"evaluations\"); best matches first")
                    .errors(&[400])
                    .ok::<Vec<ResourceView>>("the resources, newest first (best matches first with q)"),
            ),
            read(
                Route::get("/api/v1/pupils/{pupil}/learning-paths", pupil_paths)
                    .summary("A pupil's learning paths with their progress (x of n steps, next step)")
                    .path_uuid("pupil", "the pupil")
                    .ok::<Vec<PupilPath>>("the paths, by due date"),
            ),
            read(
                Route::get("/api/v1/learning-paths", paths)
                    .summary("The learning paths a teacher runs (theirs and their classes'), every path of the structure for its staff")
                    .ok::<Vec<PathSummary>>("the paths, newest opening first"),
            ),
            read(
                Route::get("/api/v1/learning-paths/{path}/progress", progress)
                    .summary("The progress table of a learning path: its class's or group's pupils × its steps")
                    .path_uuid("path", "the learning path")
                    .ok::<ClassProgress>("the table"),
            ),
        ],
    )
}
