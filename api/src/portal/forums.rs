//! The forums' pages: the categories a visitor takes part in, a category's topics with a form
//! to open one (`OpenTopic`), a topic's posts with a reply form (`ReplyToTopic`) and, for
//! moderators, `HidePost` and `LockTopic`. Same queries as `GET /api/v1/forums…`.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use ent_projections::forums::{self, queries};
use serde_json::json;

use super::family::{After, french_date};
use super::forms::{self, FormData, Rejected};
use super::page::{PortalError, parse_id, render};
use super::session::{SignedIn, command_id};
use crate::state::AppState;

/// A date and time as pages show it.
pub fn when(at: DateTime<Utc>) -> String {
    format!("{}, {}", french_date(at.date_naive()), at.format("%H:%M"))
}

pub struct CategoryLine {
    pub id: String,
    pub name: String,
    pub scope: String,
    pub description: String,
    pub topics: u32,
    pub posts: u32,
}

#[derive(Template)]
#[template(path = "forums.html")]
struct ForumsPage {
    shell: super::page::Shell,
    categories: Vec<CategoryLine>,
}

/// `GET /forums`.
pub async fn list(State(state): State<AppState>, who: SignedIn, Query(q): Query<After>) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &[forums::NAME]).await;
    let categories = queries::categories(state.backend.read_models.as_ref(), &who.actor).await?;
    let categories = categories
        .into_iter()
        .map(|c| CategoryLine {
            id: c.id.to_string(),
            name: c.name,
            scope: c.class_name.map_or_else(|| "Tout l'établissement".to_string(), |n| format!("Classe de {n}")),
            description: c.description.unwrap_or_default(),
            topics: c.topics,
            posts: c.posts,
        })
        .collect();
    Ok(render(&ForumsPage { shell: who.shell("Forums", who.structure_name.clone()), categories }))
}

pub struct TopicLine {
    pub id: String,
    pub title: String,
    pub author: String,
    pub posts: usize,
    pub last: String,
    pub locked: bool,
}

#[derive(Template)]
#[template(path = "forum_category.html")]
struct CategoryPage {
    shell: super::page::Shell,
    csrf: String,
    id: String,
    name: String,
    description: String,
    topics: Vec<TopicLine>,
    command_id: String,
    title: String,
    body: String,
    message: Option<String>,
}

async fn category_page(state: &AppState, who: &SignedIn, id: &str, failed: Option<(String, &FormData)>) -> Result<Response, PortalError> {
    let id = parse_id(id)?;
    let doc = queries::category_topics(state.backend.read_models.as_ref(), &who.actor, id).await?;
    let topics = doc
        .topics
        .into_iter()
        .map(|t| TopicLine {
            id: t.id.to_string(),
            title: t.title,
            author: t.author_name.unwrap_or_default(),
            posts: t.posts,
            last: when(t.last_post_at),
            locked: t.locked,
        })
        .collect();
    let typed = |name: &str| failed.as_ref().and_then(|(_, f)| f.get(name)).unwrap_or_default().to_string();
    let mut response = render(&CategoryPage {
        shell: who.shell(doc.category.name.clone(), who.structure_name.clone()),
        csrf: who.csrf.clone(),
        id: id.to_string(),
        name: doc.category.name,
        description: doc.category.description.unwrap_or_default(),
        topics,
        command_id: command_id().to_string(),
        title: typed("title"),
        body: typed("body"),
        message: failed.as_ref().map(|(m, _)| m.clone()),
    });
    if failed.is_some() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// `GET /forums/{category}`.
pub async fn category(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<After>,
) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &[forums::NAME]).await;
    category_page(&state, &who, &id, None).await
}

/// `POST /forums/{category}`: `OpenTopic`.
pub async fn open_topic(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(fields): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = FormData(fields);
    let category = parse_id(&id)?;
    let payload =
        json!({"category": category, "title": form.get("title").unwrap_or_default(), "body": form.get("body").unwrap_or_default()});
    match forms::run(&state, &who, &form, "OpenTopic", payload).await {
        Ok(position) => Ok(forms::see_other(&format!("/forums/{category}"), position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, .. }) => category_page(&state, &who, &id, Some((message, &form))).await,
    }
}

pub struct PostLine {
    pub id: String,
    pub author: String,
    pub at: String,
    pub edits: u32,
    pub hidden: bool,
    /// Sanitised when it was written (docs/domain.md, "Rich text").
    pub body: String,
    pub command_id: String,
}

#[derive(Template)]
#[template(path = "forum_topic.html")]
struct TopicPage {
    shell: super::page::Shell,
    csrf: String,
    id: String,
    category: String,
    category_name: String,
    title: String,
    locked: bool,
    moderator: bool,
    posts: Vec<PostLine>,
    command_id: String,
    lock_command_id: String,
    body: String,
    message: Option<String>,
}

async fn topic_page(state: &AppState, who: &SignedIn, id: &str, failed: Option<(String, &FormData)>) -> Result<Response, PortalError> {
    let id = parse_id(id)?;
    let store = state.backend.read_models.as_ref();
    let doc = queries::topic(store, &who.actor, id).await?;
    let category = queries::category_topics(store, &who.actor, doc.category).await?.category;
    let posts = doc
        .posts
        .into_iter()
        .map(|p| PostLine {
            id: p.id.to_string(),
            author: p.author_name.unwrap_or_default(),
            at: when(p.posted_at),
            edits: p.edits,
            hidden: p.hidden,
            body: p.body,
            command_id: command_id().to_string(),
        })
        .collect();
    let mut response = render(&TopicPage {
        shell: who.shell(doc.title.clone(), who.structure_name.clone()),
        csrf: who.csrf.clone(),
        id: id.to_string(),
        category: doc.category.to_string(),
        category_name: category.name,
        title: doc.title,
        locked: doc.locked,
        moderator: category.moderated_by_reader,
        posts,
        command_id: command_id().to_string(),
        lock_command_id: command_id().to_string(),
        body: failed.as_ref().and_then(|(_, f)| f.get("body")).unwrap_or_default().to_string(),
        message: failed.as_ref().map(|(m, _)| m.clone()),
    });
    if failed.is_some() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// `GET /forums/sujets/{topic}`.
pub async fn topic(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<After>,
) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &[forums::NAME]).await;
    topic_page(&state, &who, &id, None).await
}

/// `POST /forums/sujets/{topic}`: `ReplyToTopic`.
pub async fn reply(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(fields): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = FormData(fields);
    let topic = parse_id(&id)?;
    let payload = json!({"topic": topic, "body": form.get("body").unwrap_or_default()});
    match forms::run(&state, &who, &form, "ReplyToTopic", payload).await {
        Ok(position) => Ok(forms::see_other(&format!("/forums/sujets/{topic}"), position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, .. }) => topic_page(&state, &who, &id, Some((message, &form))).await,
    }
}

/// `POST /forums/sujets/{topic}/moderation`: `HidePost` (a `post` field) or `LockTopic` (`lock`).
pub async fn moderate(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(fields): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = FormData(fields);
    let topic = parse_id(&id)?;
    let (command, payload) = match form.text("post") {
        Some(post) => ("HidePost", json!({"topic": topic, "post": parse_id(&post)?})),
        None => ("LockTopic", json!({"topic": topic})),
    };
    match forms::run(&state, &who, &form, command, payload).await {
        Ok(position) => Ok(forms::see_other(&format!("/forums/sujets/{topic}"), position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, .. }) => topic_page(&state, &who, &id, Some((message, &form))).await,
    }
}
