//! The news page: the visitor's feed (the same query as `GET /api/v1/news/feed`, at the current
//! time), and for the staff a form to publish an item for the whole structure (`PublishNews`).

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use ent_projections::actualites::{self, NewsDoc, queries};
use serde_json::json;

use super::family::After;
use super::forms::{self, FormData, Rejected};
use super::forums::when;
use super::page::{PortalError, render};
use super::session::{SignedIn, command_id};
use crate::state::AppState;

pub struct NewsLine {
    pub id: String,
    pub title: String,
    pub at: String,
    pub author: String,
    /// Sanitised when it was published (docs/domain.md, "Rich text").
    pub body: String,
    pub pinned: bool,
}

impl From<NewsDoc> for NewsLine {
    fn from(n: NewsDoc) -> Self {
        NewsLine {
            id: n.id.to_string(),
            title: n.title,
            at: when(n.publish_from),
            author: n.author_name.unwrap_or_default(),
            body: n.body,
            pinned: n.pinned,
        }
    }
}

#[derive(Template)]
#[template(path = "news.html")]
struct NewsPage {
    shell: super::page::Shell,
    csrf: String,
    items: Vec<NewsLine>,
    staff: bool,
    command_id: String,
    typed_title: String,
    typed_body: String,
    message: Option<String>,
}

async fn news_page(state: &AppState, who: &SignedIn, failed: Option<(String, &FormData)>) -> Result<Response, PortalError> {
    let items = queries::feed(state.backend.read_models.as_ref(), &who.actor, Utc::now()).await?;
    let typed = |name: &str| failed.as_ref().and_then(|(_, f)| f.get(name)).unwrap_or_default().to_string();
    let mut response = render(&NewsPage {
        shell: who.shell("Actualités", who.structure_name.clone()),
        csrf: who.csrf.clone(),
        items: items.into_iter().map(NewsLine::from).collect(),
        staff: who.actor.is_staff_of(&who.card.structure),
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

/// `GET /actualites`.
pub async fn feed(State(state): State<AppState>, who: SignedIn, Query(q): Query<After>) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &[actualites::NAME]).await;
    news_page(&state, &who, None).await
}

/// `POST /actualites`: `PublishNews` for the whole structure, from now.
pub async fn publish(
    State(state): State<AppState>,
    who: SignedIn,
    Form(fields): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = FormData(fields);
    let until = match form.text("until").map(|d| d.parse::<NaiveDate>()) {
        None => None,
        Some(Ok(d)) => d.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc()),
        Some(Err(_)) => {
            who.check_csrf(&state, form.get("_csrf"))?;
            return news_page(&state, &who, Some(("La date de fin n'est pas une date.".into(), &form))).await;
        }
    };
    let payload = json!({
        "structure": who.card.structure,
        "title": form.get("title").unwrap_or_default(),
        "body": form.get("body").unwrap_or_default(),
        "audience": {"kind": "structure"},
        "publish_from": Utc::now(),
        "publish_until": until,
        "pinned": form.get("pinned") == Some("1"),
    });
    match forms::run(&state, &who, &form, "PublishNews", payload).await {
        Ok(position) => Ok(forms::see_other("/actualites", position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, .. }) => news_page(&state, &who, Some((message, &form))).await,
    }
}
