//! The home page, and a family's view of a child: homework due in the next days, latest grades,
//! absences to justify with the justification form right there, unread notifications. Parents
//! and pupils read these through the same "today" query as `GET /api/v1/me/today`, so they see
//! exactly what the API lets them see; staff get their own home.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::{Datelike, NaiveDate, NaiveTime, Utc};
use ent_domain::directory::Profile;
use ent_domain::notes::GradeStatus;
use ent_domain::vie_scolaire::Half;
use ent_domain::vie_scolaire::absences::{HalfDayStatus, MissedHalfDay};
use ent_projections::today::{ChildToday, Today};
use serde::Deserialize;
use serde_json::json;

use super::forms::{self, FormData, Rejected};
use super::page::{PortalError, Shell, parse_id, render};
use super::session::{SignedIn, command_id};
use crate::state::AppState;

/// Projections a family page reads.
const READS: [&str; 4] = [
    ent_projections::directory::NAME,
    ent_projections::cahier_de_textes::NAME,
    ent_projections::notes::NAME,
    ent_projections::vie_scolaire::NAME,
];

/// `?apres=`: the position of the command the visitor just sent.
#[derive(Deserialize)]
pub struct After {
    pub apres: Option<u64>,
    /// A day other than today, for pages about a day (a teacher's lessons).
    pub date: Option<String>,
}

pub struct HomeworkView {
    pub due: String,
    pub subject: String,
    pub description: String,
    pub minutes: Option<u32>,
}

pub struct GradeView {
    pub date: String,
    pub subject: String,
    pub title: String,
    pub mark: String,
}

/// A missed half-day, with its justification form when it still needs one.
pub struct AbsenceView {
    pub key: String,
    pub label: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub justify: Option<JustifyForm>,
}

/// The justification form of one absence, with what was typed and the error of a refused post.
pub struct JustifyForm {
    pub action: String,
    pub command_id: String,
    pub from: String,
    pub to: String,
    pub reason: String,
    pub comment: String,
    pub error: Option<String>,
}

pub struct ChildView {
    pub id: String,
    pub name: String,
    pub class: String,
    pub homework: Vec<HomeworkView>,
    pub period: String,
    pub grades: Vec<GradeView>,
    pub absences: Vec<AbsenceView>,
    /// On a child's own page: every missed half-day of the year with its status.
    pub history: Option<Vec<AbsenceView>>,
    /// On a child's own page: the published bulletins.
    pub bulletins: Vec<super::bulletins::BulletinLink>,
    pub notifications: Vec<String>,
}

#[derive(Template)]
#[template(path = "family.html")]
struct FamilyPage {
    shell: Shell,
    csrf: String,
    heading: String,
    children: Vec<ChildView>,
    reasons: &'static [&'static str],
}

/// Reasons a parent can give (the form also takes a comment).
pub const REASONS: &[&str] = &["Maladie", "Rendez-vous médical", "Raison familiale", "Transport", "Autre"];

const MONTHS: [&str; 12] =
    ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
const WEEKDAYS: [&str; 7] = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];

/// "lundi 23 novembre".
pub fn french_date(d: NaiveDate) -> String {
    format!("{} {} {}", WEEKDAYS[d.weekday().num_days_from_monday() as usize], d.day(), MONTHS[d.month0() as usize])
}

fn mark(value: Option<ent_domain::notes::Hundredths>, status: Option<GradeStatus>, scale: u32) -> String {
    match (status, value) {
        (Some(GradeStatus::Abs), _) => "Absent".into(),
        (Some(GradeStatus::Disp), _) => "Dispensé".into(),
        (Some(GradeStatus::Nr), _) => "Non rendu".into(),
        (Some(GradeStatus::Nn), _) => "Non noté".into(),
        (None, Some(v)) => format!("{}/{scale}", french_number(v.0)),
        (None, None) => "—".into(),
    }
}

/// Hundredths as written in French: "15", "15,5", "15,25".
pub fn french_number(hundredths: u32) -> String {
    let (units, cents) = (hundredths / 100, hundredths % 100);
    match cents {
        0 => units.to_string(),
        c if c.is_multiple_of(10) => format!("{units},{}", c / 10),
        c => format!("{units},{c:02}"),
    }
}

