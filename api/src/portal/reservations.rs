//! The réservations pages: the structure's rooms and equipment and the visitor's bookings (to
//! cancel), a resource's week with a booking form, the bookings waiting for a manager's
//! approval, the occupancy of a week for the direction, and the direction's form of the
//! structure's closed days. Every read is the API's query (`projections::reservations::queries`,
//! `directory::calendar`), every form the API's command, in process.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Duration, NaiveDate};
use ent_commands::FieldError;
use ent_domain::reservations::events::BookingStatus;
use ent_domain::reservations::time::{Day, IsoWeek, ResourceKind, ranges_of};
use ent_projections::reservations::{BookingDoc, ResourceDoc, queries};
use serde::Deserialize;
use serde_json::json;

use super::family::french_date;
use super::forms::{self, FormData, Rejected, message_for};
use super::page::{PortalError, Shell, parse_id, render};
use super::session::{SignedIn, command_id};
use crate::state::AppState;

const READ_MODELS: [&str; 2] = [ent_projections::reservations::NAME, ent_projections::directory::NAME];

#[derive(Deserialize)]
pub struct WeekQuery {
    pub apres: Option<u64>,
    pub semaine: Option<String>,
}

fn week_of(raw: Option<&str>) -> IsoWeek {
    raw.and_then(IsoWeek::parse).unwrap_or_else(|| queries::current_week(chrono::Utc::now()))
}

pub fn kind_label(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::Salle => "Salle",
        ResourceKind::SalleInformatique => "Salle informatique",
        ResourceKind::Materiel => "Matériel",
    }
}

pub fn status_label(status: BookingStatus) -> (&'static str, &'static str) {
    match status {
        BookingStatus::Pending => ("En attente de validation", "status-pending"),
        BookingStatus::Confirmed => ("Confirmée", "status-ok"),
        BookingStatus::Rejected => ("Refusée", "status-todo"),
        BookingStatus::Cancelled => ("Annulée", "muted"),
    }
}

fn week_label(week: IsoWeek) -> String {
    match week.monday() {
        Some(m) => format!("semaine du {}", french_date(m)),
        None => week.to_string(),
    }
}

/// What was typed in a refused form, and the errors by field.
pub struct Typed {
    pub command_id: String,
    pub values: HashMap<String, String>,
    pub errors: Vec<(String, String)>,
    pub message: Option<String>,
    /// Errors naming no field of the form (e.g. each colliding occurrence).
    pub others: Vec<String>,
}

impl Typed {
    fn fresh(defaults: &[(&str, String)]) -> Typed {
        Typed {
            command_id: command_id().to_string(),
            values: defaults.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
            errors: vec![],
            message: None,
            others: vec![],
        }
    }

    /// `names` are (form field, command field) pairs.
    fn refused(form: &FormData, names: &[(&str, &str)], fields: &[FieldError], message: String) -> Typed {
        let errors: Vec<(String, String)> = names.iter().filter_map(|(f, c)| message_for(fields, c).map(|m| (f.to_string(), m))).collect();
        let others: Vec<String> = fields
            .iter()
            .filter(|e| !names.iter().any(|(_, c)| e.field == *c || e.field.ends_with(&format!(".{c}"))))
            .map(|e| e.message.clone())
            .collect();
        Typed {
            command_id: command_id().to_string(),
            values: names.iter().map(|(n, _)| (n.to_string(), form.get(n).unwrap_or_default().to_string())).collect(),
            message: if errors.is_empty() && others.is_empty() { Some(message) } else { None },
            errors,
            others,
        }
    }

