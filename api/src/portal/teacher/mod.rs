//! A teacher's pages: the home (today's lessons with their roll call, the classes taught with
//! their grades and cahier de textes), the roll call, the grade grid, the cahier de textes.
//! Lessons are read through the same timetable query as `GET /api/v1/teachers/{id}/lessons`,
//! classes through `GET /api/v1/me/classes`'s.

pub mod cahier;
pub mod grades;
pub mod roll_call;

use askama::Template;
use axum::response::Response;
use chrono::{Duration, NaiveDate, Utc};
use ent_projections::directory::AssignmentRef;

use super::family::french_date;
use super::page::{PortalError, Shell, render};
use super::session::SignedIn;
use crate::state::AppState;

/// How many rows a posted roll or grid may have: no class is larger, and a forged count must not
/// make the server allocate for it.
pub const MAX_ROWS: usize = 200;

/// The day a page is for: `?date=` when it is a date, else today.
pub fn day_of(raw: Option<&str>) -> NaiveDate {
    raw.and_then(|d| d.parse().ok()).unwrap_or_else(|| Utc::now().date_naive())
}

pub struct LessonLine {
    pub time: String,
    pub class: String,
    pub subject: String,
    pub room: String,
    pub roll_call_href: String,
    pub taken: bool,
}

pub struct ClassLine {
    pub class: String,
    pub subject: String,
    pub grades_href: String,
    pub cahier_href: String,
}

#[derive(Template)]
#[template(path = "teacher_home.html")]
struct TeacherHome {
    shell: Shell,
    heading: String,
    day: String,
    is_today: bool,
    previous_href: String,
    next_href: String,
    today_href: String,
    lessons: Vec<LessonLine>,
    classes: Vec<ClassLine>,
}

/// The name of the teacher's structure, for the header (its UAI when the directory has no name).
pub async fn structure_name(state: &AppState, who: &SignedIn) -> Option<String> {
    ent_projections::directory::queries::structure_tree(state.backend.read_models.as_ref(), &who.actor, &who.card.structure)
        .await
        .ok()
        .map(|t| t.name)
}

/// The links of one class and subject the teacher teaches.
pub fn class_line(a: &AssignmentRef) -> ClassLine {
    ClassLine {
        class: a.class_or_group_code.clone(),
        subject: a.subject_name.clone(),
        grades_href: format!("/enseignant/notes/{}/{}", a.class_or_group, a.subject_id),
        cahier_href: format!("/enseignant/cahier/{}/{}", a.class_or_group, a.subject_id),
    }
}

/// `GET /` for a teacher.
pub async fn home(state: &AppState, who: &SignedIn, date: Option<&str>) -> Result<Response, PortalError> {
    let store = state.backend.read_models.as_ref();
    let day = day_of(date);
    let lessons = ent_projections::vie_scolaire::queries::teacher_lessons(store, &who.actor, who.card.id, day).await?;
    let classes = ent_projections::directory::queries::my_classes(store, &who.actor).await?;
    let lessons = lessons
        .iter()
        .map(|l| LessonLine {
            time: format!("{} – {}", l.start.format("%H:%M"), l.end.format("%H:%M")),
            class: l.class_or_group_name.clone().unwrap_or_else(|| "Classe".into()),
            subject: l.subject_name.clone().unwrap_or_else(|| "Matière".into()),
            room: l.room.clone().map(|r| format!("salle {r}")).unwrap_or_default(),
            roll_call_href: format!("/enseignant/appel/{}", l.lesson_id),
            taken: l.roll_call_taken,
        })
        .collect();
    let today = Utc::now().date_naive();
    Ok(render(&TeacherHome {
        shell: who.shell("Accueil", structure_name(state, who).await),
        heading: format!("Bonjour {}", who.card.first_name),
        day: french_date(day),
        is_today: day == today,
        previous_href: format!("/?date={}", day - Duration::days(1)),
        next_href: format!("/?date={}", day + Duration::days(1)),
        today_href: "/".into(),
        lessons,
        classes: classes.iter().map(class_line).collect(),
    }))
}
