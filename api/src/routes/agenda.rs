//! Agenda queries: the personal agenda (JSON), its iCalendar feed (authenticated by the feed's
//! own token, which calendar applications put in the URL), the caller's feeds, the structure's
//! school events for its staff.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Duration, NaiveDate};
use ent_domain::agenda::range::agenda_range;
use ent_domain::usage::Service;
use ent_projections::agenda::queries::{self, AgendaError};
use ent_projections::agenda::{self, Agenda, FeedDoc, SchoolEventDoc, ics, today_in_paris};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::await_position;
use super::spec::{Route, ServiceRoutes, schema, text_schema};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::read_tally::{ReadSlot, Reader};
use crate::state::AppState;

/// How far back and ahead a calendar feed reaches from today.
const FEED_PAST_DAYS: i64 = 31;
const FEED_AHEAD_DAYS: i64 = 183;

impl From<AgendaError> for ApiError {
    fn from(e: AgendaError) -> Self {
        match e {
            AgendaError::Query(q) => ApiError::Query(q),
            AgendaError::PupilRequired => ApiError::bad_field("pupil", "name the child whose agenda to read"),
        }
    }
}

fn parse_date(field: &str, raw: Option<&str>) -> Result<Option<NaiveDate>, ApiError> {
    raw.map(|r| r.parse::<NaiveDate>().map_err(|_| ApiError::bad_field(field, "expected YYYY-MM-DD"))).transpose()
}

#[derive(Deserialize)]
pub struct AgendaParams {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    pupil: Option<String>,
}

/// `GET /api/v1/agenda?from&to[&pupil]`.
pub async fn my_agenda(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<AgendaParams>,
) -> Result<Json<Agenda>, ApiError> {
    let from = match parse_date("from", params.from.as_deref())? {
        Some(d) => d,
        None => {
            let today = today_in_paris();
            today - Duration::days(i64::from(today.weekday().num_days_from_monday()))
        }
    };
    let to = parse_date("to", params.to.as_deref())?;
    let (from, to) = agenda_range(from, to).map_err(|e| match e {
        ent_domain::DomainError::InvalidField { field, message } => ApiError::bad_field(&field, message),
        other => ApiError::bad_field("to", other.to_string()),
    })?;
    let pupil =
        params.pupil.as_deref().map(|p| Uuid::try_parse(p).map_err(|_| ApiError::bad_field("pupil", "expected a UUID"))).transpose()?;
    await_position(&s, &headers, agenda::NAME).await?;
    Ok(Json(queries::agenda(s.backend.read_models.as_ref(), &actor, pupil, from, to).await?))
}

#[derive(Deserialize)]
pub struct FeedParams {
    #[serde(default)]
    token: Option<String>,
}

/// `GET /api/v1/agenda.ics?token=…`: the feed's token is its only credential; an unknown,
/// revoked or malformed token, or the feed of a deactivated user, is a 404.
pub async fn feed(
    State(s): State<AppState>,
    headers: HeaderMap,
    slot: Option<axum::Extension<ReadSlot>>,
    ApiQuery(params): ApiQuery<FeedParams>,
) -> Result<Response, ApiError> {
    let token = params.token.ok_or_else(|| ApiError::bad_field("token", "the feed's token is required"))?;
    let not_found = || ApiError::Query(ent_projections::QueryError::not_found("feed"));
    let owner = ent_commands::agenda::feed_owner(s.backend.events.as_ref(), &token).await?.ok_or_else(not_found)?;
    let actor = ent_commands::actors::load_actor(s.backend.events.as_ref(), owner.user).await?.ok_or_else(not_found)?;
    let store = s.backend.read_models.as_ref();
    let audiences = queries::feed_audiences(store, &actor).await?;
    let today = today_in_paris();
    let items = queries::merged(store, &audiences, today - Duration::days(FEED_PAST_DAYS), today + Duration::days(FEED_AHEAD_DAYS)).await?;
    let owner_name = ent_projections::names::Names::load(store, &audiences.structure, [owner.user]).await?.person(owner.user);
    let name = match owner_name {
        Some(n) => format!("ENT — agenda de {n}"),
        None => "ENT — agenda".to_string(),
    };
    let body = ics::render(&name, &items);
    let etag = format!("\"{}\"", Sha256::digest(body.as_bytes()).iter().take(16).map(|b| format!("{b:02x}")).collect::<String>());
    if let (Some(axum::Extension(slot)), Some(u)) = (slot, actor.user())
        && let Some(profile) = u.profile
    {
        slot.fill(Reader { user: u.user_id, profile }, &u.structure);
    }
    let matches = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == etag || t.trim() == "*" || t.trim().strip_prefix("W/") == Some(etag.as_str()));
    let mut response = if matches { StatusCode::NOT_MODIFIED.into_response() } else { body.into_response() };
    let h = response.headers_mut();
    if !matches {
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8"));
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    // Calendar applications may keep the feed but must ask again (with If-None-Match).
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    Ok(response)
}

