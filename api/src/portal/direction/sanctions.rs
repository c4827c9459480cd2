//! The direction's sanctions: the form to pronounce one (`PronounceSanction`; the rules of
//! R511-13 are the domain's, docs/domain.md "Sanctions", and a refusal is shown next to the field
//! it names, with what was typed kept) and the structure's register of sanctions (the same
//! `register` query as `GET /api/v1/vie-scolaire/{uai}/register`).

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use ent_domain::vie_scolaire::SanctionKind;
use ent_projections::directory::queries as directory;
use ent_projections::vie_scolaire::queries as vie_scolaire;
use serde_json::json;

use super::require_direction;
use crate::portal::family::{After, french_date};
use crate::portal::forms::{self, FormData, Rejected};
use crate::portal::page::{PortalError, Shell, render};
use crate::portal::session::{SignedIn, command_id};
use crate::state::AppState;

/// The kinds of sanction, as the form offers them.
const KINDS: [(SanctionKind, &str, &str); 6] = [
    (SanctionKind::Avertissement, "avertissement", "Avertissement"),
    (SanctionKind::Blame, "blame", "Blâme"),
    (SanctionKind::MesureDeResponsabilisation, "mesure_de_responsabilisation", "Mesure de responsabilisation"),
    (SanctionKind::ExclusionTemporaireClasse, "exclusion_temporaire_classe", "Exclusion temporaire de la classe"),
    (SanctionKind::ExclusionTemporaireEtablissement, "exclusion_temporaire_etablissement", "Exclusion temporaire de l'établissement"),
    (SanctionKind::ExclusionDefinitive, "exclusion_definitive", "Exclusion définitive"),
];

fn kind_label(kind: SanctionKind) -> &'static str {
    KINDS.iter().find(|(k, _, _)| *k == kind).map(|(_, _, l)| *l).unwrap_or("Sanction")
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The form's fields as typed, and the error of each.
#[derive(Default)]
pub struct SanctionForm {
    pub command_id: String,
    pub pupil: String,
    pub kind: String,
    pub reason: String,
    pub facts: String,
    pub days: String,
    pub hours: String,
    pub sursis: bool,
    pub pronounced_on: String,
    pub by_council: bool,
    pub errors: HashMap<&'static str, String>,
    /// A refusal that names no field of the form.
    pub general: Option<String>,
}

impl SanctionForm {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
}

pub struct RegisterRow {
    pub date: String,
    pub pupil: String,
    pub kind: String,
    pub detail: String,
    pub reason: String,
    pub erasure: String,
}

#[derive(Template)]
#[template(path = "direction_sanctions.html")]
struct SanctionsPage {
    shell: Shell,
    csrf: String,
    form: SanctionForm,
    pupils: Vec<Choice>,
    kinds: Vec<Choice>,
    register: Vec<RegisterRow>,
}

/// The pupils of the structure, by class then name, for the form's list.
async fn pupils(state: &AppState, who: &SignedIn, selected: &str) -> Result<Vec<Choice>, PortalError> {
    let store = state.backend.read_models.as_ref();
    let tree = directory::structure_tree(store, &who.actor, &who.card.structure).await?;
    let mut out = Vec::new();
    for class in &tree.classes {
        let roster = directory::class_roster(store, &who.actor, class.id).await?;
        for m in roster.members {
            let value = m.id.to_string();
            out.push(Choice {
                selected: value == selected,
                value,
                label: format!("{} {} ({})", m.last_name.to_uppercase(), m.first_name, class.code),
            });
        }
    }
    Ok(out)
}

async fn register(state: &AppState, who: &SignedIn) -> Result<Vec<RegisterRow>, PortalError> {
    let view = vie_scolaire::register(state.backend.read_models.as_ref(), state.opener.as_ref(), &who.actor, &who.card.structure).await?;
    let mut rows: Vec<_> = view.sanctions.into_iter().collect();
    rows.sort_by_key(|s| std::cmp::Reverse(s.pronounced_on));
    Ok(rows
        .into_iter()
        .map(|s| {
            let mut detail = Vec::new();
            if let Some(d) = s.days {
                detail.push(format!("{d} jour(s)"));
            }
            if let Some(h) = s.hours {
                detail.push(format!("{h} heure(s)"));
            }
            if s.sursis {
                detail.push("avec sursis".into());
            }
            if s.by_disciplinary_council {
                detail.push("conseil de discipline".into());
            }
            RegisterRow {
                date: french_date(s.pronounced_on),
                pupil: s.pupil_name.unwrap_or_else(|| "Élève".into()),
                kind: kind_label(s.kind).into(),
                detail: detail.join(", "),
                reason: s
                    .content
                    .as_ref()
                    .and_then(|c| c.get("reason"))
                    .and_then(|r| r.as_str())
                    .map(str::to_string)
                    .unwrap_or_else(|| "(contenu illisible)".into()),
                erasure: s.erasure_due.map(french_date).unwrap_or_else(|| "jamais automatiquement".into()),
            }
        })
        .collect())
}

