//! The messagerie in the portal: the mailbox (folders with their unread counts, a folder's
//! messages, search), a message with its thread and what to do with it (read / unread, move,
//! delete, reply), and the compose form whose recipient pickers offer the people, classes and
//! groups the communication rules allow. Same commands and queries as the API, in process.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ent_commands::context::CommandContext;
use ent_commands::envelope::ParsedCommand;
use ent_commands::{Command, CommandError};
use ent_domain::directory::Profile;
use ent_projections::messagerie::{self, EntryDoc, FolderView, MessageView, queries};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::forms::{self, FormData, Rejected};
use super::page::{PortalError, Shell, parse_id, render};
use super::session::{SignedIn, command_id};
use crate::state::AppState;

const READS: [&str; 1] = [messagerie::NAME];

/// One line of a folder or of search results.
pub struct Line {
    pub href: String,
    pub from: String,
    pub subject: String,
    pub at: String,
    pub unread: bool,
}

fn line(e: EntryDoc) -> Line {
    Line {
        href: format!("/messagerie/messages/{}", e.message),
        from: e.from_name.unwrap_or_else(|| "—".into()),
        subject: e.subject,
        at: e.at.format("%d/%m/%Y %H:%M").to_string(),
        unread: !e.read,
    }
}

#[derive(Template)]
#[template(path = "messagerie.html")]
struct MailboxPage {
    shell: Shell,
    folders: Vec<FolderView>,
    current: String,
    heading: String,
    query: String,
    lines: Vec<Line>,
}

#[derive(Deserialize)]
pub struct MailboxQuery {
    pub apres: Option<u64>,
    pub dossier: Option<String>,
    pub q: Option<String>,
}

/// `GET /messagerie?dossier=&q=`.
pub async fn mailbox(State(state): State<AppState>, who: SignedIn, Query(q): Query<MailboxQuery>) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &READS).await;
    let store = state.backend.read_models.as_ref();
    let mb = queries::mailbox(store, &who.actor).await?;
    let current = q.dossier.clone().unwrap_or_else(|| "inbox".into());
    let query = q.q.clone().unwrap_or_default();
    let (heading, lines) = if query.trim().is_empty() {
        let page = queries::folder(store, &who.actor, &current, None, 50).await?;
        let name = mb.folders.iter().find(|f| f.key == current).map_or_else(|| "Dossier".to_string(), |f| f.name.clone());
        (name, page.entries.into_iter().map(line).collect())
    } else {
        (format!("Recherche : {query}"), queries::search(store, &who.actor, &query).await?.into_iter().map(line).collect())
    };
    Ok(render(&MailboxPage {
        shell: who.shell("Messagerie", who.structure_name.clone()),
        folders: mb.folders,
        current,
        heading,
        query,
        lines,
    }))
}

#[derive(Template)]
#[template(path = "messagerie_message.html")]
struct MessagePage {
    shell: Shell,
    csrf: String,
    thread: Vec<Shown>,
    id: Uuid,
    read: bool,
    folders: Vec<FolderView>,
    reply_command: String,
    reply_subject: String,
    reply_to_sender: Uuid,
    action_command: String,
}

/// A message of a thread as shown.
pub struct Shown {
    pub from: String,
    pub to: String,
    pub subject: String,
    pub at: String,
    /// Sanitised when it was sent (ammonia): shown as HTML.
    pub body: String,
}

fn shown(m: &MessageView) -> Shown {
    let names = |people: &[ent_projections::messagerie::Person]| {
        people.iter().map(|p| p.name.clone().unwrap_or_else(|| "—".into())).collect::<Vec<_>>().join(", ")
    };
    Shown {
        from: m.from.name.clone().unwrap_or_else(|| "—".into()),
        to: names(&m.to),
        subject: m.subject.clone(),
        at: m.sent_at.format("%d/%m/%Y %H:%M").to_string(),
        body: m.body.clone(),
    }
}

#[derive(Deserialize)]
pub struct After {
    pub apres: Option<u64>,
}

