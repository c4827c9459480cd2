//! The publication of bulletins: every class of the structure per period, whether its bulletins
//! are published (the `publications` query), and a button to publish them (`PublishBulletins`,
//! per class and period; who may, and whether they can be, is the command's decision).

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ent_projections::notes::queries;
use serde_json::json;

use super::require_direction;
use crate::portal::family::{After, french_date};
use crate::portal::forms::{self, FormData, Rejected};
use crate::portal::page::{PortalError, Shell, parse_id, render};
use crate::portal::session::{SignedIn, command_id};
use crate::state::AppState;

pub struct ClassRow {
    pub key: String,
    pub class: String,
    pub class_id: String,
    pub period_id: String,
    pub published: Option<String>,
    pub command_id: String,
    pub error: Option<String>,
}

pub struct PeriodBlock {
    pub name: String,
    pub classes: Vec<ClassRow>,
}

#[derive(Template)]
#[template(path = "direction_bulletins.html")]
struct BulletinsPage {
    shell: Shell,
    csrf: String,
    periods: Vec<PeriodBlock>,
}

/// A refused publication: (class, period, message).
type Failed = (String, String, String);

async fn show(state: &AppState, who: &SignedIn, failed: Option<Failed>) -> Result<Response, PortalError> {
    require_direction(who)?;
    let list = queries::publications(state.backend.read_models.as_ref(), &who.actor, &who.card.structure).await?;
    let mut periods: Vec<PeriodBlock> = Vec::new();
    for p in list {
        let (class_id, period_id) = (p.class.to_string(), p.period.to_string());
        let error = failed.as_ref().filter(|(c, q, _)| *c == class_id && *q == period_id).map(|(_, _, m)| m.clone());
        let row = ClassRow {
            key: format!("{}-{}", p.period, p.class),
            class: p.class_code,
            published: p.published_at.map(|at| french_date(at.date_naive())),
            command_id: command_id().to_string(),
            class_id,
            period_id,
            error,
        };
        match periods.last_mut() {
            Some(block) if block.name == p.period_name => block.classes.push(row),
            _ => periods.push(PeriodBlock { name: p.period_name, classes: vec![row] }),
        }
    }
    let status = if failed.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let mut r = render(&BulletinsPage { shell: who.shell("Publication des bulletins", None), csrf: who.csrf.clone(), periods });
    *r.status_mut() = status;
    Ok(r)
}

/// `GET /direction/bulletins`.
pub async fn page(State(state): State<AppState>, who: SignedIn, Query(after): Query<After>) -> Result<Response, PortalError> {
    forms::await_position(&state, after.apres, &[ent_projections::notes::NAME]).await;
    show(&state, &who, None).await
}

/// `POST /direction/bulletins`: publish the bulletins of `class` for `period`.
pub async fn publish(
    State(state): State<AppState>,
    who: SignedIn,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PortalError> {
    require_direction(&who)?;
    let form = FormData(fields);
    let class = parse_id(form.get("class").unwrap_or_default())?;
    let period = parse_id(form.get("period").unwrap_or_default())?;
    match forms::run(&state, &who, &form, "PublishBulletins", json!({"class": class, "period": period})).await {
        Ok(position) => Ok(forms::see_other("/direction/bulletins", position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, .. }) => show(&state, &who, Some((class.to_string(), period.to_string(), message))).await,
    }
}
