//! How réservations events fold into resources, bookings and calendar weeks. The slots a
//! booking holds per week (`ResourceSlotsHeld`/`Released`) are the write side's concern: the
//! calendar is folded from the booking's own occurrences.

use ent_domain::reservations::booking::weeks_of;
use ent_domain::reservations::events::*;
use ent_domain::reservations::time::IsoWeek;
use ent_domain::{Event, RecordedEvent};
use uuid::Uuid;

use super::NAME;
use super::models::*;
use crate::docs::DocView;
use crate::error::ApplyError;
use crate::projection::Projection;

pub(crate) const RESOURCES: &str = "resource";
pub(crate) const RESOURCE_AT: &str = "resource-at";
pub(crate) const BOOKINGS: &str = "booking";
pub(crate) const BY_BOOKER: &str = "by-booker";
pub(crate) const PENDING: &str = "pending";
pub(crate) const WEEKS: &str = "week";

pub(crate) fn resource_key(uai: &str, id: Uuid) -> String {
    format!("{uai}/{id}")
}

pub(crate) fn week_key(resource: Uuid, week: IsoWeek) -> String {
    format!("{resource}/{week}")
}

/// Folds resources and bookings into the réservations documents.
pub struct ReservationsProjection;

impl Projection for ReservationsProjection {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "bookable resources, bookings (by booker, pending by structure), each resource's calendar per ISO week"
    }

    fn apply(&self, view: &mut DocView<'_>, r: &RecordedEvent, event: &Event) -> Result<(), ApplyError> {
        match event {
            Event::BookableResourceDefined(e) => {
                let doc = ResourceDoc {
                    id: e.resource_id,
                    structure: e.structure.clone(),
                    code: e.code.clone(),
                    name: e.name.clone(),
                    kind: e.kind,
                    capacity: e.capacity,
                    opening_hours: e.opening_hours.clone(),
                    requires_approval: e.requires_approval,
                    managers: e.managers.iter().map(|id| PersonRef { id: *id, name: None }).collect(),
                };
                view.put(RESOURCE_AT, e.resource_id, &ResourceAt { structure: e.structure.clone() })?;
                view.put(RESOURCES, resource_key(&e.structure, e.resource_id), &doc)
            }
            Event::ResourceBooked(e) => booked(view, r, e),
            Event::BookingApproved(e) => decided(view, r, e.booking_id, BookingStatus::Confirmed, None),
            Event::BookingRejected(e) => decided(view, r, e.booking_id, BookingStatus::Rejected, Some(e.reason.clone())),
            Event::BookingCancelled(e) => decided(view, r, e.booking_id, BookingStatus::Cancelled, e.reason.clone()),
            _ => Ok(()),
        }
    }
}

fn booked(view: &mut DocView<'_>, r: &RecordedEvent, e: &ResourceBooked) -> Result<(), ApplyError> {
    let doc = BookingDoc {
        id: e.booking_id,
        structure: e.structure.clone(),
        resource: e.resource,
        resource_name: None,
        booker: e.booker,
        booker_name: None,
        purpose: e.purpose.clone(),
        occurrences: e.occurrences.clone(),
        recurrence_until: e.recurrence_until,
        status: e.status,
        reason: None,
        booked_at: r.recorded_at,
        decided_by: None,
        decided_by_name: None,
        decided_at: None,
    };
    save(view, &doc)?;
    for week in weeks_of(&e.occurrences) {
        let key = week_key(e.resource, week);
        let mut cal = view.get_as::<CalendarWeek>(WEEKS, &key)?.unwrap_or(CalendarWeek {
            resource: e.resource,
            structure: e.structure.clone(),
            week: week.to_string(),
            entries: Vec::new(),
            resource_doc: None,
            monday: None,
            closed_days: Vec::new(),
        });
        cal.entries.retain(|c| c.booking != e.booking_id);
        for slot in e.occurrences.iter().filter(|s| s.weeks().contains(&week)) {
            cal.entries.push(CalendarEntry {
                booking: e.booking_id,
                from: slot.from,
                to: slot.to,
                status: e.status,
                booker: e.booker,
                booker_name: None,
                purpose: e.purpose.clone(),
            });
        }
        cal.entries.sort_by_key(|c| (c.from, c.to, c.booking));
        view.put(WEEKS, &key, &cal)?;
    }
    Ok(())
}

/// Writes a booking and its copies: by booker always, pending by structure while pending.
fn save(view: &mut DocView<'_>, doc: &BookingDoc) -> Result<(), ApplyError> {
    view.put(BOOKINGS, doc.id, doc)?;
    view.put(BY_BOOKER, format!("{}/{}", doc.booker, doc.id), doc)?;
    let pending = format!("{}/{}", doc.structure, doc.id);
    if doc.status == BookingStatus::Pending { view.put(PENDING, pending, doc) } else { view.delete(PENDING, pending) }
}

fn decided(
    view: &mut DocView<'_>,
    r: &RecordedEvent,
    booking: Uuid,
    status: BookingStatus,
    reason: Option<String>,
) -> Result<(), ApplyError> {
    let Some(mut doc) = view.get_as::<BookingDoc>(BOOKINGS, booking)? else { return Ok(()) };
    doc.status = status;
    doc.reason = reason;
    doc.decided_by = Some(r.actor.clone());
    doc.decided_at = Some(r.recorded_at);
    save(view, &doc)?;
    for week in weeks_of(&doc.occurrences) {
        view.update(WEEKS, week_key(doc.resource, week), |cal: &mut CalendarWeek| {
            if status.holds_slots() {
                for c in cal.entries.iter_mut().filter(|c| c.booking == booking) {
                    c.status = status;
                }
            } else {
                cal.entries.retain(|c| c.booking != booking);
            }
        })?;
    }
    Ok(())
}
