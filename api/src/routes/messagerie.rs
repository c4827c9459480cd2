//! Messagerie queries (the caller's own mailbox, folders, messages, threads, search, mailing
//! lists) and the communication rules of a structure for its ADML. Commands go through
//! `POST /api/v1/commands`.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use ent_projections::communication::{self, EffectiveRules};
use ent_projections::messagerie::{self, EntryDoc, FolderPage, MailboxView, MailingListDoc, MessageView, queries};
use serde::Deserialize;
use uuid::Uuid;

use super::await_position;
use super::spec::{Route, ServiceRoutes, schema};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use ent_domain::usage::Service;

/// `GET /api/v1/messagerie/mailbox`.
pub async fn mailbox(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
) -> Result<Json<MailboxView>, ApiError> {
    await_position(&s, &headers, messagerie::NAME).await?;
    Ok(Json(queries::mailbox(s.backend.read_models.as_ref(), &actor).await?))
}

#[derive(Deserialize)]
pub struct PageParams {
    #[serde(default)]
    before: Option<String>,
    #[serde(default)]
    limit: Option<String>,
}

fn number(field: &str, raw: Option<&str>) -> Result<Option<u64>, ApiError> {
    raw.map(|r| r.parse::<u64>().map_err(|_| ApiError::bad_field(field, "expected a non-negative integer"))).transpose()
}

/// `GET /api/v1/messagerie/folders/{folder}?before=&limit=`.
pub async fn folder(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(folder): ApiPath<String>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Json<FolderPage>, ApiError> {
    let before = number("before", params.before.as_deref())?;
    let limit = number("limit", params.limit.as_deref())?.unwrap_or(50);
    await_position(&s, &headers, messagerie::NAME).await?;
    let limit = usize::try_from(limit).unwrap_or(queries::MAX_LIMIT);
    Ok(Json(queries::folder(s.backend.read_models.as_ref(), &actor, &folder, before, limit).await?))
}

/// `GET /api/v1/messagerie/messages/{id}`.
pub async fn message(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<MessageView>, ApiError> {
    await_position(&s, &headers, messagerie::NAME).await?;
    Ok(Json(queries::message(s.backend.read_models.as_ref(), &actor, id).await?))
}

/// `GET /api/v1/messagerie/messages/{id}/thread`.
pub async fn thread(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<MessageView>>, ApiError> {
    await_position(&s, &headers, messagerie::NAME).await?;
    Ok(Json(queries::thread(s.backend.read_models.as_ref(), &actor, id).await?))
}

#[derive(Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    q: Option<String>,
}

/// `GET /api/v1/messagerie/search?q=`.
pub async fn search(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Json<Vec<EntryDoc>>, ApiError> {
    let q = params.q.filter(|q| !q.trim().is_empty()).ok_or_else(|| ApiError::bad_field("q", "words to search for"))?;
    if q.chars().count() > 200 {
        return Err(ApiError::bad_field("q", "at most 200 characters"));
    }
    await_position(&s, &headers, messagerie::NAME).await?;
    Ok(Json(queries::search(s.backend.read_models.as_ref(), &actor, &q).await?))
}

/// `GET /api/v1/messagerie/lists`.
pub async fn lists(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
) -> Result<Json<Vec<MailingListDoc>>, ApiError> {
    await_position(&s, &headers, messagerie::NAME).await?;
    Ok(Json(queries::lists(s.backend.read_models.as_ref(), &actor).await?))
}

/// `GET /api/v1/structures/{uai}/communication-rules`.
pub async fn rules(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(uai): ApiPath<String>,
) -> Result<Json<EffectiveRules>, ApiError> {
    await_position(&s, &headers, communication::NAME).await?;
    Ok(Json(communication::effective_rules(s.backend.read_models.as_ref(), &actor, &uai).await?))
}

/// The messagerie's routes.
pub fn routes() -> ServiceRoutes {
    let read = |r: Route| r.min_position().errors(&[403, 404, 503]);
    ServiceRoutes::new(
        "messagerie",
        Some(Service::Messagerie),
        vec![
            read(
                Route::get("/api/v1/messagerie/mailbox", mailbox)
                    .summary("The caller's mailbox: inbox, sent, their folders and trash with their counts, drafts")
                    .ok::<MailboxView>("the mailbox"),
            ),
            read(
                Route::get("/api/v1/messagerie/folders/{folder}", folder)
                    .summary("A page of one of the caller's folders, newest first")
                    .path("folder", schema::text(), "`inbox`, `sent`, `trash` or the id of one of the caller's folders")
                    .query("before", false, schema::position(), "continue before this entry (the `before` of the previous page)")
                    .query("limit", false, schema::position(), "most entries answered (default 50, at most 200)")
                    .errors(&[400])
                    .ok::<FolderPage>("the page"),
            ),
            read(
                Route::get("/api/v1/messagerie/messages/{id}", message)
                    .summary("A message the caller sent or received, with names")
                    .path_uuid("id", "the message")
                    .ok::<MessageView>("the message"),
            ),
            read(
                Route::get("/api/v1/messagerie/messages/{id}/thread", thread)
                    .summary("The messages of a message's thread the caller has, oldest first")
                    .path_uuid("id", "a message of the thread")
                    .ok::<Vec<MessageView>>("the thread"),
            ),
            read(
                Route::get("/api/v1/messagerie/search", search)
                    .summary("The caller's messages whose subject or body match (French full text), newest first")
                    .query("q", true, schema::text(), "the words to find")
                    .errors(&[400])
                    .ok::<Vec<EntryDoc>>("the matching entries"),
            ),
            read(
                Route::get("/api/v1/messagerie/lists", lists)
                    .summary("The mailing lists of the caller's structure")
                    .ok::<Vec<MailingListDoc>>("the lists"),
            ),
            read(
                Route::get("/api/v1/structures/{uai}/communication-rules", rules)
                    .summary("The effective communication rules of a structure: defaults, precedence, the ADML's overrides")
                    .path("uai", schema::uai(), "the structure's UAI")
                    .ok::<EffectiveRules>("the rules"),
            ),
        ],
    )
}
