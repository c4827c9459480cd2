//! The cahier de textes of a class and subject the teacher teaches: recent lessons and homework
//! (the same query as `GET /api/v1/cahier/{class_or_group}/{subject}`), a form to log a lesson
//! (`LogLesson`) and one to give homework (`AssignHomework`); a refused form comes back with what
//! was typed and the error next to the field it names.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use ent_projections::QueryError;
use ent_projections::cahier_de_textes::CahierDoc;
use serde_json::json;

use super::super::family::After;
use super::super::family::french_date;
use super::super::forms::{self, FormData, Rejected, message_for};
use super::super::page::{PortalError, Shell, parse_id, render};
use super::super::session::{SignedIn, command_id};
use crate::state::AppState;

/// How many entries of each kind the page lists.
const RECENT: usize = 10;

pub struct EntryLine {
    pub date: String,
    pub title: String,
    pub detail: String,
}

/// A form with what was typed and the errors of a refused post, by field name.
pub struct Typed {
    pub command_id: String,
    pub values: std::collections::HashMap<String, String>,
    pub errors: Vec<(String, String)>,
    pub message: Option<String>,
}

impl Typed {
    fn fresh(defaults: &[(&str, String)]) -> Typed {
        Typed {
            command_id: command_id().to_string(),
            values: defaults.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
            errors: vec![],
            message: None,
        }
    }