/// `GET /api/v1/agenda/feeds`: the caller's calendar feeds.
pub async fn my_feeds(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
) -> Result<Json<Vec<FeedDoc>>, ApiError> {
    await_position(&s, &headers, agenda::NAME).await?;
    Ok(Json(queries::my_feeds(s.backend.read_models.as_ref(), &actor).await?))
}

#[derive(Deserialize)]
pub struct FromParam {
    #[serde(default)]
    from: Option<String>,
}

/// `GET /api/v1/structures/{uai}/school-events?from=`.
pub async fn school_events(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath(uai): ApiPath<String>,
    ApiQuery(params): ApiQuery<FromParam>,
) -> Result<Json<Vec<SchoolEventDoc>>, ApiError> {
    let from = parse_date("from", params.from.as_deref())?.unwrap_or_else(|| today_in_paris() - Duration::days(FEED_PAST_DAYS));
    await_position(&s, &headers, agenda::NAME).await?;
    Ok(Json(queries::school_events(s.backend.read_models.as_ref(), &actor, &uai.to_ascii_uppercase(), from).await?))
}

/// `GET /api/v1/structures/{uai}/school-events/{id}`.
pub async fn school_event(
    State(s): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath((uai, id)): ApiPath<(String, Uuid)>,
) -> Result<Json<SchoolEventDoc>, ApiError> {
    await_position(&s, &headers, agenda::NAME).await?;
    Ok(Json(queries::school_event(s.backend.read_models.as_ref(), &actor, &uai.to_ascii_uppercase(), id).await?))
}

/// The agenda's routes.
pub fn routes() -> ServiceRoutes {
    let read = |r: Route| r.min_position().errors(&[403, 404, 503]);
    ServiceRoutes::new(
        "agenda",
        Some(Service::Agenda),
        vec![
            read(
                Route::get("/api/v1/agenda", my_agenda)
                    .summary("The caller's personal agenda (a parent: a child's, `pupil` required with several children; the staff: a pupil's): timetable lessons, homework due, school events of their audience, by start")
                    .query("from", false, schema::date(), "first day (default: this week's Monday, Europe/Paris)")
                    .query("to", false, schema::date(), "last day, included (default: six days after `from`; at most 100 days)")
                    .query("pupil", false, schema::uuid(), "the pupil whose agenda to read (a parent's child; for the staff, a pupil of their structure)")
                    .errors(&[400])
                    .ok::<Agenda>("the agenda"),
            ),
            Route::get("/api/v1/agenda.ics", feed)
                .public()
                .summary("The personal agenda as an iCalendar (RFC 5545) feed, a month back and six months ahead; the feed's token (`CreateCalendarFeed`) is its only credential")
                .query("token", true, schema::text(), "the feed's token, as answered once by `CreateCalendarFeed`")
                .answer(200, "the calendar (`ETag` is a hash of its content)", "text/calendar", text_schema)
                .empty(304, "unchanged since the `If-None-Match` ETag")
                .errors(&[400, 404, 503]),
            read(
                Route::get("/api/v1/agenda/feeds", my_feeds)
                    .summary("The caller's calendar feeds, newest first (never their tokens)")
                    .ok::<Vec<FeedDoc>>("the feeds"),
            ),
            read(
                Route::get("/api/v1/structures/{uai}/school-events", school_events)
                    .summary("The school events of a structure ending on or after `from`, by start (its staff)")
                    .path("uai", schema::uai(), "the structure")
                    .query("from", false, schema::date(), "first day (default: a month ago)")
                    .errors(&[400])
                    .ok::<Vec<SchoolEventDoc>>("the school events"),
            ),
            read(
                Route::get("/api/v1/structures/{uai}/school-events/{id}", school_event)
                    .summary("A school event of a structure, with the names of its audience (its staff)")
                    .path("uai", schema::uai(), "the structure")
                    .path_uuid("id", "the school event")
                    .ok::<SchoolEventDoc>("the school event"),
            ),
        ],
    )
}
