//! Punishments: the structure's register (`vie_scolaire::queries::register`, content opened for
//! the vie scolaire only) and the form to give one (`GivePunishment`).

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::Utc;
use ent_domain::vie_scolaire::PunishmentKind;
use serde_json::json;

use super::super::family::{After, french_date};
use super::super::forms::{self, FormData, Rejected};
use super::super::page::{PortalError, Shell, render};
use super::super::session::{SignedIn, command_id};
use crate::state::AppState;

/// Kinds as the form offers them: (value sent, label).
const KINDS: [(&str, &str); 4] = [
    ("retenue", "Retenue"),
    ("devoir_supplementaire", "Devoir supplémentaire"),
    ("excuse", "Excuse orale ou écrite"),
    ("exclusion_ponctuelle_cours", "Exclusion ponctuelle d'un cours"),
];

fn kind_label(kind: PunishmentKind) -> &'static str {
    match kind {
        PunishmentKind::Retenue => KINDS[0].1,
        PunishmentKind::DevoirSupplementaire => KINDS[1].1,
        PunishmentKind::Excuse => KINDS[2].1,
        PunishmentKind::ExclusionPonctuelleCours => KINDS[3].1,
    }
}

pub struct PupilOption {
    pub id: String,
    pub name: String,
    pub selected: bool,
}

pub struct ClassOptions {
    pub class: String,
    pub pupils: Vec<PupilOption>,
}

pub struct KindOption {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

pub struct PunishmentRow {
    pub pupil: String,
    pub kind: &'static str,
    pub date: String,
    pub given_by: String,
    pub reason: String,
}

/// The form's values and the errors of a refused post, by field.
#[derive(Default)]
pub struct Typed {
    pub pupil: String,
    pub kind: String,
    pub date: String,
    pub reason: String,
    pub details: String,
    pub errors: Vec<(String, String)>,
    pub message: Option<String>,
}

impl Typed {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

#[derive(Template)]
#[template(path = "vie_scolaire_punishments.html")]
struct PunishmentsPage {
    shell: Shell,
    csrf: String,
    command_id: String,
    classes: Vec<ClassOptions>,
    kinds: Vec<KindOption>,
    typed: Typed,
    rows: Vec<PunishmentRow>,
}

async fn page(state: &AppState, who: &SignedIn, typed: Typed) -> Result<Response, PortalError> {
    if !who.is_vie_scolaire() {
        return Err(PortalError::Forbidden);
    }
    let store = state.backend.read_models.as_ref();
    let uai = who.card.structure.clone();
    let tree = ent_projections::directory::queries::structure_tree(store, &who.actor, &uai).await?;
    let mut classes = Vec::new();
    for class in &tree.classes {
        let roster = ent_projections::directory::queries::class_roster(store, &who.actor, class.id).await?;
        let pupils = roster
            .members
            .iter()
            .map(|p| PupilOption {
                id: p.id.to_string(),
                name: format!("{} {}", p.last_name, p.first_name),
                selected: typed.pupil == p.id.to_string(),
            })
            .collect();
        classes.push(ClassOptions { class: class.code.clone(), pupils });
    }
    let register = ent_projections::vie_scolaire::queries::register(store, state.opener.as_ref(), &who.actor, &uai).await?;
    let mut rows: Vec<PunishmentRow> = register
        .punishments
        .iter()
        .map(|p| PunishmentRow {
            pupil: p.pupil_name.clone().unwrap_or_default(),
            kind: kind_label(p.kind),
            date: french_date(p.date),
            given_by: p.given_by_name.clone().unwrap_or_default(),
            reason: p.content.as_ref().and_then(|c| c.get("reason")).and_then(|r| r.as_str()).unwrap_or("—").to_string(),
        })
        .collect();
    rows.reverse();
    let kinds = KINDS.iter().map(|(value, label)| KindOption { value, label, selected: typed.kind == *value }).collect();
    let typed = Typed { date: if typed.date.is_empty() { Utc::now().date_naive().to_string() } else { typed.date.clone() }, ..typed };
    let page = PunishmentsPage {
        shell: who.shell("Punitions", None),
        csrf: who.csrf.clone(),
        command_id: command_id().to_string(),
        classes,
        kinds,
        typed,
        rows,
    };
    Ok(render(&page))
}

/// `GET /vie-scolaire/punitions`.
pub async fn list(State(state): State<AppState>, who: SignedIn, Query(after): Query<After>) -> Result<Response, PortalError> {
    forms::await_position(&state, after.apres, &[ent_projections::vie_scolaire::NAME]).await;
    page(&state, &who, Typed::default()).await
}

/// `POST /vie-scolaire/punitions`: `GivePunishment`.
pub async fn give(
    State(state): State<AppState>,
    who: SignedIn,
    Form(fields): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = FormData(fields);
    let mut typed = Typed {
        pupil: form.get("pupil").unwrap_or_default().to_string(),
        kind: form.get("kind").unwrap_or_default().to_string(),
        date: form.get("date").unwrap_or_default().to_string(),
        reason: form.get("reason").unwrap_or_default().to_string(),
        details: form.get("details").unwrap_or_default().to_string(),
        ..Typed::default()
    };
    // Fields the form must name before a command can even be built; the rules are the domain's.
    for (field, label) in [("pupil", "Choisissez un élève."), ("kind", "Choisissez une punition."), ("date", "Indiquez la date.")] {
        if form.text(field).is_none() {
            typed.errors.push((field.to_string(), label.to_string()));
        }
    }
    if !typed.errors.is_empty() {
        who.check_csrf(&state, form.get("_csrf"))?;
        return page(&state, &who, typed).await.map(unprocessable);
    }
    let payload = json!({
        "pupil": typed.pupil, "kind": typed.kind, "date": typed.date, "reason": typed.reason.trim(),
        "details": form.text("details"),
    });
    match forms::run(&state, &who, &form, "GivePunishment", payload).await {
        Ok(position) => Ok(forms::see_other("/vie-scolaire/punitions", position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, fields }) => {
            typed.errors = fields.into_iter().map(|f| (f.field, f.message)).collect();
            if typed.errors.is_empty() {
                typed.message = Some(message);
            }
            page(&state, &who, typed).await.map(unprocessable)
        }
    }
}

fn unprocessable(mut r: Response) -> Response {
    *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    r
}
