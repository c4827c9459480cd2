//! The blogs' pages: the blogs a visitor reads, a blog with the posts they see, a form to write
//! a draft (`WriteBlogPost`), the workflow's buttons (`SubmitBlogPost`, `PublishBlogPost`,
//! `ReturnBlogPost`), comments (`CommentBlogPost`) and their moderation (`ApproveBlogComment`,
//! `RejectBlogComment`). Same queries as `GET /api/v1/blogs…`.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ent_domain::blogs::posts::PostStatus;
use ent_projections::blogs::{self, queries};
use serde_json::json;

use super::family::After;
use super::forms::{self, FormData, Rejected};
use super::forums::when;
use super::page::{PortalError, parse_id, render};
use super::session::{SignedIn, command_id};
use crate::state::AppState;

pub struct BlogLine {
    pub id: String,
    pub title: String,
    pub owner: String,
    pub published: u32,
}

#[derive(Template)]
#[template(path = "blogs.html")]
struct BlogsPage {
    shell: super::page::Shell,
    blogs: Vec<BlogLine>,
}

/// `GET /blogs`.
pub async fn list(State(state): State<AppState>, who: SignedIn, Query(q): Query<After>) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &[blogs::NAME]).await;
    let blogs = queries::blogs(state.backend.read_models.as_ref(), &who.actor)
        .await?
        .into_iter()
        .map(|b| BlogLine { id: b.id.to_string(), title: b.title, owner: b.owner_name.unwrap_or_default(), published: b.published_posts })
        .collect();
    Ok(render(&BlogsPage { shell: who.shell("Blogs", who.structure_name.clone()), blogs }))
}

pub struct Action {
    pub action: &'static str,
    pub label: &'static str,
    pub comment: String,
    pub command_id: String,
}

pub struct CommentLine {
    pub author: String,
    pub body: String,
    pub pending: bool,
}

pub struct PostView {
    pub id: String,
    pub title: String,
    pub author: String,
    pub at: String,
    pub status: &'static str,
    /// Sanitised when it was written (docs/domain.md, "Rich text").
    pub body: String,
    pub actions: Vec<Action>,
    pub comments: Vec<CommentLine>,
    pub commentable: bool,
    pub comment_command_id: String,
}

#[derive(Template)]
#[template(path = "blog.html")]
struct BlogPageView {
    shell: super::page::Shell,
    csrf: String,
    id: String,
    title: String,
    owner: String,
    moderated: bool,
    writes: bool,
    posts: Vec<PostView>,
    command_id: String,
    typed_title: String,
    typed_body: String,
    message: Option<String>,
}

fn action(action: &'static str, label: &'static str, comment: String) -> Action {
    Action { action, label, comment, command_id: command_id().to_string() }
}

async fn blog_page(state: &AppState, who: &SignedIn, id: &str, failed: Option<(String, &FormData)>) -> Result<Response, PortalError> {
    let id = parse_id(id)?;
    let page = queries::blog(state.backend.read_models.as_ref(), &who.actor, id).await?;
    let me = who.card.id;
    let publisher = page.blog.reader_publishes;
    let posts = page
        .posts
        .into_iter()
        .map(|p| {
            let mut actions = Vec::new();
            match p.status {
                PostStatus::Draft if p.author == me => {
                    actions.push(action("submit", "Soumettre à la publication", String::new()));
                    if publisher {
                        actions.push(action("publish", "Publier", String::new()));
                    }
                }
                PostStatus::Submitted if publisher => {
                    actions.push(action("publish", "Publier", String::new()));
                    actions.push(action("return", "Renvoyer en brouillon", String::new()));
                }
                _ => {}
            }
            if publisher {
                for c in p.comments.iter().filter(|c| c.pending) {
                    actions.push(action("approve", "Approuver le commentaire en attente", c.id.to_string()));
                    actions.push(action("reject", "Refuser le commentaire en attente", c.id.to_string()));
                }
            }
            PostView {
                id: p.id.to_string(),
                title: p.title,
                author: p.author_name.unwrap_or_default(),
                at: when(p.published_at.unwrap_or(p.written_at)),
                status: match p.status {
                    PostStatus::Draft => "brouillon",
                    PostStatus::Submitted => "soumis",
                    PostStatus::Published => "",
                },
                body: p.body,
                actions,
                comments: p
                    .comments
                    .into_iter()
                    .map(|c| CommentLine { author: c.author_name.unwrap_or_default(), body: c.body, pending: c.pending })
                    .collect(),
                commentable: p.status == PostStatus::Published,
                comment_command_id: command_id().to_string(),
            }
        })
        .collect();
    let typed = |name: &str| failed.as_ref().and_then(|(_, f)| f.get(name)).unwrap_or_default().to_string();
    let mut response = render(&BlogPageView {
        shell: who.shell(page.blog.title.clone(), who.structure_name.clone()),
        csrf: who.csrf.clone(),
        id: id.to_string(),
        title: page.blog.title,
        owner: page.blog.owner_name.unwrap_or_default(),
        moderated: page.blog.moderated_comments,
        writes: page.blog.reader_writes,
        posts,
        command_id: command_id().to_string(),
        typed_title: typed("title"),
        typed_body: typed("body"),
        message: failed.as_ref().map(|(m, _)| m.clone()),
    });
    if failed.is_some() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// `GET /blogs/{blog}`.
pub async fn blog(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<After>,
) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &[blogs::NAME]).await;
    blog_page(&state, &who, &id, None).await
}

async fn run(
    state: &AppState,
    who: &SignedIn,
    id: &str,
    form: &FormData,
    command: &str,
    payload: serde_json::Value,
) -> Result<Response, PortalError> {
    match forms::run(state, who, form, command, payload).await {
        Ok(position) => Ok(forms::see_other(&format!("/blogs/{id}"), position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, .. }) => blog_page(state, who, id, Some((message, form))).await,
    }
}

/// `POST /blogs/{blog}`: `WriteBlogPost`.
pub async fn write(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(fields): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = FormData(fields);
    let blog = parse_id(&id)?;
    let payload = json!({"blog": blog, "title": form.get("title").unwrap_or_default(), "body": form.get("body").unwrap_or_default()});
    run(&state, &who, &id, &form, "WriteBlogPost", payload).await
}

/// `POST /blogs/{blog}/actions`: the workflow and comments, by the form's `action`.
pub async fn act(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(fields): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = FormData(fields);
    parse_id(&id)?;
    let post = parse_id(form.get("post").unwrap_or_default())?;
    let comment = || parse_id(form.get("comment").unwrap_or_default());
    let (command, payload) = match form.get("action").unwrap_or_default() {
        "submit" => ("SubmitBlogPost", json!({"post": post})),
        "publish" => ("PublishBlogPost", json!({"post": post})),
        "return" => ("ReturnBlogPost", json!({"post": post})),
        "comment" => ("CommentBlogPost", json!({"post": post, "body": form.get("body").unwrap_or_default()})),
        "approve" => ("ApproveBlogComment", json!({"post": post, "comment": comment()?})),
        "reject" => ("RejectBlogComment", json!({"post": post, "comment": comment()?})),
        _ => return Err(PortalError::NotFound),
    };
    run(&state, &who, &id, &form, command, payload).await
}