/// A refused justification post, to show on the absence it was for.
pub struct FormState {
    pub absence_key: String,
    pub reason: String,
    pub comment: String,
    pub error: String,
}

fn absence_view(pupil: uuid::Uuid, a: &MissedHalfDay, can_justify: bool, failed: Option<&FormState>) -> AbsenceView {
    let key = format!("{}-{}", a.date, if a.half == Half::Am { "am" } else { "pm" });
    let (status, status_class) = match a.status {
        HalfDayStatus::Unjustified => ("À justifier", "status-todo"),
        HalfDayStatus::Pending => ("Justificatif envoyé, en attente de la vie scolaire", "status-pending"),
        HalfDayStatus::Justified => ("Justifiée", "status-ok"),
        HalfDayStatus::Refused => ("Justificatif refusé", "status-todo"),
    };
    let needs_form = can_justify && matches!(a.status, HalfDayStatus::Unjustified | HalfDayStatus::Refused);
    let mine = failed.filter(|f| f.absence_key == key);
    let justify = needs_form.then(|| JustifyForm {
        action: format!("/eleves/{pupil}/justifications"),
        command_id: command_id().to_string(),
        from: a.date.and_time(NaiveTime::MIN).format("%Y-%m-%dT%H:%M:%S").to_string(),
        to: a.date.and_hms_opt(23, 59, 0).map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string()).unwrap_or_default(),
        reason: mine.map(|f| f.reason.clone()).unwrap_or_default(),
        comment: mine.map(|f| f.comment.clone()).unwrap_or_default(),
        error: mine.map(|f| f.error.clone()),
    });
    let half = if a.half == Half::Am { "matin" } else { "après-midi" };
    AbsenceView { key, label: format!("{} ({half})", french_date(a.date)), status, status_class, justify }
}

fn child_view(child: &ChildToday, can_justify: bool, failed: Option<&FormState>) -> ChildView {
    let homework = child
        .homework
        .iter()
        .map(|h| HomeworkView {
            due: french_date(h.due_on),
            subject: h.subject_name.clone().unwrap_or_else(|| "Matière".into()),
            description: h.description.clone(),
            minutes: h.estimated_minutes,
        })
        .collect();
    let grades = child
        .latest_grades
        .iter()
        .map(|g| GradeView {
            date: french_date(g.date),
            subject: g.subject_name.clone().unwrap_or_else(|| "Matière".into()),
            title: g.title.clone(),
            mark: mark(g.value, g.status, g.scale),
        })
        .collect();
    let absences = child.absences_to_justify.iter().map(|a| absence_view(child.id, a, can_justify, failed)).collect();
    ChildView {
        id: child.id.to_string(),
        name: child.display_name.clone(),
        class: child.class.as_ref().map(|c| c.code.clone()).unwrap_or_default(),
        homework,
        period: child.period_name.clone().unwrap_or_default(),
        grades,
        absences,
        history: None,
        bulletins: Vec::new(),
        notifications: child
            .unread_notifications
            .iter()
            .map(|n| match &n.subject_name {
                Some(subject) => {
                    format!("{} absent(e) en {subject} le {} à {}", n.pupil_name, french_date(n.date), n.start.format("%H:%M"))
                }
                None => format!("{} absent(e) le {} à {}", n.pupil_name, french_date(n.date), n.start.format("%H:%M")),
            })
            .collect(),
    }
}

async fn today_of(state: &AppState, who: &SignedIn) -> Result<Today, PortalError> {
    Ok(ent_projections::today::today(state.backend.read_models.as_ref(), &who.actor, Utc::now().date_naive()).await?)
}

fn structure_name(today: &Today) -> Option<String> {
    today.children.first().and_then(|c| c.structure_name.clone())
}

/// `GET /`: the visitor's home.
pub async fn home(State(state): State<AppState>, who: SignedIn, Query(after): Query<After>) -> Result<Response, PortalError> {
    forms::await_position(&state, after.apres, &READS).await;
    match who.profile() {
        Profile::Parent | Profile::Eleve => {
            let today = today_of(&state, &who).await?;
            let can_justify = who.profile() == Profile::Parent;
            let mut children = Vec::new();
            for c in &today.children {
                let mut view = child_view(c, can_justify, None);
                view.bulletins = super::bulletins::published(&state, &who, c.id, &c.structure, today.date).await?;
                children.push(view);
            }
            let heading = if who.profile() == Profile::Parent { "Mes enfants aujourd'hui".into() } else { "Ma journée".into() };
            Ok(render(&FamilyPage {
                shell: who.shell("Accueil", structure_name(&today)),
                csrf: who.csrf.clone(),
                heading,
                children,
                reasons: REASONS,
            }))
        }
        _ => super::staff::home(&state, &who, &after).await,
    }
}

