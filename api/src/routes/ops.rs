//! Operations endpoints: health, readiness, metrics, OpenAPI document.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use ent_projections::status::ProjectionStatus;
use serde::Serialize;
use serde_json::Value;

use super::spec::{Route, ServiceRoutes, text_schema};
use crate::error::ApiError;
use crate::state::AppState;

/// The operations routes (no credentials; counted for no service).
pub fn routes() -> ServiceRoutes {
    ServiceRoutes::new(
        "operations",
        None,
        vec![
            Route::get("/health", health).public().summary("Liveness: the process answers").ok::<Health>("alive"),
            Route::get("/ready", ready)
                .public()
                .summary("Readiness: the event store answers and every projection has started")
                .ok::<Readiness>("ready")
                .errors(&[503]),
            Route::get("/metrics", metrics)
                .public()
                .summary("Prometheus metrics (text exposition format)")
                .answer(200, "the metrics", "text/plain", text_schema)
                .errors(&[503]),
            Route::get("/api/openapi.json", openapi).public().summary("This OpenAPI 3.1 document").ok::<Value>("the document"),
        ],
    )
}

/// `GET /health`.
#[derive(Serialize, schemars::JsonSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: &'static str,
}

/// `GET /ready`.
#[derive(Serialize, schemars::JsonSchema)]
pub struct Readiness {
    /// Always `ready` (otherwise the answer is a 503 problem).
    pub status: &'static str,
    /// The last position of the log.
    pub head: u64,
    pub projections: Vec<ProjectionStatus>,
}

/// How long readiness waits for the event store.
const READY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// Liveness: the process answers.
pub async fn health() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// Readiness: the store answers and every projection has started.
pub async fn ready(State(s): State<AppState>) -> Result<Json<Readiness>, ApiError> {
    // A database that does not answer is as unready as one that refuses: answer within 2 s.
    let head = tokio::time::timeout(READY_TIMEOUT, s.backend.events.head())
        .await
        .map_err(|_| ApiError::Unavailable(format!("event store: no answer within {} s", READY_TIMEOUT.as_secs())))?
        .map_err(|e| ApiError::Unavailable(format!("event store: {e}")))?;
    let projections = s.status.snapshot();
    let expected = ent_projections::all().len();
    if projections.len() < expected {
        return Err(ApiError::Unavailable("projections are starting".into()));
    }
    Ok(Json(Readiness { status: "ready", head, projections }))
}

/// Prometheus text format.
pub async fn metrics(State(s): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let head = s.backend.events.head().await?;
    let mut body = s.metrics.render(head, &s.status.snapshot());
    if let Some(p) = &s.publisher {
        body.push_str(&crate::metrics::render_publisher(p));
    }
    body.push_str(&crate::metrics::render_usage(s.usage.pending_cells()));
    body.push_str(&crate::metrics::render_availability(&s.backend.availability.snapshot()));
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body))
}

/// The OpenAPI 3.1 document.
pub async fn openapi() -> Json<Value> {
    Json(crate::openapi::document().clone())
}