/// `GET /messagerie/messages/{id}`: the message's thread.
pub async fn message(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<After>,
) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &READS).await;
    let id = parse_id(&id)?;
    let store = state.backend.read_models.as_ref();
    let m = queries::message(store, &who.actor, id).await?;
    let thread = queries::thread(store, &who.actor, id).await?;
    let mut shown_thread: Vec<Shown> = thread.iter().map(shown).collect();
    if shown_thread.is_empty() {
        shown_thread.push(shown(&m));
    }
    let folders = queries::mailbox(store, &who.actor).await?.folders.into_iter().filter(|f| f.key != "trash").collect();
    let subject = if m.subject.starts_with("Re:") { m.subject.clone() } else { format!("Re: {}", m.subject) };
    Ok(render(&MessagePage {
        shell: who.shell(m.subject.clone(), who.structure_name.clone()),
        csrf: who.csrf.clone(),
        thread: shown_thread,
        id,
        read: m.read,
        folders,
        reply_command: command_id().to_string(),
        reply_subject: subject,
        reply_to_sender: m.from.id,
        action_command: command_id().to_string(),
    }))
}

/// `POST /messagerie/messages/{id}`: mark read or unread, move, delete.
pub async fn act(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let id = parse_id(&id)?;
    let form = FormData(fields);
    let (command_type, payload) = match form.get("action").unwrap_or_default() {
        "lu" => ("MarkRead", json!({"message": id})),
        "non-lu" => ("MarkUnread", json!({"message": id})),
        "supprimer" => ("DeleteMessage", json!({"message": id})),
        "deplacer" => {
            let folder = form.get("dossier").filter(|f| *f != "inbox" && *f != "sent").map(parse_id).transpose()?;
            ("MoveToFolder", json!({"message": id, "folder": folder}))
        }
        _ => return Err(PortalError::NotFound),
    };
    match forms::run(&state, &who, &form, command_type, payload).await {
        Ok(position) => Ok(forms::see_other(&format!("/messagerie/messages/{id}"), position)),
        Err(Rejected::Page(e)) => Err(e),
        // Nothing to change (already read, already there): the page as it is.
        Err(Rejected::Invalid { .. }) => Ok(forms::see_other(&format!("/messagerie/messages/{id}"), 0)),
    }
}

/// A recipient that may be ticked.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "messagerie_compose.html")]
struct ComposePage {
    shell: Shell,
    csrf: String,
    command: String,
    groups: Vec<Choice>,
    people: Vec<Choice>,
    subject: String,
    body: String,
    reply_to: String,
    message: Option<String>,
    refused: Vec<String>,
}

#[derive(Deserialize)]
pub struct ComposeQuery {
    pub a: Option<String>,
}

async fn compose_page(
    state: &AppState,
    who: &SignedIn,
    ticked: &[String],
    typed: (&str, &str, &str),
    error: Option<(String, Vec<String>)>,
) -> Result<Response, PortalError> {
    let ctx = CommandContext {
        store: state.backend.events.as_ref(),
        cache: None,
        sealer: None,
        actor: &who.actor,
        command_id: Uuid::nil(),
        now: chrono::Utc::now(),
    };
    let allowed = ent_commands::communication::allowed_recipients(&ctx).await.map_err(|e| match e {
        CommandError::Forbidden(_) => PortalError::Forbidden,
        other => PortalError::Internal(other.to_string()),
    })?;
    let people = allowed
        .iter()
        .map(|u| {
            let value = format!("user:{}", u.user_id);
            Choice { checked: ticked.contains(&value), label: u.display_name(), value }
        })
        .collect();
    let mut groups = Vec::new();
    if matches!(who.profile(), Profile::Enseignant | Profile::Personnel) {
        let tree = ent_projections::directory::queries::structure_tree(state.backend.read_models.as_ref(), &who.actor, &who.card.structure)
            .await?;
        for c in tree.classes {
            let value = format!("class:{}", c.id);
            groups.push(Choice { checked: ticked.contains(&value), label: format!("Classe {}", c.code), value });
        }
        for g in tree.groups {
            let value = format!("group:{}", g.id);
            groups.push(Choice { checked: ticked.contains(&value), label: format!("Groupe {}", g.code), value });
        }
    }
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let (message, refused) = error.map_or((None, vec![]), |(m, r)| (Some(m), r));
    let mut response = render(&ComposePage {
        shell: who.shell("Nouveau message", who.structure_name.clone()),
        csrf: who.csrf.clone(),
        command: command_id().to_string(),
        groups,
        people,
        subject: typed.0.to_string(),
        body: typed.1.to_string(),
        reply_to: typed.2.to_string(),
        message,
        refused,
    });
    *response.status_mut() = status;
    Ok(response)
}

