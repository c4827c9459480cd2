//! Cahier de textes queries: a class's cahier in a subject, a pupil's homework to do, a
//! teacher's cahiers, the history of an entry.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use chrono::NaiveDate;
use ent_projections::cahier_de_textes::{self, CahierDoc, EntryVersion, HomeworkEntry, queries};
use serde::Deserialize;
use uuid::Uuid;

use super::await_position;
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::state::AppState;

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
    Path((class_or_group, subject)): Path<(Uuid, Uuid)>,
) -> Result<Json<CahierDoc>, ApiError> {
    await_position(&s, &headers, cahier_de_textes::NAME).await?;
    Ok(Json(queries::cahier(s.backend.read_models.as_ref(), &actor, class_or_group, subject).await?))
}

/// `GET /api/v1/pupils/{pupil}/homework?from=YYYY-MM-DD` (default today).
pub async fn homework(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    Path(pupil): Path<Uuid>,
    Query(params): Query<FromParam>,
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
    Path(teacher): Path<Uuid>,
) -> Result<Json<Vec<CahierDoc>>, ApiError> {
    await_position(&s, &headers, cahier_de_textes::NAME).await?;
    Ok(Json(queries::teacher_cahiers(s.backend.read_models.as_ref(), &actor, teacher).await?))
}

/// `GET /api/v1/cahier/entries/{id}/history`.
pub async fn history(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<EntryVersion>>, ApiError> {
    await_position(&s, &headers, cahier_de_textes::NAME).await?;
    Ok(Json(queries::entry_history(s.backend.feed.as_ref(), s.backend.read_models.as_ref(), &actor, id).await?))
}
