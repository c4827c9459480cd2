//! The "Discussions" pages: the rooms the visitor is a member of, and a room with its latest
//! messages and a form to post (POST, then redirect: it works without JavaScript); the small
//! script `static/chat.js` adds the room's new messages as they arrive over the room's
//! WebSocket (authenticated by the session cookie from the portal's own origin).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ent_projections::chat::{self, queries};
use serde_json::json;

use super::assets::chat_js_href;
use super::family::After;
use super::forms::{self, FormData, Rejected, message_for};
use super::page::{PortalError, Shell, parse_id, render};
use super::session::{SignedIn, command_id};
use crate::state::AppState;

/// Messages shown on a room's page.
const SHOWN: usize = 50;

pub struct RoomLine {
    pub href: String,
    pub title: String,
    pub kind: &'static str,
    pub detail: String,
}

pub struct MessageLine {
    pub author: String,
    pub at: String,
    pub body: String,
}

#[derive(Template)]
#[template(path = "chat_rooms.html")]
struct RoomsPage {
    shell: Shell,
    rooms: Vec<RoomLine>,
}

#[derive(Template)]
#[template(path = "chat_room.html")]
struct RoomPage {
    shell: Shell,
    csrf: String,
    title: String,
    members: String,
    messages: Vec<MessageLine>,
    action: String,
    live: String,
    command_id: String,
    body: String,
    error: Option<String>,
    js: &'static str,
}

fn kind_label(kind: ent_domain::chat::events::RoomKind) -> &'static str {
    use ent_domain::chat::events::RoomKind;
    match kind {
        RoomKind::Class => "Classe",
        RoomKind::Group => "Groupe",
        RoomKind::AdHoc => "Conversation",
    }
}

/// `GET /discussions`.
pub async fn rooms(State(state): State<AppState>, who: SignedIn, Query(q): Query<After>) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &[chat::NAME]).await;
    let rooms = queries::my_rooms(state.backend.read_models.as_ref(), &who.actor).await?;
    let rooms = rooms
        .into_iter()
        .map(|r| RoomLine {
            href: format!("/discussions/{}", r.room_id),
            title: r.title,
            kind: kind_label(r.kind),
            detail: match r.messages {
                0 => "aucun message".to_string(),
                1 => "1 message".to_string(),
                n => format!("{n} messages"),
            },
        })
        .collect();
    let structure = who.structure_name.clone();
    Ok(render(&RoomsPage { shell: who.shell("Discussions", structure), rooms }))
}

async fn room_page(state: &AppState, who: &SignedIn, room: &str, typed: Option<(String, String)>) -> Result<Response, PortalError> {
    let room = parse_id(room)?;
    let page = queries::messages(state.backend.read_models.as_ref(), &who.actor, room, None, SHOWN).await?;
    let members = page.room.members.iter().filter_map(|m| m.name.clone()).collect::<Vec<_>>().join(", ");
    let messages = page
        .messages
        .into_iter()
        .map(|m| MessageLine {
            author: m.author_name.unwrap_or_else(|| "?".into()),
            at: m.at.with_timezone(&chrono_tz::Europe::Paris).format("%d/%m %H:%M").to_string(),
            body: m.body,
        })
        .collect();
    let (body, error, status) = match typed {
        Some((body, error)) => (body, Some(error), StatusCode::UNPROCESSABLE_ENTITY),
        None => (String::new(), None, StatusCode::OK),
    };
    let mut response = render(&RoomPage {
        shell: who.shell(page.room.title.clone(), who.structure_name.clone()),
        csrf: who.csrf.clone(),
        title: page.room.title,
        members,
        messages,
        action: format!("/discussions/{room}"),
        live: format!("/api/v1/chat/rooms/{room}/live"),
        command_id: command_id().to_string(),
        body,
        error,
        js: chat_js_href(),
    });
    *response.status_mut() = status;
    Ok(response)
}

/// `GET /discussions/{room}`.
pub async fn room(
    State(state): State<AppState>,
    who: SignedIn,
    Path(room): Path<String>,
    Query(q): Query<After>,
) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &[chat::NAME]).await;
    room_page(&state, &who, &room, None).await
}

/// `POST /discussions/{room}`: `PostChatMessage`.
pub async fn post(
    State(state): State<AppState>,
    who: SignedIn,
    Path(room): Path<String>,
    Form(fields): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = FormData(fields);
    let room_id = parse_id(&room)?;
    let body = form.get("body").unwrap_or_default().to_string();
    match forms::run(&state, &who, &form, "PostChatMessage", json!({"room": room_id, "body": body})).await {
        Ok(position) => Ok(forms::see_other(&format!("/discussions/{room_id}"), position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, fields }) => {
            let error = message_for(&fields, "body").unwrap_or(message);
            room_page(&state, &who, &room, Some((body, error))).await
        }
    }
}