/// `GET /messagerie/nouveau?a=user:<id>`.
pub async fn compose(State(state): State<AppState>, who: SignedIn, Query(q): Query<ComposeQuery>) -> Result<Response, PortalError> {
    let ticked: Vec<String> = q.a.into_iter().collect();
    compose_page(&state, &who, &ticked, ("", "", ""), None).await
}

/// `POST /messagerie/nouveau`: `SendMessage` (a reply when `reply_to` is set).
pub async fn send(State(state): State<AppState>, who: SignedIn, body: String) -> Result<Response, PortalError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&body).map_err(|_| PortalError::Csrf)?;
    let ticked: Vec<String> = pairs.iter().filter(|(k, _)| k == "a").map(|(_, v)| v.clone()).collect();
    let form = FormData(pairs.into_iter().filter(|(k, _)| k != "a").collect());
    who.check_csrf(&state, form.get("_csrf"))?;
    let to: Vec<Value> = ticked
        .iter()
        .filter_map(|t| t.split_once(':'))
        .filter_map(|(kind, id)| Uuid::parse_str(id).ok().map(|id| json!({"kind": kind, "id": id})))
        .collect();
    let (subject, text, reply_to) =
        (form.get("subject").unwrap_or_default(), form.get("body").unwrap_or_default(), form.get("reply_to").unwrap_or_default());
    let reply: Option<Uuid> = Uuid::parse_str(reply_to).ok();
    // The body typed in the form is text: its paragraphs become HTML paragraphs (escaped).
    let html: String = text.split("\n\n").filter(|p| !p.trim().is_empty()).map(|p| format!("<p>{}</p>", escape_html(p.trim()))).collect();
    let payload = json!({"to": to, "subject": subject, "body": html, "reply_to": reply});
    let command_id = form.get("command_id").and_then(|s| Uuid::parse_str(s).ok()).ok_or(PortalError::Csrf)?;
    let command = match Command::parse("SendMessage", payload) {
        Ok(c) => c,
        Err(e) => return compose_page(&state, &who, &ticked, (subject, text, reply_to), Some((e.to_string(), vec![]))).await,
    };
    match state.handler.execute(&who.actor, ParsedCommand { command_id, expected_version: None, command }, None).await {
        Ok(done) => Ok(forms::see_other("/messagerie?dossier=sent", done.result.position)),
        Err(CommandError::RecipientsRefused(refused)) => {
            let names = refused.iter().map(|r| r.name.clone().unwrap_or_else(|| r.id.to_string())).collect();
            let message =
                "Les règles de communication ne vous permettent pas d'écrire à ces destinataires ; rien n'a été envoyé.".to_string();
            compose_page(&state, &who, &ticked, (subject, text, reply_to), Some((message, names))).await
        }
        Err(
            e @ (CommandError::InvalidField { .. } | CommandError::InvalidFields(_) | CommandError::Rule(_) | CommandError::Malformed(_)),
        ) => {
            let message = crate::error::ApiError::Command(e).detail();
            compose_page(&state, &who, &ticked, (subject, text, reply_to), Some((message, vec![]))).await
        }
        Err(e) => Err(crate::error::ApiError::Command(e).into()),
    }
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}
