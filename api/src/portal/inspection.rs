//! The inspector's pages: the cahiers de textes of every structure (the `cahiers_to_inspect`
//! query), one cahier read in full (the same `cahier` query as
//! `GET /api/v1/cahier/{class_or_group}/{subject}`) and its visa (`VisaCahier`, with a comment),
//! the refusal shown next to the field it names. An inspector reads nothing else personal
//! (docs/domain.md, "Who sees what").

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ent_projections::cahier_de_textes::queries;
use serde_json::json;
use uuid::Uuid;

use super::family::{After, french_date};
use super::forms::{self, FormData, Rejected};
use super::page::{PortalError, Shell, parse_id, render};
use super::session::{SignedIn, command_id};
use crate::state::AppState;

const READS: [&str; 2] = [ent_projections::cahier_de_textes::NAME, ent_projections::directory::NAME];

pub struct CahierLink {
    pub href: String,
    pub class: String,
    pub subject: String,
    pub teachers: String,
    pub entries: String,
    pub visa: String,
    pub visaed: bool,
}

pub struct StructureBlock {
    pub uai: String,
    pub cahiers: Vec<CahierLink>,
}

#[derive(Template)]
#[template(path = "inspection.html")]
struct ListPage {
    shell: Shell,
    structures: Vec<StructureBlock>,
}

/// The inspector's `GET /` and `GET /inspection`.
pub async fn list(State(state): State<AppState>, who: SignedIn) -> Result<Response, PortalError> {
    home(&state, &who).await
}

pub async fn home(state: &AppState, who: &SignedIn) -> Result<Response, PortalError> {
    let cahiers = queries::cahiers_to_inspect(state.backend.read_models.as_ref(), &who.actor).await?;
    let mut structures: Vec<StructureBlock> = Vec::new();
    for c in cahiers {
        let link = CahierLink {
            href: format!("/inspection/cahiers/{}/{}", c.class_or_group, c.subject),
            class: c.class_or_group_name.unwrap_or_else(|| "Classe".into()),
            subject: c.subject_name.unwrap_or_else(|| "Matière".into()),
            teachers: c.teachers.iter().map(|t| format!("{} {}", t.first_name, t.last_name)).collect::<Vec<_>>().join(", "),
            entries: format!("{} séance(s), {} devoir(s)", c.lessons, c.homework),
            visa: c.last_visa.map(|at| format!("Visé le {}", french_date(at.date_naive()))).unwrap_or_else(|| "Jamais visé".into()),
            visaed: c.last_visa.is_some(),
        };
        match structures.last_mut() {
            Some(s) if s.uai == c.structure => s.cahiers.push(link),
            _ => structures.push(StructureBlock { uai: c.structure, cahiers: vec![link] }),
        }
    }
    Ok(render(&ListPage { shell: who.shell("Cahiers de textes", Some("Inspection".into())), structures }))
}

pub struct LessonView {
    pub date: String,
    pub title: String,
    pub content: String,
    pub author: String,
}

pub struct HomeworkView {
    pub given: String,
    pub due: String,
    pub description: String,
    pub cancelled: bool,
}

pub struct VisaView {
    pub date: String,
    pub teacher: String,
    pub by: String,
    pub comment: String,
}

pub struct TeacherChoice {
    pub id: String,
    pub name: String,
    pub selected: bool,
}

/// The visa form as typed, with the errors of a refused post.
#[derive(Default)]
pub struct VisaForm {
    pub command_id: String,
    pub comment: String,
    pub teacher_error: Option<String>,
    pub comment_error: Option<String>,
    pub general: Option<String>,
}

#[derive(Template)]
#[template(path = "inspection_cahier.html")]
struct CahierPage {
    shell: Shell,
    csrf: String,
    heading: String,
    action: String,
    lessons: Vec<LessonView>,
    homework: Vec<HomeworkView>,
    visas: Vec<VisaView>,
    teachers: Vec<TeacherChoice>,
    form: VisaForm,
}

