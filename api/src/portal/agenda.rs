//! The agenda's pages: the week of one's personal agenda (a parent's child's, chosen among their
//! children), the calendar subscriptions (create one — its URL shown once — and revoke), and for
//! the staff the structure's school events (create, change, cancel). Same queries as
//! `GET /api/v1/agenda` and the same commands as `POST /api/v1/commands`, in process.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use chrono::{Datelike, Duration, NaiveDate};
use ent_domain::agenda::commands::Audience;
use ent_domain::directory::Profile;
use ent_projections::agenda::queries::{self, AgendaError};
use ent_projections::agenda::{self, AgendaItem, EntryKind, SchoolEventDoc, today_in_paris};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::family::french_date;
use super::forms::{self, FormData, Rejected, message_for};
use super::page::{PortalError, Shell, parse_id, render};
use super::session::{SignedIn, command_id};
use crate::state::AppState;

impl From<AgendaError> for PortalError {
    fn from(e: AgendaError) -> Self {
        match e {
            AgendaError::Query(q) => q.into(),
            AgendaError::PupilRequired => PortalError::NotFound,
        }
    }
}

#[derive(Deserialize)]
pub struct WeekQuery {
    /// Any day of the week shown (default: this week).
    pub semaine: Option<String>,
    /// A parent's child.
    pub eleve: Option<String>,
    pub apres: Option<u64>,
}

pub struct ItemView {
    pub time: String,
    pub title: String,
    pub kind: &'static str,
    pub detail: String,
    pub description: String,
    pub cancelled: bool,
}

pub struct DayView {
    pub heading: String,
    pub id: String,
    pub items: Vec<ItemView>,
}

pub struct ChildTab {
    pub href: String,
    pub name: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "agenda.html")]
struct WeekPage {
    shell: Shell,
    heading: String,
    week: String,
    previous_href: String,
    next_href: String,
    this_week_href: String,
    is_this_week: bool,
    children: Vec<ChildTab>,
    days: Vec<DayView>,
    staff: bool,
}

fn kind_label(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Lesson => "Cours",
        EntryKind::Homework => "Devoir",
        EntryKind::SchoolEvent => "Événement",
        EntryKind::Booking => "Réservation",
        EntryKind::ClosedDay => "Fermeture",
        EntryKind::Meeting => "Visio",
    }
}

fn item_view(i: &AgendaItem) -> ItemView {
    let time =
        if i.all_day { "Toute la journée".to_string() } else { format!("{} – {}", i.start.format("%H:%M"), i.end.format("%H:%M")) };
    let detail: Vec<String> = [i.location.clone(), i.teacher_name.clone(), i.class_or_group_name.clone()].into_iter().flatten().collect();
    ItemView {
        time,
        title: i.title.clone(),
        kind: kind_label(i.kind),
        detail: detail.join(" · "),
        description: i.description.clone().unwrap_or_default(),
        cancelled: i.cancelled,
    }
}

fn monday_of(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

fn week_href(monday: NaiveDate, child: Option<Uuid>) -> String {
    match child {
        Some(c) => format!("/agenda?semaine={monday}&eleve={c}"),
        None => format!("/agenda?semaine={monday}"),
    }
}

/// `GET /agenda`: a week of the agenda, Monday to Sunday (the weekend only when it has entries).
pub async fn week(State(state): State<AppState>, who: SignedIn, Query(q): Query<WeekQuery>) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &[agenda::NAME]).await;
    let day = q
        .semaine
        .as_deref()
        .and_then(|d| d.parse::<NaiveDate>().ok())
        .filter(|d| ent_domain::agenda::range::YEARS.contains(&d.year()))
        .unwrap_or_else(today_in_paris);
    let monday = monday_of(day);
    let chosen = match q.eleve.as_deref() {
        Some(raw) => Some(parse_id(raw)?),
        // A parent of several children sees the first one's, and tabs for the others.
        None if who.profile() == Profile::Parent && who.card.children.len() > 1 => who.card.children.first().map(|c| c.id),
        None => None,
    };
    let store = state.backend.read_models.as_ref();
    let agenda = queries::agenda(store, &who.actor, chosen, monday, monday + Duration::days(6)).await?;
    let mut days = Vec::new();
    for offset in 0..7 {
        let date = monday + Duration::days(offset);
        let items: Vec<ItemView> = agenda
            .items
            .iter()
            .filter(|i| i.start.date() == date || (i.start.date() < date && i.end.date() > date))
            .map(item_view)
            .collect();
        if offset >= 5 && items.is_empty() {
            continue;
        }
        days.push(DayView { heading: capitalized(&french_date(date)), id: format!("jour-{date}"), items });
    }
    let child_param = if who.profile() == Profile::Parent { chosen } else { q.eleve.as_deref().and_then(|e| Uuid::parse_str(e).ok()) };
    let children = if who.card.children.len() > 1 {
        who.card
            .children
            .iter()
            .map(|c| ChildTab {
                href: week_href(monday, Some(c.id)),
                name: format!("{} {}", c.first_name, c.last_name),
                current: Some(c.id) == chosen,
            })
            .collect()
    } else {
        Vec::new()
    };
    let heading = match (&agenda.user_name, agenda.user != who.card.id) {
        (Some(name), true) => format!("Agenda de {name}"),
        _ => "Mon agenda".to_string(),
    };
    let this_monday = monday_of(today_in_paris());
    Ok(render(&WeekPage {
        shell: who.shell(heading.clone(), who.structure_name.clone()),
        heading,
        week: format!("Semaine du {}", french_date(monday)),
        previous_href: week_href(monday - Duration::days(7), child_param),
        next_href: week_href(monday + Duration::days(7), child_param),
        this_week_href: week_href(this_monday, child_param),
        is_this_week: monday == this_monday,
        children,
        days,
        staff: who.actor.is_staff_of(&who.card.structure),
    }))
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

