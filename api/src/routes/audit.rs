//! The audit trail for platform administrators: the global log and single streams (the rule
//! lives in `ent_projections::admin`).

use axum::Json;
use axum::extract::State;
use ent_domain::RecordedEvent;
use ent_domain::usage::Service;
use ent_projections::admin::{self, MAX_LOG_PAGE};
use serde::Deserialize;

use super::spec::{Route, ServiceRoutes, schema};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;

/// The audit trail's routes.
pub fn routes() -> ServiceRoutes {
    ServiceRoutes::new(
        "audit",
        Some(Service::Admin),
        vec![
            Route::get("/api/v1/events", events)
                .summary("Audit: the global log after a position, in order (platform admin)")
                .query("after", false, schema::position(), "events after this position (default 0)")
                .query(
                    "limit",
                    false,
                    serde_json::json!({"type": "integer", "minimum": 1, "maximum": MAX_LOG_PAGE}),
                    "at most this many (default 100)",
                )
                .ok::<Vec<RecordedEvent>>("the events")
                .errors(&[400, 403, 503]),
            Route::get("/api/v1/streams/{*stream}", stream)
                .summary("Audit: every event of one stream, e.g. `0751234A/user/<id>` (platform admin)")
                .path("stream", schema::text(), "the stream name (may contain `/`)")
                .ok::<Vec<RecordedEvent>>("the events, by version")
                .errors(&[403, 404, 503]),
        ],
    )
}

#[derive(Deserialize)]
pub struct Page {
    #[serde(default)]
    after: Option<String>,
    #[serde(default)]
    limit: Option<String>,
}

fn number(field: &str, raw: Option<&String>, default: u64) -> Result<u64, ApiError> {
    match raw {
        None => Ok(default),
        Some(s) => s.parse().map_err(|_| ApiError::bad_field(field, "expected a non-negative integer")),
    }
}

/// `GET /api/v1/events?after=P&limit=N`: events after position P, in order.
pub async fn events(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Json<Vec<RecordedEvent>>, ApiError> {
    let after = number("after", page.after.as_ref(), 0)?;
    let limit = number("limit", page.limit.as_ref(), 100)?;
    if limit == 0 || limit as usize > MAX_LOG_PAGE {
        return Err(ApiError::bad_field("limit", format!("between 1 and {MAX_LOG_PAGE}")));
    }
    Ok(Json(admin::log(s.backend.feed.as_ref(), &actor, after, limit as usize).await?))
}

/// `GET /api/v1/streams/{stream}`: every event of one stream.
pub async fn stream(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiPath(stream): ApiPath<String>,
) -> Result<Json<Vec<RecordedEvent>>, ApiError> {
    Ok(Json(admin::stream(s.backend.feed.as_ref(), &actor, &stream).await?))
}
