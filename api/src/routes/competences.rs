//! Livret de compétences queries: a pupil's booklet (`{pupil}.json` for the export) and a
//! class's overview of a framework.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use ent_projections::competences::{self, ClassOverview, queries};
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
pub struct OverviewParams {
    #[serde(default)]
    framework: Option<String>,
    #[serde(default)]
    period: Option<String>,
}

/// `GET /api/v1/booklets/{pupil}`, and `GET /api/v1/booklets/{pupil}.json` for the export.
pub async fn booklet(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(pupil): ApiPath<String>,
) -> Result<Response, ApiError> {
    let (raw, export) = match pupil.strip_suffix(".json") {
        Some(p) => (p, true),
        None => (pupil.as_str(), false),
    };
    let pupil = Uuid::parse_str(raw).map_err(|_| ApiError::bad_field("pupil", "expected a UUID"))?;
    await_position(&s, &headers, competences::NAME).await?;
    let store = s.backend.read_models.as_ref();
    Ok(if export {
        Json(queries::export(store, &actor, pupil).await?).into_response()
    } else {
        Json(queries::booklet(store, &actor, pupil).await?).into_response()
    })
}

/// `GET /api/v1/classes/{id}/competencies?framework=b2i&period=…`.
pub async fn class_overview(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(class): ApiPath<Uuid>,
    ApiQuery(params): ApiQuery<OverviewParams>,
) -> Result<Json<ClassOverview>, ApiError> {
    let framework = params.framework.as_deref().ok_or_else(|| ApiError::bad_field("framework", "required, e.g. socle, b2i, pix"))?;
    let period =
        params.period.as_deref().map(|p| Uuid::parse_str(p).map_err(|_| ApiError::bad_field("period", "expected a UUID"))).transpose()?;
    await_position(&s, &headers, competences::NAME).await?;
    Ok(Json(queries::class_overview(s.backend.read_models.as_ref(), &actor, class, framework, period).await?))
}

/// The livret de compétences' routes.
pub fn routes() -> ServiceRoutes {
    let read = |r: Route| r.min_position().errors(&[400, 403, 404, 503]);
    ServiceRoutes::new(
        "competences",
        Some(Service::Competences),
        vec![
            read(
                Route::get("/api/v1/booklets/{pupil}", booklet)
                    .summary("A pupil's competency booklet; `{pupil}.json` is the versioned export (docs/exports.md)")
                    .path_uuid("pupil", "the pupil; `<pupil>.json` for the export")
                    .answer(200, "the booklet; with `.json`, the export", "application/json", booklet_or_export),
            ),
            read(
                Route::get("/api/v1/classes/{id}/competencies", class_overview)
                    .summary("A class's overview of a framework, item by item")
                    .path_uuid("id", "the class or group")
                    .query("framework", true, schema::text(), "the framework: socle, b2i, pix or one the structure defined")
                    .query("period", false, schema::uuid(), "only assessments of this period")
                    .ok::<ClassOverview>("the overview"),
            ),
        ],
    )
}

/// The booklet, or its export for a `.json` path.
fn booklet_or_export(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let (booklet, export) = (g.subschema_for::<competences::CompetencyBooklet>(), g.subschema_for::<competences::BookletExport>());
    schemars::json_schema!({"anyOf": [booklet, export]})
}