// ---------------------------------------------------------------- calendar subscriptions

pub struct FeedView {
    pub id: String,
    pub label: String,
    pub created: String,
    pub revoked: Option<String>,
    pub command_id: String,
}

#[derive(Template)]
#[template(path = "agenda_feeds.html")]
struct FeedsPage {
    shell: Shell,
    csrf: String,
    command_id: String,
    feeds: Vec<FeedView>,
    /// The URL of the feed just created: shown this once.
    created_url: Option<String>,
    message: Option<String>,
}

async fn feeds_page(
    state: &AppState,
    who: &SignedIn,
    created_url: Option<String>,
    message: Option<String>,
) -> Result<Response, PortalError> {
    let feeds = queries::my_feeds(state.backend.read_models.as_ref(), &who.actor).await?;
    let date = |at: chrono::DateTime<chrono::Utc>| french_date(agenda::date_in_paris(at));
    let feeds = feeds
        .into_iter()
        .map(|f| FeedView {
            id: f.feed_id.to_string(),
            label: f.label.unwrap_or_else(|| "Sans nom".into()),
            created: date(f.created_at),
            revoked: f.revoked_at.map(date),
            command_id: command_id().to_string(),
        })
        .collect();
    let status = if message.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let mut response = render(&FeedsPage {
        shell: who.shell("Abonnement calendrier", who.structure_name.clone()),
        csrf: who.csrf.clone(),
        command_id: command_id().to_string(),
        feeds,
        created_url,
        message,
    });
    *response.status_mut() = status;
    Ok(response)
}

/// `GET /agenda/abonnement`.
pub async fn feeds(State(state): State<AppState>, who: SignedIn, Query(q): Query<WeekQuery>) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &[agenda::NAME]).await;
    feeds_page(&state, &who, None, None).await
}

/// The address calendar applications subscribe to.
fn feed_url(state: &AppState, headers: &HeaderMap, token: &str) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = if state.cas.secure_cookie { "https" } else { "http" };
    format!("{scheme}://{host}/api/v1/agenda.ics?token={token}")
}

/// `POST /agenda/abonnement`: `CreateCalendarFeed`; the page shows the new URL this once.
pub async fn create_feed(
    State(state): State<AppState>,
    who: SignedIn,
    headers: HeaderMap,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = FormData(fields);
    let payload = json!({"label": form.text("label")});
    match forms::execute(&state, &who, &form, "CreateCalendarFeed", payload).await {
        Ok(executed) => match executed.calendar_feed {
            Some(feed) => {
                forms::await_position(&state, Some(executed.result.position), &[agenda::NAME]).await;
                feeds_page(&state, &who, Some(feed_url(&state, &headers, &feed.token)), None).await
            }
            // The same form posted again: the URL was shown the first time.
            None => Ok(forms::see_other("/agenda/abonnement", executed.result.position)),
        },
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, .. }) => feeds_page(&state, &who, None, Some(message)).await,
    }
}

/// `POST /agenda/abonnement/{feed}/revocation`: `RevokeCalendarFeed`.
pub async fn revoke_feed(
    State(state): State<AppState>,
    who: SignedIn,
    Path(feed): Path<String>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = FormData(fields);
    let feed = parse_id(&feed)?;
    match forms::run(&state, &who, &form, "RevokeCalendarFeed", json!({"feed": feed})).await {
        Ok(position) => Ok(forms::see_other("/agenda/abonnement", position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, .. }) => feeds_page(&state, &who, None, Some(message)).await,
    }
}

// ---------------------------------------------------------------- school events (staff)