async fn show(state: &AppState, who: &SignedIn, form: SanctionForm, status: StatusCode) -> Result<Response, PortalError> {
    require_direction(who)?;
    let pupils = pupils(state, who, &form.pupil).await?;
    let kinds = KINDS.iter().map(|(_, v, l)| Choice { value: v.to_string(), label: l.to_string(), selected: form.kind == *v }).collect();
    let register = register(state, who).await?;
    let mut r = render(&SanctionsPage { shell: who.shell("Sanctions", None), csrf: who.csrf.clone(), form, pupils, kinds, register });
    *r.status_mut() = status;
    Ok(r)
}

fn blank() -> SanctionForm {
    SanctionForm { command_id: command_id().to_string(), pronounced_on: Utc::now().date_naive().to_string(), ..Default::default() }
}

/// `GET /direction/sanctions`.
pub async fn page(State(state): State<AppState>, who: SignedIn, Query(after): Query<After>) -> Result<Response, PortalError> {
    forms::await_position(&state, after.apres, &[ent_projections::vie_scolaire::NAME]).await;
    show(&state, &who, blank(), StatusCode::OK).await
}

/// A whole number typed in a field: `None` when blank, an error message when not a number.
fn number(form: &FormData, field: &str) -> Result<Option<u32>, String> {
    match form.text(field) {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| "Entrez un nombre entier.".to_string()),
    }
}

/// The fields of the form a refusal names (the command's field names).
const FIELDS: [&str; 9] = ["pupil", "kind", "reason", "facts", "days", "hours", "sursis", "pronounced_on", "by_disciplinary_council"];

/// `POST /direction/sanctions`: pronounce a sanction.
pub async fn pronounce(
    State(state): State<AppState>,
    who: SignedIn,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PortalError> {
    require_direction(&who)?;
    let form = FormData(fields);
    let mut typed = SanctionForm {
        command_id: form.get("command_id").unwrap_or_default().to_string(),
        pupil: form.get("pupil").unwrap_or_default().to_string(),
        kind: form.get("kind").unwrap_or_default().to_string(),
        reason: form.get("reason").unwrap_or_default().to_string(),
        facts: form.get("facts").unwrap_or_default().to_string(),
        days: form.get("days").unwrap_or_default().to_string(),
        hours: form.get("hours").unwrap_or_default().to_string(),
        sursis: form.get("sursis").is_some(),
        pronounced_on: form.get("pronounced_on").unwrap_or_default().to_string(),
        by_council: form.get("by_disciplinary_council").is_some(),
        ..Default::default()
    };
    // What the command cannot even be written without: a choice, a number, a date. The rules
    // themselves (durations, sursis, council, dates) are the domain's.
    if typed.pupil.is_empty() {
        typed.errors.insert("pupil", "Choisissez un élève.".into());
    }
    if !KINDS.iter().any(|(_, v, _)| *v == typed.kind) {
        typed.errors.insert("kind", "Choisissez une sanction.".into());
    }
    let days = number(&form, "days").unwrap_or_else(|e| {
        typed.errors.insert("days", e);
        None
    });
    let hours = number(&form, "hours").unwrap_or_else(|e| {
        typed.errors.insert("hours", e);
        None
    });
    if typed.pronounced_on.parse::<NaiveDate>().is_err() {
        typed.errors.insert("pronounced_on", "Entrez une date.".into());
    }
    if !typed.errors.is_empty() {
        who.check_csrf(&state, form.get("_csrf"))?;
        return show(&state, &who, typed, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let payload = json!({
        "pupil": typed.pupil,
        "kind": typed.kind,
        "reason": typed.reason,
        "facts": typed.facts,
        "days": days,
        "hours": hours,
        "sursis": typed.sursis,
        "pronounced_on": typed.pronounced_on,
        "by_disciplinary_council": typed.by_council,
    });
    match forms::run(&state, &who, &form, "PronounceSanction", payload).await {
        Ok(position) => Ok(forms::see_other("/direction/sanctions", position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, fields }) => {
            for name in FIELDS {
                if let Some(m) = forms::message_for(&fields, name) {
                    typed.errors.insert(name, m);
                }
            }
            if typed.errors.is_empty() {
                typed.general = Some(message);
            }
            show(&state, &who, typed, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}
