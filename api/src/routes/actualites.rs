//! News queries: the caller's feed (at the current time, or at another for the staff), one
//! item, a structure's items for its staff.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use ent_domain::usage::Service;
use ent_projections::actualites::{self, NewsDoc, queries};
use serde::Deserialize;
use uuid::Uuid;

use super::await_position;
use super::spec::{Route, ServiceRoutes, schema};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct AtParam {
    #[serde(default)]
    at: Option<String>,
}

/// `GET /api/v1/news/feed?at=` (`at`: staff only).
pub async fn feed(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<AtParam>,
) -> Result<Json<Vec<NewsDoc>>, ApiError> {
    let at = match params.at.as_deref() {
        Some(raw) => Some(raw.parse::<DateTime<Utc>>().map_err(|_| ApiError::bad_field("at", "expected an RFC 3339 date and time"))?),
        None => None,
    };
    await_position(&s, &headers, actualites::NAME).await?;
    let store = s.backend.read_models.as_ref();
    Ok(Json(match at {
        Some(at) => queries::feed_at(store, &actor, at).await?,
        None => queries::feed(store, &actor, Utc::now()).await?,
    }))
}

/// `GET /api/v1/news/items/{news}`.
pub async fn item(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(news): ApiPath<Uuid>,
) -> Result<Json<NewsDoc>, ApiError> {
    await_position(&s, &headers, actualites::NAME).await?;
    Ok(Json(queries::news(s.backend.read_models.as_ref(), &actor, news, Utc::now()).await?))
}

/// `GET /api/v1/structures/{uai}/news`.
pub async fn of_structure(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(uai): ApiPath<String>,
) -> Result<Json<Vec<NewsDoc>>, ApiError> {
    await_position(&s, &headers, actualites::NAME).await?;
    Ok(Json(queries::structure_news(s.backend.read_models.as_ref(), &actor, &uai).await?))
}

/// The news' routes.
pub fn routes() -> ServiceRoutes {
    let read = |r: Route| r.min_position().errors(&[403, 404, 503]);
    ServiceRoutes::new(
        "actualites",
        Some(Service::Actualites),
        vec![
            read(
                Route::get("/api/v1/news/feed", feed)
                    .summary("The caller's news feed: the items addressed to them whose window holds the time, pinned first, newest first")
                    .query("at", false, schema::date_time(), "read the feed at this time instead of now (staff of the structure only)")
                    .errors(&[400])
                    .ok::<Vec<NewsDoc>>("the items"),
            ),
            read(
                Route::get("/api/v1/news/items/{news}", item)
                    .summary("One news item: for the staff of its structure, or a reader whose feed holds it now")
                    .path_uuid("news", "the item")
                    .ok::<NewsDoc>("the item"),
            ),
            read(
                Route::get("/api/v1/structures/{uai}/news", of_structure)
                    .summary("Every news item of a structure, scheduled, current, past or withdrawn (its staff)")
                    .path("uai", schema::uai(), "the structure's UAI")
                    .ok::<Vec<NewsDoc>>("the items, latest start first"),
            ),
        ],
    )
}
