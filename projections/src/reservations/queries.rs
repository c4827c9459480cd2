//! Réservations queries and who may read them: the teachers and staff of a structure see its
//! resources and their calendars; everyone sees their own bookings; a resource's managers (and
//! the direction) see the bookings waiting for their approval; the direction sees the
//! occupancy. Reads naming a resource or structure the caller may not read are answered as not
//! found.

use chrono::NaiveDateTime;
use ent_domain::Actor;
use ent_domain::directory::Profile;
use ent_domain::reservations::events::BookingStatus;
use ent_domain::reservations::time::{Day, IsoWeek, ranges_of};
use uuid::Uuid;

use super::NAME;
use super::fold::{BY_BOOKER, PENDING, RESOURCE_AT, RESOURCES, WEEKS, resource_key, week_key};
use super::models::*;
use crate::directory::calendar::closed_days_of;
use crate::error::QueryError;
use crate::names::{Names, actor_ids};
use crate::source::{StoreSource, get_as, list_as};
use crate::store::ReadModelStore;

fn src(store: &dyn ReadModelStore) -> StoreSource<'_> {
    StoreSource { store, projection: NAME }
}

/// Sees the resources of `uai`: its staff (and ADMLs, platform admins) and its teachers.
pub fn sees_resources(actor: &Actor, uai: &str) -> bool {
    actor.is_staff_of(uai) || actor.user().is_some_and(|u| u.structure == uai && u.profile == Some(Profile::Enseignant))
}

/// Manages `resource`: one of its managers, or the direction of its structure.
pub fn manages(actor: &Actor, resource: &ResourceDoc) -> bool {
    actor.is_direction_of(&resource.structure) || actor.user().is_some_and(|u| resource.managers.iter().any(|m| m.id == u.user_id))
}

fn name_resource(doc: &mut ResourceDoc, names: &Names) {
    for m in &mut doc.managers {
        m.name = names.person(m.id);
    }
}

async fn resources_of(store: &dyn ReadModelStore, uai: &str) -> Result<Vec<ResourceDoc>, QueryError> {
    let mut docs = list_as::<ResourceDoc>(&src(store), RESOURCES, &format!("{uai}/")).await?;
    docs.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(docs)
}

/// A structure's resources, by code, their managers named.
pub async fn resources(store: &dyn ReadModelStore, actor: &Actor, uai: &str) -> Result<Vec<ResourceDoc>, QueryError> {
    let uai = uai.to_ascii_uppercase();
    if !sees_resources(actor, &uai) {
        return Err(QueryError::not_found("structure"));
    }
    let mut docs = resources_of(store, &uai).await?;
    let people: Vec<Uuid> = docs.iter().flat_map(|d| d.managers.iter().map(|m| m.id)).collect();
    let names = Names::load(store, &uai, people).await?;
    for d in &mut docs {
        name_resource(d, &names);
    }
    Ok(docs)
}

/// One resource, for those who see its structure's resources.
pub async fn resource(store: &dyn ReadModelStore, actor: &Actor, id: Uuid) -> Result<ResourceDoc, QueryError> {
    let at = get_as::<ResourceAt>(&src(store), RESOURCE_AT, &id.to_string()).await?.ok_or_else(|| QueryError::not_found("resource"))?;
    if !sees_resources(actor, &at.structure) {
        return Err(QueryError::not_found("resource"));
    }
    let mut doc = get_as::<ResourceDoc>(&src(store), RESOURCES, &resource_key(&at.structure, id))
        .await?
        .ok_or_else(|| QueryError::not_found("resource"))?;
    let people: Vec<Uuid> = doc.managers.iter().map(|m| m.id).collect();
    let names = Names::load(store, &at.structure, people).await?;
    name_resource(&mut doc, &names);
    Ok(doc)
}

/// A resource's calendar for one ISO week: its bookings (pending and confirmed) by start, the
/// bookers named, the resource and the structure's closed days of that week.
pub async fn calendar(store: &dyn ReadModelStore, actor: &Actor, id: Uuid, week: IsoWeek) -> Result<CalendarWeek, QueryError> {
    let res = resource(store, actor, id).await?;
    let mut cal = get_as::<CalendarWeek>(&src(store), WEEKS, &week_key(id, week)).await?.unwrap_or(CalendarWeek {
        resource: id,
        structure: res.structure.clone(),
        week: week.to_string(),
        entries: Vec::new(),
        resource_doc: None,
        monday: None,
        closed_days: Vec::new(),
    });
    let people: Vec<Uuid> = cal.entries.iter().map(|e| e.booker).collect();
    let names = Names::load(store, &res.structure, people).await?;
    for e in &mut cal.entries {
        e.booker_name = names.person(e.booker);
    }
    let closed = closed_days_of(store, &res.structure).await?;
    cal.closed_days = week.days().into_iter().filter_map(|d| closed.on(d).map(|c| ClosedDay { date: d, label: c.label.clone() })).collect();
    cal.monday = week.monday();
    cal.resource_doc = Some(res);
    Ok(cal)
}