    pub fn value(&self, field: &str) -> &str {
        self.values.get(field).map(String::as_str).unwrap_or_default()
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

pub struct ResourceLine {
    pub href: String,
    pub name: String,
    pub detail: String,
}

pub struct BookingLine {
    pub id: String,
    /// The resource's week of the first occurrence.
    pub href: String,
    pub resource: String,
    pub when: String,
    pub purpose: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub reason: Option<String>,
    pub booker: String,
    pub cancellable: bool,
    /// The id of the command of this line's form (cancel, approve).
    pub command_id: String,
    /// A second form's (reject).
    pub other_command_id: String,
}

fn slot_text(from: chrono::NaiveDateTime, to: chrono::NaiveDateTime) -> String {
    if from.date() == to.date() {
        format!("{}, {} – {}", french_date(from.date()), from.format("%H:%M"), to.format("%H:%M"))
    } else {
        format!("{} {} – {} {}", french_date(from.date()), from.format("%H:%M"), french_date(to.date()), to.format("%H:%M"))
    }
}

fn booking_line(b: BookingDoc) -> BookingLine {
    let (status, status_class) = status_label(b.status);
    let when = match (b.occurrences.first(), b.occurrences.len()) {
        (Some(s), 1) => slot_text(s.from, s.to),
        (Some(s), n) => format!("{} (chaque semaine, {n} séances)", slot_text(s.from, s.to)),
        (None, _) => String::new(),
    };
    let week = b.occurrences.first().map(|s| IsoWeek::of(s.from.date()));
    BookingLine {
        id: b.id.to_string(),
        href: match week {
            Some(w) => format!("/reservations/ressources/{}?semaine={w}", b.resource),
            None => format!("/reservations/ressources/{}", b.resource),
        },
        resource: b.resource_name.unwrap_or_else(|| b.resource.to_string()),
        when,
        purpose: b.purpose,
        status,
        status_class,
        reason: b.reason,
        booker: b.booker_name.unwrap_or_default(),
        cancellable: b.status.holds_slots(),
        command_id: command_id().to_string(),
        other_command_id: command_id().to_string(),
    }
}

fn resource_line(r: &ResourceDoc) -> ResourceLine {
    let mut detail = kind_label(r.kind).to_string();
    if let Some(c) = r.capacity {
        detail.push_str(&format!(" · {c} places"));
    }
    if r.requires_approval {
        detail.push_str(" · sur validation");
    }
    ResourceLine { href: format!("/reservations/ressources/{}", r.id), name: format!("{} ({})", r.name, r.code), detail }
}

#[derive(Template)]
#[template(path = "reservations.html")]
struct HomePage {
    shell: Shell,
    csrf: String,
    resources: Vec<ResourceLine>,
    bookings: Vec<BookingLine>,
    manages: bool,
    direction: bool,
    message: Option<String>,
}

async fn home_page(state: &AppState, who: &SignedIn, message: Option<String>) -> Result<Response, PortalError> {
    let store = state.backend.read_models.as_ref();
    let uai = who.card.structure.clone();
    let resources = queries::resources(store, &who.actor, &uai).await?;
    let manages = resources.iter().any(|r| queries::manages(&who.actor, r));
    let bookings = queries::my_bookings(store, &who.actor).await?.into_iter().rev().map(booking_line).collect();
    let status = if message.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let mut response = render(&HomePage {
        shell: who.shell("Réservations", None),
        csrf: who.csrf.clone(),
        resources: resources.iter().map(resource_line).collect(),
        bookings,
        manages,
        direction: who.actor.is_direction_of(&uai),
        message,
    });
    *response.status_mut() = status;
    Ok(response)
}

/// `GET /reservations`.
pub async fn home(State(state): State<AppState>, who: SignedIn, Query(q): Query<WeekQuery>) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &READ_MODELS).await;
    home_page(&state, &who, None).await
}

/// `POST /reservations/{booking}/annulation`: `CancelBooking`.
pub async fn cancel(
    State(state): State<AppState>,
    who: SignedIn,
    Path(booking): Path<String>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let booking = parse_id(&booking)?;
    let form = FormData(fields);
    match forms::run(&state, &who, &form, "CancelBooking", json!({"booking": booking})).await {
        Ok(position) => {
            Ok(forms::see_other(form.get("retour").filter(|r| r.starts_with("/reservations")).unwrap_or("/reservations"), position))
        }
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, .. }) => home_page(&state, &who, Some(message)).await,
    }
}

pub struct DayColumn {
    pub label: String,
    pub hours: String,
    pub closed: Option<String>,
    pub entries: Vec<BookingEntry>,
}

pub struct BookingEntry {
    pub time: String,
    pub purpose: String,
    pub booker: String,
    pub status: &'static str,
    pub status_class: &'static str,
}