async fn render_child(state: &AppState, who: &SignedIn, pupil: &str, failed: Option<FormState>) -> Result<Response, PortalError> {
    let id = parse_id(pupil)?;
    if !matches!(who.profile(), Profile::Parent | Profile::Eleve) {
        return Err(PortalError::Forbidden);
    }
    let today = today_of(state, who).await?;
    // Only the visitor's own children (or themself) are in "today": anyone else's page is refused,
    // and the refusal shows nothing of that pupil (docs/domain.md, "Reading").
    let child = today.children.iter().find(|c| c.id == id).ok_or(PortalError::Forbidden)?;
    let can_justify = who.profile() == Profile::Parent;
    let mut view = child_view(child, can_justify, failed.as_ref());
    let record = ent_projections::vie_scolaire::queries::pupil_absences(state.backend.read_models.as_ref(), &who.actor, id).await?;
    view.history = Some(record.half_days.iter().rev().map(|a| absence_view(id, a, can_justify, failed.as_ref())).collect());
    view.bulletins = super::bulletins::published(state, who, id, &child.structure, today.date).await?;
    let heading = format!("{} — {}", view.name, view.class);
    Ok(render(&FamilyPage {
        shell: who.shell(view.name.clone(), structure_name(&today)),
        csrf: who.csrf.clone(),
        heading,
        children: vec![view],
        reasons: REASONS,
    }))
}

/// `GET /eleves/{pupil}`: one child's page.
pub async fn pupil_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(pupil): Path<String>,
    Query(after): Query<After>,
) -> Result<Response, PortalError> {
    forms::await_position(&state, after.apres, &READS).await;
    render_child(&state, &who, &pupil, None).await
}

/// `POST /eleves/{pupil}/justifications`: a parent justifies an absence (`JustifyAbsence`).
pub async fn justify(
    State(state): State<AppState>,
    who: SignedIn,
    Path(pupil): Path<String>,
    Form(fields): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = FormData(fields);
    let id = parse_id(&pupil)?;
    let reason = form.text("reason");
    let payload = json!({
        "pupil": id,
        "from": form.get("from"),
        "to": form.get("to"),
        "reason": reason.clone().unwrap_or_default(),
        "comment": form.text("comment"),
    });
    let failed = |error: String| FormState {
        absence_key: form.get("absence").unwrap_or_default().to_string(),
        reason: reason.clone().unwrap_or_default(),
        comment: form.get("comment").unwrap_or_default().to_string(),
        error,
    };
    if reason.is_none() {
        // Checked here too so that nothing is sent for an empty choice; the domain checks it anyway.
        who.check_csrf(&state, form.get("_csrf"))?;
        return render_child(&state, &who, &pupil, Some(failed("Choisissez un motif.".into()))).await.map(|mut r| {
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            r
        });
    }
    match forms::run(&state, &who, &form, "JustifyAbsence", payload).await {
        Ok(position) => Ok(forms::see_other(&format!("/eleves/{id}"), position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, fields }) => {
            let error = forms::message_for(&fields, "reason").unwrap_or(message);
            render_child(&state, &who, &pupil, Some(failed(error))).await.map(|mut r| {
                *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
                r
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_the_french_way() {
        assert_eq!(french_number(1500), "15");
        assert_eq!(french_number(1550), "15,5");
        assert_eq!(french_number(1525), "15,25");
        assert_eq!(french_number(5), "0,05");
    }

    #[test]
    fn dates_are_written_in_french() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        assert_eq!(french_date(d), "lundi 23 novembre");
    }

    #[test]
    fn marks_show_statuses_in_words() {
        assert_eq!(mark(None, Some(GradeStatus::Abs), 20), "Absent");
        assert_eq!(mark(Some(ent_domain::notes::Hundredths(1250)), None, 20), "12,5/20");
    }
}
