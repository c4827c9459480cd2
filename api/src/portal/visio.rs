//! The "Visio" page: the visitor's meetings (with their join links), and for teachers and staff
//! a form to schedule one with people of a class they teach (`ScheduleMeeting`).

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{NaiveDate, NaiveTime, TimeZone};
use ent_domain::directory::Profile;
use ent_projections::visio::{self, queries};
use serde_json::json;
use uuid::Uuid;

use super::family::After;
use super::forms::{self, FormData, Rejected};
use super::page::{PortalError, Shell, render};
use super::session::{SignedIn, command_id};
use crate::state::AppState;

pub struct MeetingLine {
    pub title: String,
    pub when: String,
    pub join_url: String,
    pub organiser: String,
    pub cancelled: bool,
}

pub struct Invitee {
    pub id: String,
    pub name: String,
    pub field_id: String,
}

#[derive(Template)]
#[template(path = "visio.html")]
struct VisioPage {
    shell: Shell,
    csrf: String,
    meetings: Vec<MeetingLine>,
    organiser: bool,
    invitees: Vec<Invitee>,
    command_id: String,
    error: Option<String>,
}

fn paris(t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono_tz::Tz> {
    t.with_timezone(&chrono_tz::Europe::Paris)
}

/// The people of the classes the organiser teaches (or, for staff, of every class): teachers and
/// pupils, once each.
async fn invitees(state: &AppState, who: &SignedIn) -> Result<Vec<Invitee>, PortalError> {
    let store = state.backend.read_models.as_ref();
    let classes: Vec<Uuid> = if who.profile() == Profile::Enseignant {
        ent_projections::directory::queries::my_classes(store, &who.actor).await?.into_iter().map(|a| a.class_or_group).collect()
    } else {
        let tree = ent_projections::directory::queries::structure_tree(store, &who.actor, &who.card.structure).await?;
        tree.classes.iter().map(|c| c.id).collect()
    };
    let mut seen = std::collections::HashSet::from([who.card.id]);
    let mut out = Vec::new();
    for class in classes {
        let Ok(roster) = ent_projections::directory::queries::class_roster(store, &who.actor, class).await else { continue };
        let people = roster
            .teachers
            .iter()
            .map(|t| (t.id, format!("{} {} (professeur, {})", t.first_name, t.last_name, roster.code)))
            .chain(roster.members.iter().map(|m| (m.id, format!("{} {} ({})", m.first_name, m.last_name, roster.code))));
        for (id, name) in people {
            if seen.insert(id) {
                out.push(Invitee { id: id.to_string(), field_id: format!("invite-{id}"), name });
            }
        }
    }
    Ok(out)
}

async fn page(state: &AppState, who: &SignedIn, error: Option<String>) -> Result<Response, PortalError> {
    let meetings = queries::my_meetings(state.backend.read_models.as_ref(), &who.actor, None).await?;
    let meetings = meetings
        .into_iter()
        .map(|m| MeetingLine {
            when: format!("{} – {}", paris(m.from).format("%d/%m/%Y %H:%M"), paris(m.to).format("%H:%M")),
            title: m.title,
            join_url: m.join_url,
            organiser: m.organiser_name.unwrap_or_default(),
            cancelled: m.cancelled,
        })
        .collect();
    let organiser = matches!(who.profile(), Profile::Enseignant | Profile::Personnel);
    let invitees = if organiser { invitees(state, who).await? } else { Vec::new() };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let mut response = render(&VisioPage {
        shell: who.shell("Visio", who.structure_name.clone()),
        csrf: who.csrf.clone(),
        meetings,
        organiser,
        invitees,
        command_id: command_id().to_string(),
        error,
    });
    *response.status_mut() = status;
    Ok(response)
}

/// `GET /visio`.
pub async fn view(State(state): State<AppState>, who: SignedIn, Query(q): Query<After>) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &[visio::NAME]).await;
    page(&state, &who, None).await
}

/// The instant of a date and a time of day in Paris.
fn instant(date: &str, time: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let d = date.parse::<NaiveDate>().ok()?;
    let t = NaiveTime::parse_from_str(time, "%H:%M").ok()?;
    chrono_tz::Europe::Paris.from_local_datetime(&d.and_time(t)).earliest().map(|t| t.with_timezone(&chrono::Utc))
}

/// `POST /visio`: `ScheduleMeeting`. The form is sent as `application/x-www-form-urlencoded`
/// with one `participants` pair per ticked box.
pub async fn schedule(
    State(state): State<AppState>,
    who: SignedIn,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PortalError> {
    let participants: Vec<&str> = pairs.iter().filter(|(k, _)| k == "participants").map(|(_, v)| v.as_str()).collect();
    let form = FormData(pairs.iter().filter(|(k, _)| k != "participants").cloned().collect());
    let date = form.get("date").unwrap_or_default();
    let (Some(from), Some(to)) = (instant(date, form.get("start").unwrap_or_default()), instant(date, form.get("end").unwrap_or_default()))
    else {
        who.check_csrf(&state, form.get("_csrf"))?;
        return page(&state, &who, Some("Indiquez la date, l'heure de début et l'heure de fin.".into())).await;
    };
    let payload = json!({
        "structure": who.card.structure, "title": form.get("title").unwrap_or_default(),
        "from": from, "to": to, "participants": participants, "join_url": form.get("join_url").unwrap_or_default(),
    });
    match forms::run(&state, &who, &form, "ScheduleMeeting", payload).await {
        Ok(position) => Ok(forms::see_other("/visio", position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, fields }) => {
            let detail = fields.iter().map(|f| format!("{} : {}", f.field.trim_start_matches("payload."), f.message)).collect::<Vec<_>>();
            page(&state, &who, Some(if detail.is_empty() { message } else { detail.join(" ; ") })).await
        }
    }
}