#[derive(Template)]
#[template(path = "reservations_calendar.html")]
struct CalendarPage {
    shell: Shell,
    csrf: String,
    heading: String,
    detail: String,
    week: String,
    previous: String,
    next: String,
    days: Vec<DayColumn>,
    action: String,
    typed: Typed,
}

const BOOK_FIELDS: [(&str, &str); 5] = [("date", "date"), ("start", "from"), ("end", "to"), ("purpose", "purpose"), ("until", "until")];

async fn calendar_page(
    state: &AppState,
    who: &SignedIn,
    resource: &str,
    week: IsoWeek,
    typed: Option<Typed>,
) -> Result<Response, PortalError> {
    let id = parse_id(resource)?;
    let cal = queries::calendar(state.backend.read_models.as_ref(), &who.actor, id, week).await?;
    let res = cal.resource_doc.clone().ok_or(PortalError::NotFound)?;
    let mut days = Vec::new();
    for day in week.days() {
        let ranges: Vec<String> = ranges_of(&res.opening_hours, Day::of(day))
            .map(|r| format!("{} – {}", r.start.format("%H:%M"), r.end.format("%H:%M")))
            .collect();
        let entries: Vec<BookingEntry> = cal
            .entries
            .iter()
            .filter(|e| e.from.date() <= day && day <= e.to.date())
            .map(|e| {
                let (status, status_class) = status_label(e.status);
                BookingEntry {
                    time: if e.from.date() == e.to.date() {
                        format!("{} – {}", e.from.format("%H:%M"), e.to.format("%H:%M"))
                    } else {
                        slot_text(e.from, e.to)
                    },
                    purpose: e.purpose.clone(),
                    booker: e.booker_name.clone().unwrap_or_default(),
                    status,
                    status_class,
                }
            })
            .collect();
        let closed = cal.closed_days.iter().find(|c| c.date == day).map(|c| c.label.clone());
        if ranges.is_empty() && entries.is_empty() && closed.is_none() {
            continue;
        }
        days.push(DayColumn {
            label: french_date(day),
            hours: if ranges.is_empty() { "fermé".into() } else { ranges.join(", ") },
            closed,
            entries,
        });
    }
    let default_day = week.monday().unwrap_or_else(|| chrono::Utc::now().date_naive()).to_string();
    let (typed, status) = match typed {
        Some(t) => (t, StatusCode::UNPROCESSABLE_ENTITY),
        None => (Typed::fresh(&[("date", default_day), ("start", "09:00".into()), ("end", "10:00".into())]), StatusCode::OK),
    };
    let base = format!("/reservations/ressources/{id}");
    let link = |w: Option<IsoWeek>| w.map(|w| format!("{base}?semaine={w}")).unwrap_or_else(|| base.clone());
    let line = resource_line(&res);
    let mut response = render(&CalendarPage {
        shell: who.shell(res.name.clone(), None),
        csrf: who.csrf.clone(),
        heading: line.name,
        detail: line.detail,
        week: week_label(week),
        previous: link(week.previous()),
        next: link(week.next()),
        days,
        action: format!("{base}?semaine={week}"),
        typed,
    });
    *response.status_mut() = status;
    Ok(response)
}

/// `GET /reservations/ressources/{resource}?semaine=YYYY-Www`.
pub async fn calendar(
    State(state): State<AppState>,
    who: SignedIn,
    Path(resource): Path<String>,
    Query(q): Query<WeekQuery>,
) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &READ_MODELS).await;
    calendar_page(&state, &who, &resource, week_of(q.semaine.as_deref()), None).await
}