async fn show(
    state: &AppState,
    who: &SignedIn,
    cog: Uuid,
    subject: Uuid,
    chosen: Option<&str>,
    form: VisaForm,
) -> Result<Response, PortalError> {
    let store = state.backend.read_models.as_ref();
    if !who.actor.is_inspector() {
        return Err(PortalError::Forbidden);
    }
    let doc = queries::cahier(store, &who.actor, cog, subject).await?;
    let summaries = queries::cahiers_to_inspect(store, &who.actor).await?;
    let teachers = summaries
        .into_iter()
        .find(|s| s.class_or_group == cog && s.subject == subject)
        .map(|s| s.teachers)
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            let id = t.id.to_string();
            TeacherChoice { selected: chosen.map_or(i == 0, |c| c == id), id, name: format!("{} {}", t.first_name, t.last_name) }
        })
        .collect();
    let class = doc.class_or_group_name.clone().unwrap_or_else(|| "Classe".into());
    let subject_name = doc.subject_name.clone().unwrap_or_else(|| "Matière".into());
    let status = if form.teacher_error.is_some() || form.comment_error.is_some() || form.general.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = CahierPage {
        shell: who.shell(format!("Cahier de textes — {class}, {subject_name}"), Some(doc.structure.clone())),
        csrf: who.csrf.clone(),
        heading: format!("{class} — {subject_name}"),
        action: format!("/inspection/cahiers/{cog}/{subject}"),
        lessons: doc
            .lessons
            .iter()
            .map(|l| LessonView {
                date: format!("{}, {}–{}", french_date(l.date), l.start.format("%H:%M"), l.end.format("%H:%M")),
                title: l.title.clone(),
                content: l.content.clone(),
                author: l.author_name.clone().unwrap_or_default(),
            })
            .collect(),
        homework: doc
            .homework
            .iter()
            .map(|h| HomeworkView {
                given: french_date(h.given_on),
                due: french_date(h.due_on),
                description: h.description.clone(),
                cancelled: h.cancelled,
            })
            .collect(),
        visas: doc
            .visas
            .iter()
            .rev()
            .map(|v| VisaView {
                date: french_date(v.at.date_naive()),
                teacher: v.teacher_name.clone().unwrap_or_default(),
                by: v.by_name.clone().unwrap_or_default(),
                comment: v.comment.clone().unwrap_or_default(),
            })
            .collect(),
        teachers,
        form,
    };
    let mut r = render(&page);
    *r.status_mut() = status;
    Ok(r)
}

/// `GET /inspection/cahiers/{class_or_group}/{subject}`.
pub async fn cahier(
    State(state): State<AppState>,
    who: SignedIn,
    Path((cog, subject)): Path<(String, String)>,
    Query(after): Query<After>,
) -> Result<Response, PortalError> {
    forms::await_position(&state, after.apres, &READS).await;
    let form = VisaForm { command_id: command_id().to_string(), ..Default::default() };
    show(&state, &who, parse_id(&cog)?, parse_id(&subject)?, None, form).await
}

/// `POST /inspection/cahiers/{class_or_group}/{subject}`: the visa.
pub async fn visa(
    State(state): State<AppState>,
    who: SignedIn,
    Path((cog, subject)): Path<(String, String)>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let (cog, subject) = (parse_id(&cog)?, parse_id(&subject)?);
    let form = FormData(fields);
    let mut typed = VisaForm {
        command_id: form.get("command_id").unwrap_or_default().to_string(),
        comment: form.get("comment").unwrap_or_default().to_string(),
        ..Default::default()
    };
    let teacher = form.get("teacher").and_then(|t| Uuid::parse_str(t).ok());
    let Some(teacher) = teacher else {
        who.check_csrf(&state, form.get("_csrf"))?;
        typed.teacher_error = Some("Choisissez l'enseignant.".into());
        return show(&state, &who, cog, subject, None, typed).await;
    };
    let payload = json!({"teacher": teacher, "class_or_group": cog, "subject": subject, "comment": form.text("comment")});
    match forms::run(&state, &who, &form, "VisaCahier", payload).await {
        Ok(position) => Ok(forms::see_other(&format!("/inspection/cahiers/{cog}/{subject}"), position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, fields }) => {
            typed.teacher_error = forms::message_for(&fields, "teacher");
            typed.comment_error = forms::message_for(&fields, "comment");
            if typed.teacher_error.is_none() && typed.comment_error.is_none() {
                typed.general = Some(message);
            }
            show(&state, &who, cog, subject, Some(&teacher.to_string()), typed).await
        }
    }
}