/// The calendar week as stored (no names, no closed days): what a rebuild is compared with.
pub async fn stored_calendar(store: &dyn ReadModelStore, id: Uuid, week: IsoWeek) -> Result<Option<CalendarWeek>, QueryError> {
    get_as::<CalendarWeek>(&src(store), WEEKS, &week_key(id, week)).await
}

async fn name_bookings(store: &dyn ReadModelStore, uai: &str, docs: &mut [BookingDoc]) -> Result<(), QueryError> {
    let mut people: Vec<Uuid> = docs.iter().map(|d| d.booker).collect();
    people.extend(actor_ids(docs.iter().filter_map(|d| d.decided_by.as_deref())));
    let names = Names::load(store, uai, people).await?;
    let resources = resources_of(store, uai).await?;
    for d in docs.iter_mut() {
        d.booker_name = names.person(d.booker);
        d.decided_by_name = d.decided_by.as_deref().and_then(|a| names.actor(a));
        d.resource_name = resources.iter().find(|r| r.id == d.resource).map(|r| format!("{} ({})", r.name, r.code));
    }
    Ok(())
}

/// The caller's own bookings, by first occurrence (the system has none to list: 403).
pub async fn my_bookings(store: &dyn ReadModelStore, actor: &Actor) -> Result<Vec<BookingDoc>, QueryError> {
    let Some(u) = actor.user() else {
        return Err(QueryError::Forbidden("only a user has bookings".into()));
    };
    let mut docs = list_as::<BookingDoc>(&src(store), BY_BOOKER, &format!("{}/", u.user_id)).await?;
    docs.sort_by_key(|d| (d.occurrences.first().map(|s| s.from), d.id));
    let uai = u.structure.clone();
    name_bookings(store, &uai, &mut docs).await?;
    Ok(docs)
}

/// The pending bookings of a structure the caller may approve: those of the resources they
/// manage (every one for the direction), oldest first.
pub async fn pending_approvals(store: &dyn ReadModelStore, actor: &Actor, uai: &str) -> Result<Vec<BookingDoc>, QueryError> {
    let uai = uai.to_ascii_uppercase();
    if !sees_resources(actor, &uai) {
        return Err(QueryError::not_found("structure"));
    }
    let resources = resources_of(store, &uai).await?;
    let managed: Vec<Uuid> = resources.iter().filter(|r| manages(actor, r)).map(|r| r.id).collect();
    let mut docs: Vec<BookingDoc> = list_as::<BookingDoc>(&src(store), PENDING, &format!("{uai}/"))
        .await?
        .into_iter()
        .filter(|d| managed.contains(&d.resource))
        .collect();
    docs.sort_by_key(|d| (d.booked_at, d.id));
    name_bookings(store, &uai, &mut docs).await?;
    Ok(docs)
}

/// The occupancy of every resource of a structure in one ISO week, for its direction.
pub async fn occupancy(store: &dyn ReadModelStore, actor: &Actor, uai: &str, week: IsoWeek) -> Result<Vec<Occupancy>, QueryError> {
    let uai = uai.to_ascii_uppercase();
    if !actor.is_direction_of(&uai) && !actor.administers(&uai) {
        return Err(QueryError::not_found("structure"));
    }
    let closed = closed_days_of(store, &uai).await?;
    let mut out = Vec::new();
    for r in resources_of(store, &uai).await? {
        let cal = stored_calendar(store, r.id, week).await?;
        let entries = cal.map(|c| c.entries).unwrap_or_default();
        let (mut open, mut booked, mut pending) = (0i64, 0i64, 0i64);
        for day in week.days() {
            if closed.on(day).is_some() {
                continue;
            }
            for range in ranges_of(&r.opening_hours, Day::of(day)) {
                let (from, to) = (NaiveDateTime::new(day, range.start), NaiveDateTime::new(day, range.end));
                open += (to - from).num_minutes();
                for e in &entries {
                    let slot = ent_domain::reservations::time::Slot { from: e.from, to: e.to };
                    match e.status {
                        BookingStatus::Confirmed => booked += slot.minutes_within(from, to),
                        BookingStatus::Pending => pending += slot.minutes_within(from, to),
                        _ => {}
                    }
                }
            }
        }
        let rate = if open > 0 { (booked as f64 * 1000.0 / open as f64).round() / 10.0 } else { 0.0 };
        out.push(Occupancy {
            resource: r.id,
            code: r.code.clone(),
            name: r.name.clone(),
            week: week.to_string(),
            open_minutes: open,
            booked_minutes: booked,
            pending_minutes: pending,
            rate_percent: rate,
        });
    }
    Ok(out)
}

/// The ISO week it is at `now` in Europe/Paris (the default week of the calendar and occupancy).
pub fn current_week(now: chrono::DateTime<chrono::Utc>) -> IsoWeek {
    IsoWeek::of(now.with_timezone(&chrono_tz::Europe::Paris).date_naive())
}

/// Local time (Europe/Paris wall clock) at `now`, as bookings are written.
pub fn local_now(now: chrono::DateTime<chrono::Utc>) -> NaiveDateTime {
    now.with_timezone(&chrono_tz::Europe::Paris).naive_local()
}