/// `POST /reservations/ressources/{resource}`: `BookResource`, once or weekly.
pub async fn book(
    State(state): State<AppState>,
    who: SignedIn,
    Path(resource): Path<String>,
    Query(q): Query<WeekQuery>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let id = parse_id(&resource)?;
    let form = FormData(fields);
    let date = form.text("date").unwrap_or_default();
    let time = |name: &str| form.text(name).map(|t| if t.len() == 5 { format!("{t}:00") } else { t }).unwrap_or_default();
    let mut payload = json!({
        "resource": id,
        "from": format!("{date}T{}", time("start")),
        "to": format!("{date}T{}", time("end")),
        "purpose": form.get("purpose").unwrap_or_default(),
    });
    if let Some(until) = form.text("until") {
        payload["recurrence"] = json!({"until": until});
    }
    // The week shown after booking is the week of the booking.
    let week = date.parse::<NaiveDate>().map(IsoWeek::of).unwrap_or_else(|_| week_of(q.semaine.as_deref()));
    match forms::run(&state, &who, &form, "BookResource", payload).await {
        Ok(position) => Ok(forms::see_other(&format!("/reservations/ressources/{id}?semaine={week}"), position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, fields }) => {
            let typed = Typed::refused(&form, &BOOK_FIELDS, &fields, message);
            calendar_page(&state, &who, &resource, week, Some(typed)).await
        }
    }
}

#[derive(Template)]
#[template(path = "reservations_approvals.html")]
struct ApprovalsPage {
    shell: Shell,
    csrf: String,
    bookings: Vec<BookingLine>,
    message: Option<String>,
}

async fn approvals_page(state: &AppState, who: &SignedIn, message: Option<String>) -> Result<Response, PortalError> {
    let pending = queries::pending_approvals(state.backend.read_models.as_ref(), &who.actor, &who.card.structure).await?;
    let status = if message.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let mut response = render(&ApprovalsPage {
        shell: who.shell("Réservations à valider", None),
        csrf: who.csrf.clone(),
        bookings: pending.into_iter().map(booking_line).collect(),
        message,
    });
    *response.status_mut() = status;
    Ok(response)
}

/// `GET /reservations/validations`.
pub async fn approvals(State(state): State<AppState>, who: SignedIn, Query(q): Query<WeekQuery>) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &READ_MODELS).await;
    approvals_page(&state, &who, None).await
}

/// `POST /reservations/validations/{booking}`: `ApproveBooking` or, with a reason, `RejectBooking`.
pub async fn decide(
    State(state): State<AppState>,
    who: SignedIn,
    Path(booking): Path<String>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let booking = parse_id(&booking)?;
    let form = FormData(fields);
    let outcome = if form.get("decision") == Some("refuser") {
        forms::run(&state, &who, &form, "RejectBooking", json!({"booking": booking, "reason": form.get("reason").unwrap_or_default()}))
            .await
    } else {
        forms::run(&state, &who, &form, "ApproveBooking", json!({"booking": booking})).await
    };
    match outcome {
        Ok(position) => Ok(forms::see_other("/reservations/validations", position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, fields }) => {
            let message = message_for(&fields, "reason").map(|m| format!("Motif du refus : {m}")).unwrap_or(message);
            approvals_page(&state, &who, Some(message)).await
        }
    }
}

pub struct OccupancyLine {
    pub name: String,
    pub open: String,
    pub booked: String,
    pub pending: String,
    pub rate: String,
    pub percent: u32,
}

fn hours_text(minutes: i64) -> String {
    format!("{} h {:02}", minutes / 60, minutes % 60)
}

#[derive(Template)]
#[template(path = "reservations_occupancy.html")]
struct OccupancyPage {
    shell: Shell,
    week: String,
    previous: String,
    next: String,
    lines: Vec<OccupancyLine>,
}

/// `GET /reservations/occupation?semaine=YYYY-Www`: the direction's table.
pub async fn occupancy(State(state): State<AppState>, who: SignedIn, Query(q): Query<WeekQuery>) -> Result<Response, PortalError> {
    let week = week_of(q.semaine.as_deref());
    let rows = match queries::occupancy(state.backend.read_models.as_ref(), &who.actor, &who.card.structure, week).await {
        Ok(rows) => rows,
        Err(ent_projections::QueryError::NotFound(_)) => return Err(PortalError::Forbidden),
        Err(e) => return Err(e.into()),
    };
    let link = |w: Option<IsoWeek>| w.map(|w| format!("/reservations/occupation?semaine={w}")).unwrap_or_default();
    Ok(render(&OccupancyPage {
        shell: who.shell("Occupation des salles", None),
        week: week_label(week),
        previous: link(week.previous()),
        next: link(week.next()),
        lines: rows
            .into_iter()
            .map(|o| OccupancyLine {
                name: format!("{} ({})", o.name, o.code),
                open: hours_text(o.open_minutes),
                booked: hours_text(o.booked_minutes),
                pending: hours_text(o.pending_minutes),
                rate: format!("{} %", o.rate_percent).replace('.', ","),
                percent: o.rate_percent.round().clamp(0.0, 100.0) as u32,
            })
            .collect(),
    }))
}