pub struct EventView {
    pub href: String,
    pub title: String,
    pub when: String,
    pub audience: String,
    pub location: String,
    pub cancelled: bool,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A form with what was typed and the errors of a refused post.
pub struct EventForm {
    pub command_id: String,
    pub values: HashMap<String, String>,
    pub errors: Vec<(String, String)>,
    pub message: Option<String>,
}

impl EventForm {
    fn fresh(values: HashMap<String, String>) -> Self {
        EventForm { command_id: command_id().to_string(), values, errors: Vec::new(), message: None }
    }

    pub fn value(&self, field: &str) -> &str {
        self.values.get(field).map(String::as_str).unwrap_or_default()
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }
}

#[derive(Template)]
#[template(path = "agenda_events.html")]
struct EventsPage {
    shell: Shell,
    csrf: String,
    events: Vec<EventView>,
    audiences: Vec<Choice>,
    form: EventForm,
}

const EVENT_FIELDS: [&str; 6] = ["title", "description", "from", "to", "location", "audience"];

fn when(doc: &SchoolEventDoc) -> String {
    let (from, to) = (doc.from, doc.to);
    if from.date() == to.date() {
        format!("{}, {} – {}", capitalized(&french_date(from.date())), from.format("%H:%M"), to.format("%H:%M"))
    } else {
        format!("Du {} {} au {} {}", french_date(from.date()), from.format("%H:%M"), french_date(to.date()), to.format("%H:%M"))
    }
}

async fn audience_choices(state: &AppState, who: &SignedIn, selected: &str) -> Result<Vec<Choice>, PortalError> {
    let tree =
        ent_projections::directory::queries::structure_tree(state.backend.read_models.as_ref(), &who.actor, &who.card.structure).await?;
    let mut choices = vec![Choice { value: "structure".into(), label: "Tout l'établissement".into(), selected: selected == "structure" }];
    for c in &tree.classes {
        let value = format!("class:{}", c.id);
        choices.push(Choice { selected: selected == value, value, label: format!("Classe {}", c.code) });
    }
    for g in &tree.groups {
        let value = format!("group:{}", g.id);
        choices.push(Choice { selected: selected == value, value, label: format!("Groupe {}", g.name) });
    }
    Ok(choices)
}

async fn events_page(state: &AppState, who: &SignedIn, form: Option<EventForm>) -> Result<Response, PortalError> {
    let uai = who.card.structure.clone();
    let events = queries::school_events(state.backend.read_models.as_ref(), &who.actor, &uai, today_in_paris() - Duration::days(7)).await?;
    let events = events
        .iter()
        .map(|d| EventView {
            href: format!("/agenda/evenements/{}", d.event_id),
            title: d.title.clone(),
            when: when(d),
            audience: if d.audience_names.is_empty() { "Tout l'établissement".into() } else { d.audience_names.join(", ") },
            location: d.location.clone().unwrap_or_default(),
            cancelled: d.cancelled,
        })
        .collect();
    let status = if form.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let form = form.unwrap_or_else(|| {
        let day = today_in_paris() + Duration::days(7);
        EventForm::fresh(HashMap::from([
            ("from".to_string(), format!("{day}T17:00")),
            ("to".to_string(), format!("{day}T18:00")),
            ("audience".to_string(), "structure".to_string()),
        ]))
    });
    let audiences = audience_choices(state, who, form.value("audience")).await?;
    let mut response = render(&EventsPage {
        shell: who.shell("Événements de l'établissement", who.structure_name.clone()),
        csrf: who.csrf.clone(),
        events,
        audiences,
        form,
    });
    *response.status_mut() = status;
    Ok(response)
}

/// `GET /agenda/evenements`: the structure's school events and a form to add one (its staff).
pub async fn events(State(state): State<AppState>, who: SignedIn, Query(q): Query<WeekQuery>) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &[agenda::NAME]).await;
    events_page(&state, &who, None).await
}

/// A `datetime-local` value (`2026-12-08T17:00`) as the commands take it (with seconds).
fn local_time(raw: Option<&str>) -> String {
    let raw = raw.unwrap_or_default().trim();
    if raw.len() == 16 { format!("{raw}:00") } else { raw.to_string() }
}

fn audience_of(raw: &str) -> serde_json::Value {
    match raw.split_once(':') {
        Some(("class", id)) => json!({"kind": "classes", "ids": [id]}),
        Some(("group", id)) => json!({"kind": "groups", "ids": [id]}),
        _ => json!({"kind": "structure"}),
    }
}

