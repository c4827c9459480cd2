//! The vie scolaire's justifications to process: every justification parents sent that awaits
//! a decision, accepted or refused (with a reason) from the list (`AcceptJustification`,
//! `RefuseJustification`). Read through the same dashboard query as the API.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::Utc;
use serde_json::json;

use super::super::family::{After, french_date};
use super::super::forms::{self, FormData, Rejected};
use super::super::page::{PortalError, Shell, parse_id, render};
use super::super::session::{SignedIn, command_id};
use crate::state::AppState;

pub struct PendingView {
    pub id: String,
    pub pupil: String,
    pub period: String,
    pub reason: String,
    pub comment: String,
    pub submitted: String,
    pub accept_id: String,
    pub refuse_id: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "justifications.html")]
struct JustificationsPage {
    shell: Shell,
    csrf: String,
    pending: Vec<PendingView>,
}

async fn page(state: &AppState, who: &SignedIn, failed: Option<(String, String)>) -> Result<Response, PortalError> {
    if !who.is_vie_scolaire() {
        return Err(PortalError::Forbidden);
    }
    let store = state.backend.read_models.as_ref();
    let uai = who.card.structure.clone();
    let dashboard = ent_projections::vie_scolaire::queries::dashboard(store, &who.actor, &uai, Utc::now().date_naive()).await?;
    let pending = dashboard
        .pending_justifications
        .iter()
        .map(|p| {
            let id = p.justification_id.to_string();
            let error = failed.as_ref().filter(|(failed_id, _)| *failed_id == id).map(|(_, e)| e.clone());
            let (from, to) = (p.from.date(), p.to.date());
            let period = if from == to { french_date(from) } else { format!("du {} au {}", french_date(from), french_date(to)) };
            PendingView {
                id,
                pupil: p.pupil_name.clone().unwrap_or_else(|| "Élève".into()),
                period,
                reason: p.reason.clone(),
                comment: p.comment.clone().unwrap_or_default(),
                submitted: french_date(p.submitted_at.date_naive()),
                accept_id: command_id().to_string(),
                refuse_id: command_id().to_string(),
                error,
            }
        })
        .collect();
    Ok(render(&JustificationsPage { shell: who.shell("Justificatifs à traiter", None), csrf: who.csrf.clone(), pending }))
}

/// `GET /vie-scolaire/justifications`.
pub async fn pending(State(state): State<AppState>, who: SignedIn, Query(after): Query<After>) -> Result<Response, PortalError> {
    forms::await_position(&state, after.apres, &[ent_projections::vie_scolaire::NAME]).await;
    page(&state, &who, None).await
}

/// `POST /vie-scolaire/justifications/{justification}`: `decision` = `accepter` or `refuser`
/// (with `refusal_reason`).
pub async fn decide(
    State(state): State<AppState>,
    who: SignedIn,
    Path(justification): Path<String>,
    Form(fields): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = FormData(fields);
    let id = parse_id(&justification)?;
    let (command, payload) = match form.get("decision") {
        Some("accepter") => ("AcceptJustification", json!({"justification": id})),
        Some("refuser") => ("RefuseJustification", json!({"justification": id, "reason": form.text("refusal_reason").unwrap_or_default()})),
        _ => {
            who.check_csrf(&state, form.get("_csrf"))?;
            return page(&state, &who, Some((id.to_string(), "Choisissez d'accepter ou de refuser.".into()))).await;
        }
    };
    match forms::run(&state, &who, &form, command, payload).await {
        Ok(position) => Ok(forms::see_other("/vie-scolaire/justifications", position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, fields }) => {
            let error = forms::message_for(&fields, "reason").map(|m| format!("Motif du refus : {m}")).unwrap_or(message);
            page(&state, &who, Some((id.to_string(), error))).await.map(|mut r| {
                *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
                r
            })
        }
    }
}
