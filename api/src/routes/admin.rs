//! Projection administration for platform administrators (the rule lives in
//! `ent_projections::admin`).

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use ent_domain::usage::Service;
use ent_projections::admin::{self, ProjectionState, RebuildSummary};
use ent_projections::directory::cas::CasServiceDoc;

use super::spec::{Route, ServiceRoutes, schema};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::ApiPath;
use crate::state::AppState;

/// The routes of projection administration.
pub fn routes() -> ServiceRoutes {
    ServiceRoutes::new(
        "admin",
        Some(Service::Admin),
        vec![
            Route::get("/api/v1/admin/projections", list)
                .summary("Projection checkpoints and lag (platform admin)")
                .ok::<Vec<ProjectionState>>("every read model")
                .errors(&[403, 503]),
            Route::post("/api/v1/admin/projections/{name}/rebuild", rebuild)
                .summary("Rebuild a read model while the old one serves, then swap (platform admin)")
                .path("name", schema::one_of(&ent_projections::all().iter().map(|p| p.name()).collect::<Vec<_>>()), "the projection")
                .ok::<RebuildSummary>("the rebuild's report")
                .errors(&[400, 403, 404, 503]),
            Route::get("/api/v1/admin/cas-services", cas_services)
                .summary("The applications registered with the single sign-on (CAS), with what each is released (platform admin)")
                .min_position()
                .ok::<Vec<CasServiceDoc>>("every registration in force")
                .errors(&[403, 503]),
        ],
    )
}

/// `GET /api/v1/admin/projections`: each projection's checkpoint and lag.
pub async fn list(State(s): State<AppState>, Authenticated(actor): Authenticated) -> Result<Json<Vec<ProjectionState>>, ApiError> {
    Ok(Json(admin::projections(s.backend.feed.as_ref(), s.backend.read_models.as_ref(), &actor).await?))
}

/// `POST /api/v1/admin/projections/{name}/rebuild`: rebuilds while the old copy keeps serving.
pub async fn rebuild(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiPath(name): ApiPath<String>,
) -> Result<Json<RebuildSummary>, ApiError> {
    Ok(Json(admin::rebuild(s.backend.feed.as_ref(), s.backend.read_models.as_ref(), &actor, &name).await?))
}

/// `GET /api/v1/admin/cas-services`: the CAS service registry.
pub async fn cas_services(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
) -> Result<Json<Vec<CasServiceDoc>>, ApiError> {
    super::await_position(&s, &headers, ent_projections::directory::NAME).await?;
    Ok(Json(ent_projections::directory::cas::cas_services(s.backend.read_models.as_ref(), &actor).await?))
}