    pub fn value(&self, field: &str) -> &str {
        self.values.get(field).map(String::as_str).unwrap_or_default()
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

#[derive(Template)]
#[template(path = "cahier.html")]
struct CahierPage {
    shell: Shell,
    csrf: String,
    heading: String,
    lessons: Vec<EntryLine>,
    homework: Vec<EntryLine>,
    lesson_action: String,
    homework_action: String,
    lesson: Typed,
    work: Typed,
}

/// Which of the two forms a refused post came from.
enum Failed {
    Lesson(Typed),
    Homework(Typed),
}

async fn page(state: &AppState, who: &SignedIn, class: &str, subject: &str, failed: Option<Failed>) -> Result<Response, PortalError> {
    let (class, subject) = (parse_id(class)?, parse_id(subject)?);
    let store = state.backend.read_models.as_ref();
    // The teacher's own assignment names the page; anything else is not theirs to see here.
    let assignment = ent_projections::directory::queries::my_classes(store, &who.actor)
        .await?
        .into_iter()
        .find(|a| a.class_or_group == class && a.subject_id == subject)
        .ok_or(PortalError::Forbidden)?;
    let doc = match ent_projections::cahier_de_textes::queries::cahier(store, &who.actor, class, subject).await {
        Ok(doc) => Some(doc),
        // A cahier with no entry yet is not a document yet.
        Err(QueryError::NotFound(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let (lessons, homework) = doc.map(lines).unwrap_or_default();
    let today = Utc::now().date_naive().to_string();
    let (lesson, work, status) = match failed {
        None => (fresh_lesson(&today), fresh_homework(&today), StatusCode::OK),
        Some(Failed::Lesson(t)) => (t, fresh_homework(&today), StatusCode::UNPROCESSABLE_ENTITY),
        Some(Failed::Homework(t)) => (fresh_lesson(&today), t, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let base = format!("/enseignant/cahier/{class}/{subject}");
    let mut response = render(&CahierPage {
        shell: who.shell(format!("Cahier de textes {}", assignment.class_or_group_code), super::structure_name(state, who).await),
        csrf: who.csrf.clone(),
        heading: format!("Cahier de textes — {}, {}", assignment.class_or_group_code, assignment.subject_name),
        lessons,
        homework,
        lesson_action: format!("{base}/seances"),
        homework_action: format!("{base}/devoirs"),
        lesson,
        work,
    });
    *response.status_mut() = status;
    Ok(response)
}

fn fresh_lesson(today: &str) -> Typed {
    Typed::fresh(&[("date", today.to_string()), ("start", "08:00".into()), ("end", "09:00".into())])
}

fn fresh_homework(today: &str) -> Typed {
    Typed::fresh(&[("given_on", today.to_string())])
}

fn lines(doc: CahierDoc) -> (Vec<EntryLine>, Vec<EntryLine>) {
    let mut lessons = doc.lessons;
    lessons.sort_by_key(|l| std::cmp::Reverse((l.date, l.start)));
    let mut homework: Vec<_> = doc.homework.into_iter().filter(|h| !h.cancelled).collect();
    homework.sort_by_key(|h| std::cmp::Reverse((h.due_on, h.given_on)));
    (
        lessons
            .into_iter()
            .take(RECENT)
            .map(|l| EntryLine {
                date: format!("{}, {} – {}", french_date(l.date), l.start.format("%H:%M"), l.end.format("%H:%M")),
                title: l.title,
                detail: l.content,
            })
            .collect(),
        homework
            .into_iter()
            .take(RECENT)
            .map(|h| EntryLine {
                date: format!("pour le {}", french_date(h.due_on)),
                title: h.description,
                detail: h.estimated_minutes.map(|m| format!("environ {m} min")).unwrap_or_default(),
            })
            .collect(),
    )
}

/// `GET /enseignant/cahier/{class}/{subject}`.
pub async fn view(
    State(state): State<AppState>,
    who: SignedIn,
    Path((class, subject)): Path<(String, String)>,
    Query(q): Query<After>,
) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &[ent_projections::cahier_de_textes::NAME]).await;
    page(&state, &who, &class, &subject, None).await
}

fn typed_from(form: &FormData, names: &[&str], fields: &[ent_commands::FieldError], message: Option<String>) -> Typed {
    let errors: Vec<(String, String)> = names.iter().filter_map(|n| message_for(fields, n).map(|m| (n.to_string(), m))).collect();
    let message = if errors.is_empty() { message } else { None };
    Typed {
        // Nothing was appended: the form comes back with a new command id.
        command_id: command_id().to_string(),
        values: names.iter().map(|n| (n.to_string(), form.get(n).unwrap_or_default().to_string())).collect(),
        errors,
        message,
    }
}

const LESSON_FIELDS: [&str; 5] = ["date", "start", "end", "title", "content"];
const HOMEWORK_FIELDS: [&str; 4] = ["given_on", "due_on", "description", "estimated_minutes"];

/// `POST /enseignant/cahier/{class}/{subject}/seances`: `LogLesson`.
pub async fn log_lesson(
    State(state): State<AppState>,
    who: SignedIn,
    Path((class, subject)): Path<(String, String)>,
    Form(fields): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = FormData(fields);
    let (class_id, subject_id) = (parse_id(&class)?, parse_id(&subject)?);
    let payload = json!({
        "class_or_group": class_id,
        "subject": subject_id,
        "date": form.get("date").unwrap_or_default(),
        "start": form.get("start").unwrap_or_default(),
        "end": form.get("end").unwrap_or_default(),
        "title": form.get("title").unwrap_or_default(),
        "content": form.get("content").unwrap_or_default(),
    });
    match forms::run(&state, &who, &form, "LogLesson", payload).await {
        Ok(position) => Ok(forms::see_other(&format!("/enseignant/cahier/{class_id}/{subject_id}"), position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, fields }) => {
            let typed = typed_from(&form, &LESSON_FIELDS, &fields, Some(message));
            page(&state, &who, &class, &subject, Some(Failed::Lesson(typed))).await
        }
    }
}

/// `POST /enseignant/cahier/{class}/{subject}/devoirs`: `AssignHomework`.
pub async fn assign_homework(
    State(state): State<AppState>,
    who: SignedIn,
    Path((class, subject)): Path<(String, String)>,
    Form(fields): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = FormData(fields);
    let (class_id, subject_id) = (parse_id(&class)?, parse_id(&subject)?);
    let minutes = form.text("estimated_minutes");
    let parsed_minutes = minutes.as_deref().map(str::parse::<u32>);
    if matches!(parsed_minutes, Some(Err(_))) {
        who.check_csrf(&state, form.get("_csrf"))?;
        let fields = vec![ent_commands::FieldError { field: "estimated_minutes".into(), message: "un nombre de minutes".into() }];
        let typed = typed_from(&form, &HOMEWORK_FIELDS, &fields, None);
        return page(&state, &who, &class, &subject, Some(Failed::Homework(typed))).await;
    }
    let payload = json!({
        "class_or_group": class_id,
        "subject": subject_id,
        "given_on": form.get("given_on").unwrap_or_default(),
        "due_on": form.get("due_on").unwrap_or_default(),
        "description": form.get("description").unwrap_or_default(),
        "estimated_minutes": parsed_minutes.and_then(Result::ok),
    });
    match forms::run(&state, &who, &form, "AssignHomework", payload).await {
        Ok(position) => Ok(forms::see_other(&format!("/enseignant/cahier/{class_id}/{subject_id}"), position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, fields }) => {
            let typed = typed_from(&form, &HOMEWORK_FIELDS, &fields, Some(message));
            page(&state, &who, &class, &subject, Some(Failed::Homework(typed))).await
        }
    }
}
