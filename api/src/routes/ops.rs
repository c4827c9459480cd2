//! Operations endpoints: health, readiness, metrics, OpenAPI document.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::state::AppState;

/// Liveness: the process answers.
pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// Readiness: the store answers and every projection has started.
pub async fn ready(State(s): State<AppState>) -> Result<Json<Value>, ApiError> {
    let head = s.backend.events.head().await.map_err(|e| ApiError::Unavailable(format!("event store: {e}")))?;
    let statuses = s.status.snapshot();
    let expected = ent_projections::all().len();
    if statuses.len() < expected {
        return Err(ApiError::Unavailable("projections are starting".into()));
    }
    Ok(Json(json!({ "status": "ready", "head": head, "projections": statuses })))
}

/// Prometheus text format.
pub async fn metrics(State(s): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let head = s.backend.events.head().await?;
    let mut body = s.metrics.render(head, &s.status.snapshot());
    if let Some(p) = &s.publisher {
        body.push_str(&crate::metrics::render_publisher(p));
    }
    body.push_str(&crate::metrics::render_usage(s.usage.pending_cells()));
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body))
}

/// The OpenAPI 3.1 document.
pub async fn openapi() -> Json<Value> {
    Json(crate::openapi::document())
}
