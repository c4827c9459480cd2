//! The roll call of a lesson, designed for a phone: one row per pupil with present / absent /
//! late as radio buttons (present preselected; arrow keys move within a pupil's row, Tab goes to
//! the next pupil), the minutes of a late pupil, one submit (`TakeRollCall`, or `AmendRollCall`
//! once taken). The rules (who is on the roll, the minutes within the lesson) are the domain's
//! (docs/domain.md, "Vie scolaire"); a refused roll comes back with the error on its row.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ent_commands::FieldError;
use ent_domain::vie_scolaire::MarkStatus;
use ent_projections::vie_scolaire::LessonRoll;
use serde_json::json;

use super::super::family::After;
use super::super::family::french_date;
use super::super::forms::{self, FormData, Rejected};
use super::super::page::{PortalError, Shell, parse_id, render};
use super::super::session::{SignedIn, command_id};
use crate::state::AppState;

pub struct RollRow {
    pub index: usize,
    pub pupil: String,
    pub name: String,
    /// `present`, `absent` or `late`.
    pub status: String,
    pub minutes: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "roll_call.html")]
struct RollCallPage {
    shell: Shell,
    csrf: String,
    command_id: String,
    action: String,
    heading: String,
    slot: String,
    taken: bool,
    max_minutes: i64,
    rows: Vec<RollRow>,
    error: Option<String>,
    back_href: String,
    date: String,
}

/// What a refused post typed, to show it again.
struct Typed {
    rows: Vec<(String, String, String)>,
    errors: Vec<FieldError>,
    message: Option<String>,
}

fn status_of(status: MarkStatus) -> &'static str {
    match status {
        MarkStatus::Present => "present",
        MarkStatus::Absent => "absent",
        MarkStatus::Late => "late",
    }
}

/// The error of row `i` among a rejection's fields (`marks[i].minutes_late`, `marks[i].pupil`).
fn row_error(errors: &[FieldError], i: usize) -> Option<String> {
    let prefix = format!("marks[{i}]");
    errors.iter().find(|f| f.field == prefix || f.field.starts_with(&format!("{prefix}."))).map(|f| match f.field.rsplit('.').next() {
        Some("minutes_late") => format!("Minutes de retard : {}", f.message),
        _ => f.message.clone(),
    })
}

async fn page(state: &AppState, who: &SignedIn, lesson: &str, typed: Option<Typed>) -> Result<Response, PortalError> {
    let id = parse_id(lesson)?;
    let roll: LessonRoll = ent_projections::vie_scolaire::queries::lesson_roll(state.backend.read_models.as_ref(), &who.actor, id)
        .await
        .map_err(|e| match PortalError::from(e) {
            // The query answers "not found" to whoever may not read the lesson.
            PortalError::NotFound => PortalError::Forbidden,
            other => other,
        })?;
    let l = &roll.lesson;
    let rows = roll
        .pupils
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let typed_row = typed.as_ref().and_then(|t| t.rows.get(i)).filter(|(pupil, _, _)| *pupil == p.pupil.to_string());
            let (status, minutes) = match (typed_row, &p.mark) {
                (Some((_, s, m)), _) => (s.clone(), m.clone()),
                (None, Some(m)) => (status_of(m.status).to_string(), m.minutes_late.map(|n| n.to_string()).unwrap_or_default()),
                (None, None) => ("present".to_string(), String::new()),
            };
            RollRow {
                index: i,
                pupil: p.pupil.to_string(),
                name: p.display_name.clone(),
                status,
                minutes,
                error: typed.as_ref().and_then(|t| row_error(&t.errors, i)),
            }
        })
        .collect();
    let class = l.class_or_group_name.clone().unwrap_or_else(|| "Classe".into());
    let subject = l.subject_name.clone().unwrap_or_else(|| "Matière".into());
    let status = if typed.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let error = typed.and_then(|t| t.message);
    let mut response = render(&RollCallPage {
        shell: who.shell(format!("Appel {class}"), super::structure_name(state, who).await),
        csrf: who.csrf.clone(),
        command_id: command_id().to_string(),
        action: format!("/enseignant/appel/{id}"),
        heading: format!("Appel — {class}, {subject}"),
        slot: format!(
            "{}, {} – {}{}",
            french_date(l.date),
            l.start.format("%H:%M"),
            l.end.format("%H:%M"),
            l.room.as_ref().map(|r| format!(", salle {r}")).unwrap_or_default()
        ),
        taken: l.roll_call_taken,
        max_minutes: (l.end - l.start).num_minutes(),
        rows,
        error,
        back_href: format!("/?date={}", l.date),
        date: l.date.to_string(),
    });
    *response.status_mut() = status;
    Ok(response)
}

/// `GET /enseignant/appel/{lesson}`.
pub async fn form(
    State(state): State<AppState>,
    who: SignedIn,
    Path(lesson): Path<String>,
    Query(q): Query<After>,
) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &[ent_projections::vie_scolaire::NAME]).await;
    page(&state, &who, &lesson, None).await
}

/// `POST /enseignant/appel/{lesson}`: the whole roll at once.
pub async fn submit(
    State(state): State<AppState>,
    who: SignedIn,
    Path(lesson): Path<String>,
    Form(fields): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = FormData(fields);
    let id = parse_id(&lesson)?;
    let count: usize = form.get("rows").and_then(|n| n.parse().ok()).unwrap_or(0).min(super::MAX_ROWS);
    let rows: Vec<(String, String, String)> = (0..count)
        .map(|i| {
            let get = |name: &str| form.get(&format!("{name}_{i}")).unwrap_or_default().trim().to_string();
            (get("pupil"), get("status"), get("minutes"))
        })
        .collect();
    let marks: Vec<_> = rows
        .iter()
        .map(|(pupil, status, minutes)| {
            // Minutes are sent for a late pupil only; the domain checks they are within the lesson.
            let minutes_late = (status == "late").then(|| minutes.parse::<u32>().ok()).flatten();
            json!({"pupil": pupil, "status": status, "minutes_late": minutes_late})
        })
        .collect();
    let late_without_number = rows.iter().position(|(_, s, m)| s == "late" && m.parse::<u32>().is_err());
    if let Some(i) = late_without_number {
        who.check_csrf(&state, form.get("_csrf"))?;
        let errors = vec![FieldError { field: format!("marks[{i}].minutes_late"), message: "indiquez un nombre de minutes".into() }];
        return page(&state, &who, &lesson, Some(Typed { rows, errors, message: None })).await;
    }
    let command = if form.get("taken") == Some("1") { "AmendRollCall" } else { "TakeRollCall" };
    match forms::run(&state, &who, &form, command, json!({"lesson": id, "marks": marks})).await {
        Ok(position) => {
            let date = form.get("date").unwrap_or_default();
            Ok(forms::see_other(&format!("/?date={date}"), position))
        }
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, fields }) => {
            let on_rows = fields.iter().any(|f| f.field.starts_with("marks["));
            let message = (!on_rows).then_some(message);
            page(&state, &who, &lesson, Some(Typed { rows, errors: fields, message })).await
        }
    }
}