fn refused(form: &FormData, fields: &[ent_commands::FieldError], message: String) -> EventForm {
    let mut errors: Vec<(String, String)> =
        EVENT_FIELDS.iter().filter_map(|n| message_for(fields, n).map(|m| (n.to_string(), m))).collect();
    if let Some(m) = fields.iter().find(|f| f.field.contains("audience")).map(|f| f.message.clone()) {
        errors.push(("audience".into(), m));
    }
    let message = if errors.is_empty() { Some(message) } else { None };
    EventForm {
        command_id: command_id().to_string(),
        values: EVENT_FIELDS.iter().map(|n| (n.to_string(), form.get(n).unwrap_or_default().to_string())).collect(),
        errors,
        message,
    }
}

/// `POST /agenda/evenements`: `CreateSchoolEvent`.
pub async fn create_event(
    State(state): State<AppState>,
    who: SignedIn,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = FormData(fields);
    let payload = json!({
        "structure": who.card.structure,
        "title": form.get("title").unwrap_or_default(),
        "description": form.text("description"),
        "from": local_time(form.get("from")),
        "to": local_time(form.get("to")),
        "location": form.text("location"),
        "audience": audience_of(form.get("audience").unwrap_or_default()),
    });
    match forms::run(&state, &who, &form, "CreateSchoolEvent", payload).await {
        Ok(position) => Ok(forms::see_other("/agenda/evenements", position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, fields }) => events_page(&state, &who, Some(refused(&form, &fields, message))).await,
    }
}

#[derive(Template)]
#[template(path = "agenda_event.html")]
struct EventPage {
    shell: Shell,
    csrf: String,
    heading: String,
    when: String,
    audience: String,
    cancelled: bool,
    action: String,
    cancel_action: String,
    cancel_command_id: String,
    form: EventForm,
}

async fn event_page(state: &AppState, who: &SignedIn, id: Uuid, form: Option<EventForm>) -> Result<Response, PortalError> {
    let doc = queries::school_event(state.backend.read_models.as_ref(), &who.actor, &who.card.structure, id).await?;
    let status = if form.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let form = form.unwrap_or_else(|| {
        EventForm::fresh(HashMap::from([
            ("title".to_string(), doc.title.clone()),
            ("description".to_string(), doc.description.clone().unwrap_or_default()),
            ("from".to_string(), doc.from.format("%Y-%m-%dT%H:%M").to_string()),
            ("to".to_string(), doc.to.format("%Y-%m-%dT%H:%M").to_string()),
            ("location".to_string(), doc.location.clone().unwrap_or_default()),
        ]))
    });
    let audience = match &doc.audience {
        Audience::Structure => "Tout l'établissement".to_string(),
        _ => doc.audience_names.join(", "),
    };
    let mut response = render(&EventPage {
        shell: who.shell(doc.title.clone(), who.structure_name.clone()),
        csrf: who.csrf.clone(),
        heading: doc.title.clone(),
        when: when(&doc),
        audience,
        cancelled: doc.cancelled,
        action: format!("/agenda/evenements/{id}"),
        cancel_action: format!("/agenda/evenements/{id}/annulation"),
        cancel_command_id: command_id().to_string(),
        form,
    });
    *response.status_mut() = status;
    Ok(response)
}

/// `GET /agenda/evenements/{event}`: change or cancel a school event.
pub async fn event(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<WeekQuery>,
) -> Result<Response, PortalError> {
    forms::await_position(&state, q.apres, &[agenda::NAME]).await;
    event_page(&state, &who, parse_id(&id)?, None).await
}

/// `POST /agenda/evenements/{event}`: `UpdateSchoolEvent` (an empty description or location
/// removes it).
pub async fn update_event(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = FormData(fields);
    let id = parse_id(&id)?;
    let payload = json!({
        "event": id,
        "title": form.get("title").unwrap_or_default(),
        "description": form.get("description").unwrap_or_default(),
        "from": local_time(form.get("from")),
        "to": local_time(form.get("to")),
        "location": form.get("location").unwrap_or_default(),
    });
    match forms::run(&state, &who, &form, "UpdateSchoolEvent", payload).await {
        Ok(position) => Ok(forms::see_other(&format!("/agenda/evenements/{id}"), position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, fields }) => event_page(&state, &who, id, Some(refused(&form, &fields, message))).await,
    }
}

/// `POST /agenda/evenements/{event}/annulation`: `CancelSchoolEvent`.
pub async fn cancel_event(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = FormData(fields);
    let id = parse_id(&id)?;
    match forms::run(&state, &who, &form, "CancelSchoolEvent", json!({"event": id, "reason": form.text("reason")})).await {
        Ok(position) => Ok(forms::see_other(&format!("/agenda/evenements/{id}"), position)),
        Err(Rejected::Page(e)) => Err(e),
        Err(Rejected::Invalid { message, .. }) => {
            let mut form = EventForm::fresh(HashMap::new());
            form.message = Some(message);
            event_page(&state, &who, id, Some(form)).await
        }
    }
}
