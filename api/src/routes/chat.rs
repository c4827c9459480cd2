//! Chat: the reader's rooms, a room's history paged by position, and the live WebSocket of a
//! room (docs/domain.md, "Chat").

use axum::Json;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use ent_domain::Actor;
use ent_domain::usage::Service;
use ent_projections::chat::{self, MessagesPage, RoomSummary, queries};
use serde::Deserialize;
use uuid::Uuid;

use super::await_position;
use super::spec::{Route, ServiceRoutes, schema};
use crate::auth::{Authenticated, authenticate_token};
use crate::chat_live::{Outgoing, Registration};
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct HistoryParams {
    #[serde(default)]
    before: Option<String>,
    #[serde(default)]
    limit: Option<String>,
}

/// `GET /api/v1/chat/rooms`.
pub async fn rooms(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
) -> Result<Json<Vec<RoomSummary>>, ApiError> {
    await_position(&s, &headers, chat::NAME).await?;
    Ok(Json(queries::my_rooms(s.backend.read_models.as_ref(), &actor).await?))
}

/// `GET /api/v1/chat/rooms/{room}/messages?before=&limit=`.
pub async fn messages(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(room): ApiPath<Uuid>,
    ApiQuery(params): ApiQuery<HistoryParams>,
) -> Result<Json<MessagesPage>, ApiError> {
    let before = match params.before.as_deref() {
        Some(raw) => Some(raw.parse::<u64>().map_err(|_| ApiError::bad_field("before", "expected a position (a whole number)"))?),
        None => None,
    };
    let limit = match params.limit.as_deref() {
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=queries::MAX_LIMIT).contains(&n) => n,
            _ => return Err(ApiError::bad_field("limit", format!("expected 1 to {}", queries::MAX_LIMIT))),
        },
        None => 50,
    };
    await_position(&s, &headers, chat::NAME).await?;
    Ok(Json(queries::messages(s.backend.read_models.as_ref(), &actor, room, before, limit).await?))
}

/// The actor of a live connection: a bearer token in `Authorization`, or the portal's session
/// cookie when the request comes from the portal's own origin (a WebSocket is not bound by the
/// same-origin policy, so a cookie from another site's page is refused).
async fn live_actor(headers: &HeaderMap, s: &AppState) -> Result<Actor, ApiError> {
    if let Some(h) = headers.get(header::AUTHORIZATION).and_then(|h| h.to_str().ok()) {
        let token = h.strip_prefix("Bearer ").ok_or_else(|| ApiError::Unauthorized("expected a Bearer token".into()))?;
        return Ok(authenticate_token(s, token.trim()).await?.0);
    }
    let token = crate::portal::session::cookie(headers, crate::portal::session::SESSION_COOKIE)
        .ok_or_else(|| ApiError::Unauthorized("missing Authorization: Bearer token".into()))?;
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|h| h.to_str().ok());
    let same_origin = match (origin, host) {
        (Some(o), Some(h)) => o.split_once("://").is_some_and(|(_, rest)| rest == h),
        _ => false,
    };
    if !same_origin {
        return Err(ApiError::Unauthorized("a session cookie is accepted from the portal's own pages only".into()));
    }
    Ok(authenticate_token(s, &token).await?.0)
}

/// The WebSocket upgrade, or a 400 naming what is missing.
pub struct Upgrade(Result<WebSocketUpgrade, String>);

impl FromRequestParts<AppState> for Upgrade {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Upgrade(WebSocketUpgrade::from_request_parts(parts, state).await.map_err(|e| e.body_text())))
    }
}

/// `GET /api/v1/chat/rooms/{room}/live`: a WebSocket receiving the room's new messages as
/// `{"type": "message", "message": {...}}` text frames, after a first `{"type": "ready"}`. The
/// caller must be a member of the room (checked on connect, then on every delivery).
pub async fn live(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiPath(room): ApiPath<Uuid>,
    Upgrade(upgrade): Upgrade,
) -> Result<Response, ApiError> {
    let actor = live_actor(&headers, &s).await?;
    let (opened, group_members) = queries::live_room(s.backend.read_models.as_ref(), &actor, room).await?;
    let upgrade = upgrade.map_err(|why| ApiError::bad_field("upgrade", format!("expected a WebSocket upgrade: {why}")))?;
    let Some(user) = actor.user().cloned() else { return Err(ApiError::Query(ent_projections::QueryError::not_found("room"))) };
    let registration = s.chat.register(user.clone(), opened, group_members);
    // Events of the user's stream between the load above and the registration: read again.
    let hub = s.chat.clone();
    let events = s.backend.events.clone();
    Ok(upgrade
        .on_upgrade(move |socket| async move {
            match ent_commands::actors::load_actor(events.as_ref(), user.user_id).await {
                Ok(actor) => hub.refresh_user(user.user_id, actor.as_ref().and_then(|a| a.user())),
                Err(e) => tracing::warn!(error = %e, "chat: cannot reload the user of a new connection"),
            }
            serve_socket(socket, registration).await;
        })
        .into_response())
}

async fn serve_socket(mut socket: WebSocket, mut registration: Registration) {
    if socket.send(Message::Text(r#"{"type":"ready"}"#.into())).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            out = registration.rx.recv() => match out {
                Some(Outgoing::Text(text)) => {
                    if socket.send(Message::Text(text.as_ref().into())).await.is_err() {
                        return;
                    }
                }
                Some(Outgoing::Close(reason)) => {
                    let frame = axum::extract::ws::CloseFrame { code: 4403, reason: reason.into() };
                    let _ = socket.send(Message::Close(Some(frame))).await;
                    return;
                }
                None => return,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                // Posting goes through the commands; anything else the client sends is ignored.
                Some(Ok(_)) => {}
            },
        }
    }
}

/// The chat's routes.
pub fn routes() -> ServiceRoutes {
    ServiceRoutes::new(
        "chat",
        Some(Service::Chat),
        vec![
            Route::get("/api/v1/chat/rooms", rooms)
                .summary("The rooms the caller is a member of, the latest active first")
                .min_position()
                .errors(&[403, 503])
                .ok::<Vec<RoomSummary>>("the rooms"),
            Route::get("/api/v1/chat/rooms/{room}/messages", messages)
                .summary("A page of a room's messages, oldest first, the latest before `before`")
                .path_uuid("room", "the room")
                .query("before", false, schema::position(), "only messages at positions before this one (the `next_before` of the previous page)")
                .query("limit", false, serde_json::json!({"type": "integer", "minimum": 1, "maximum": 100}), "most messages (default 50)")
                .min_position()
                .errors(&[400, 404, 503])
                .ok::<MessagesPage>("the messages and the room"),
            Route::get("/api/v1/chat/rooms/{room}/live", live)
                .summary("WebSocket of a room's new messages (members only, checked on connect and on every delivery); a bearer token, or the portal's session cookie from its own origin")
                .path_uuid("room", "the room")
                .empty(101, "switching to the WebSocket protocol")
                .errors(&[400, 404, 503]),
        ],
    )
}
