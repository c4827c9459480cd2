//! Projection administration for platform administrators.

use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use serde_json::{Value, json};

use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Serialize)]
pub struct RebuildResponse {
    pub projection: String,
    pub generation: u32,
    pub events: u64,
    pub seconds: f64,
    pub events_per_second: f64,
}

/// `GET /api/v1/admin/projections`: each projection's checkpoint and lag.
pub async fn list(State(s): State<AppState>, Authenticated(actor): Authenticated) -> Result<Json<Value>, ApiError> {
    if !actor.is_platform_admin() {
        return Err(ApiError::Forbidden("projection administration is for platform administrators".into()));
    }
    let head = s.backend.events.head().await?;
    let rows = s.backend.read_models.checkpoints().await?;
    let list: Vec<Value> = ent_projections::all()
        .iter()
        .map(|p| {
            let row = rows.iter().find(|r| r.projection == p.name());
            let checkpoint = row.map_or(0, |r| r.position);
            json!({
                "name": p.name(),
                "description": p.description(),
                "generation": row.map(|r| r.generation),
                "checkpoint": checkpoint,
                "head": head,
                "lag_events": head.saturating_sub(checkpoint),
            })
        })
        .collect();
    Ok(Json(json!(list)))
}

/// `POST /api/v1/admin/projections/{name}/rebuild`: rebuilds while the old copy keeps serving.
pub async fn rebuild(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(name): Path<String>,
) -> Result<Json<RebuildResponse>, ApiError> {
    if !actor.is_platform_admin() {
        return Err(ApiError::Forbidden("projection administration is for platform administrators".into()));
    }
    let projection = ent_projections::by_name(&name).ok_or_else(|| ApiError::NotFound(format!("no projection named {name}")))?;
    let report = ent_projections::rebuild(s.backend.feed.as_ref(), s.backend.read_models.as_ref(), projection.as_ref(), |_, _| {}).await?;
    Ok(Json(RebuildResponse {
        projection: report.projection.clone(),
        generation: report.generation,
        events: report.events,
        seconds: report.elapsed.as_secs_f64(),
        events_per_second: report.events_per_second(),
    }))
}
