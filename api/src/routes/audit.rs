//! The audit trail for platform administrators: the global log and single streams.

use axum::Json;
use axum::extract::{Path, Query, State};
use ent_domain::{Actor, RecordedEvent};
use serde::Deserialize;

use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::state::AppState;

/// Most events one page of `GET /api/v1/events` returns.
const MAX_PAGE: usize = 1_000;

#[derive(Deserialize)]
pub struct Page {
    #[serde(default)]
    after: Option<String>,
    #[serde(default)]
    limit: Option<String>,
}

fn require_platform_admin(actor: &Actor) -> Result<(), ApiError> {
    if actor.is_platform_admin() { Ok(()) } else { Err(ApiError::Forbidden("the audit trail is for platform administrators".into())) }
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
    Query(page): Query<Page>,
) -> Result<Json<Vec<RecordedEvent>>, ApiError> {
    require_platform_admin(&actor)?;
    let after = number("after", page.after.as_ref(), 0)?;
    let limit = number("limit", page.limit.as_ref(), 100)?;
    if limit == 0 || limit as usize > MAX_PAGE {
        return Err(ApiError::bad_field("limit", format!("between 1 and {MAX_PAGE}")));
    }
    Ok(Json(s.backend.events.read_all(after, limit as usize).await?))
}

/// `GET /api/v1/streams/{stream}`: every event of one stream.
pub async fn stream(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(stream): Path<String>,
) -> Result<Json<Vec<RecordedEvent>>, ApiError> {
    require_platform_admin(&actor)?;
    let events = s.backend.events.read_stream(&stream).await?;
    if events.is_empty() {
        return Err(ApiError::NotFound(format!("stream {stream} not found")));
    }
    Ok(Json(events))
}