pub struct ClosedLine {
    pub id: String,
    pub label: String,
    pub when: String,
    pub command_id: String,
}

#[derive(Template)]
#[template(path = "closed_days.html")]
struct ClosedDaysPage {
    shell: Shell,
    csrf: String,
    lines: Vec<ClosedLine>,
    typed: Typed,
}

const CLOSED_FIELDS: [(&str, &str); 3] = [("from", "from"), ("to", "to"), ("label", "label")];

async fn closed_days_page(state: &AppState, who: &SignedIn, typed: Option<Typed>) -> Result<Response, PortalError> {
    let uai = who.card.structure.clone();
    if !who.actor.administers(&uai) {
        return Err(PortalError::Forbidden);
    }
    let doc = ent_projections::directory::calendar::closed_days(state.backend.read_models.as_ref(), &who.actor, &uai).await?;
    let (typed, status) = match typed {
        Some(t) => (t, StatusCode::UNPROCESSABLE_ENTITY),
        None => (Typed::fresh(&[]), StatusCode::OK),
    };
    let mut response = render(&ClosedDaysPage {
        shell: who.shell("Jours de fermeture", None),
        csrf: who.csrf.clone(),
        lines: doc
            .days
            .into_iter()
            .map(|d| ClosedLine {
                id: d.id.to_string(),
                when: if d.from == d.to {
                    french_date(d.from)
                } else {
                    format!(
                        "du {} au {} ({} jours)",
                        french_date(d.from),
                        french_date(d.to),
                        (d.to - d.from + Duration::days(1)).num_days()
                    )
                },
                label: d.label,
                command_id: command_id().to_string(),
            })
            .collect(),
        typed,
    });
    *response.status_mut() = status;
    Ok(response)
}

/// `GET /direction/fermetures`.
pub async fn closed_days(State(state): State<AppState>, who: SignedIn, Query(q): Query<WeekQuery>) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &[ent_projections::directory::NAME]).await;
    closed_days_page(&state, &who, None).await
}

/// `POST /direction/fermetures`: `DeclareClosedDays` (one range).
pub async fn declare_closed_days(
    State(state): State<AppState>,
    who: SignedIn,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = FormData(fields);
    let from = form.text("from").unwrap_or_default();
    let to = form.text("to").unwrap_or_else(|| from.clone());
    let payload =
        json!({"structure": who.card.structure, "days": [{"from": from, "to": to, "label": form.get("label").unwrap_or_default()}]});
    match forms::run(&state, &who, &form, "DeclareClosedDays", payload).await {
        Ok(position) => Ok(forms::see_other("/direction/fermetures", position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, fields }) => {
            // The command names `days[0].from`…; the form has one range.
            let fields: Vec<FieldError> =
                fields.into_iter().map(|f| FieldError { field: f.field.replace("days[0]", "days"), message: f.message }).collect();
            let typed = Typed::refused(&form, &CLOSED_FIELDS, &fields, message);
            closed_days_page(&state, &who, Some(typed)).await
        }
    }
}

/// `POST /direction/fermetures/{id}/retrait`: `WithdrawClosedDays`.
pub async fn withdraw_closed_days(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let id = parse_id(&id)?;
    let form = FormData(fields);
    match forms::run(&state, &who, &form, "WithdrawClosedDays", json!({"structure": who.card.structure, "closed_days": id})).await {
        Ok(position) => Ok(forms::see_other("/direction/fermetures", position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, .. }) => {
            let mut typed = Typed::fresh(&[]);
            typed.message = Some(message);
            closed_days_page(&state, &who, Some(typed)).await
        }
    }
}
