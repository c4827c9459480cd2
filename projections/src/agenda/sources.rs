//! The agenda's entries from other services: a user's bookings (réservations), the structure's
//! closed days (directory) and the visio meetings a user takes part in (visio). Each is filed
//! under its audiences like a school event, and a change files it again with its `SEQUENCE`
//! raised, so a calendar application follows it; a rejected or cancelled booking, a withdrawn
//! range of closed days and a cancelled meeting stay as cancelled entries (docs/domain.md,
//! "Agenda").

use chrono::{DateTime, Duration, Utc};
use ent_domain::directory::calendar::{ClosedDaysDeclared, ClosedDaysWithdrawn};
use ent_domain::reservations::events::{BookingStatus, ResourceBooked};
use ent_domain::visio::events::{MeetingCancelled, MeetingScheduled};
use uuid::Uuid;

use super::fold::{BOOKINGS, CLOSED_DAYS, MEETINGS, RESOURCES, day_start, file, keys, staff_audience, structure_audience, user_audience};
use super::models::*;
use crate::docs::DocView;
use crate::error::ApplyError;

fn item(kind: EntryKind, id: Uuid, structure: &str, title: String, at: DateTime<Utc>) -> AgendaItem {
    AgendaItem {
        kind,
        id,
        structure: structure.to_string(),
        title,
        start: day_start(chrono::NaiveDate::MIN),
        end: day_start(chrono::NaiveDate::MIN),
        all_day: false,
        description: None,
        location: None,
        subject: None,
        subject_name: None,
        class_or_group: None,
        class_or_group_name: None,
        teacher: None,
        teacher_name: None,
        cancelled: false,
        sequence: 0,
        updated_at: at,
    }
}

/// The id of a booking's `rank`-th occurrence: stable, derived from the booking's.
pub fn occurrence_id(booking: Uuid, rank: usize) -> Uuid {
    Uuid::new_v5(&booking, rank.to_string().as_bytes())
}

fn booking_description(purpose: &str, status: BookingStatus) -> String {
    match status {
        BookingStatus::Pending => format!("{purpose}\nEn attente de validation"),
        BookingStatus::Confirmed => purpose.to_string(),
        BookingStatus::Rejected => format!("{purpose}\nRefusée"),
        BookingStatus::Cancelled => format!("{purpose}\nAnnulée"),
    }
}

/// A booking: one entry per occurrence in the booker's agenda, titled with the resource's name.
pub(super) fn resource_booked(view: &mut DocView<'_>, at: DateTime<Utc>, e: &ResourceBooked) -> Result<(), ApplyError> {
    let name = view.get_as::<ResourceName>(RESOURCES, e.resource)?.map(|r| r.name);
    let title = name.clone().map_or_else(|| "Réservation".to_string(), |n| format!("Réservation : {n}"));
    let audiences = [user_audience(e.booker)];
    let mut items = Vec::with_capacity(e.occurrences.len());
    for (rank, slot) in e.occurrences.iter().enumerate() {
        let mut i = item(EntryKind::Booking, occurrence_id(e.booking_id, rank), &e.structure, title.clone(), at);
        i.start = slot.from;
        i.end = slot.to;
        i.location = name.clone();
        i.description = Some(booking_description(&e.purpose, e.status));
        file(view, &keys(&audiences, &i), &i)?;
        items.push(i);
    }
    view.put(BOOKINGS, e.booking_id, &BookingRef { booker: e.booker, purpose: e.purpose.clone(), items })
}

/// A booking approved, rejected or cancelled: its entries filed again, cancelled unless approved.
pub(super) fn booking_changed(view: &mut DocView<'_>, at: DateTime<Utc>, booking: Uuid, status: BookingStatus) -> Result<(), ApplyError> {
    let Some(mut b) = view.get_as::<BookingRef>(BOOKINGS, booking)? else { return Ok(()) };
    let audiences = [user_audience(b.booker)];
    for i in &mut b.items {
        i.cancelled = !status.holds_slots();
        i.description = Some(booking_description(&b.purpose, status));
        i.sequence += 1;
        i.updated_at = at;
        file(view, &keys(&audiences, i), i)?;
    }
    view.put(BOOKINGS, booking, &b)
}

fn closed_days_audiences(uai: &str) -> [String; 2] {
    [structure_audience(uai), staff_audience(uai)]
}

/// Closed days: an all-day entry over the range, for everyone of the structure.
pub(super) fn closed_days_declared(view: &mut DocView<'_>, at: DateTime<Utc>, e: &ClosedDaysDeclared) -> Result<(), ApplyError> {
    let mut i = item(EntryKind::ClosedDay, e.closed_days_id, &e.structure, e.label.clone(), at);
    i.start = day_start(e.from);
    i.end = day_start(e.to + Duration::days(1));
    i.all_day = true;
    file(view, &keys(&closed_days_audiences(&e.structure), &i), &i)?;
    view.put(CLOSED_DAYS, e.closed_days_id, &ClosedDaysRef { item: i })
}

pub(super) fn closed_days_withdrawn(view: &mut DocView<'_>, at: DateTime<Utc>, e: &ClosedDaysWithdrawn) -> Result<(), ApplyError> {
    let Some(mut c) = view.get_as::<ClosedDaysRef>(CLOSED_DAYS, e.closed_days_id)? else { return Ok(()) };
    c.item.cancelled = true;
    c.item.sequence += 1;
    c.item.updated_at = at;
    file(view, &keys(&closed_days_audiences(&e.structure), &c.item), &c.item)?;
    view.put(CLOSED_DAYS, e.closed_days_id, &c)
}

/// A meeting: an entry in each participant's agenda, at its Europe/Paris times, with its link.
pub(super) fn meeting_scheduled(view: &mut DocView<'_>, at: DateTime<Utc>, e: &MeetingScheduled) -> Result<(), ApplyError> {
    let mut i = item(EntryKind::Meeting, e.meeting_id, &e.structure, e.title.clone(), at);
    i.start = e.from.with_timezone(&chrono_tz::Europe::Paris).naive_local();
    i.end = e.to.with_timezone(&chrono_tz::Europe::Paris).naive_local();
    i.location = Some(e.join_url.clone());
    i.description = Some(format!("Visio : {}", e.join_url));
    let audiences: Vec<String> = e.participants.iter().map(|p| user_audience(*p)).collect();
    file(view, &keys(&audiences, &i), &i)?;
    view.put(MEETINGS, e.meeting_id, &MeetingRef { participants: e.participants.clone(), item: i })
}

pub(super) fn meeting_cancelled(view: &mut DocView<'_>, at: DateTime<Utc>, e: &MeetingCancelled) -> Result<(), ApplyError> {
    let Some(mut m) = view.get_as::<MeetingRef>(MEETINGS, e.meeting_id)? else { return Ok(()) };
    m.item.cancelled = true;
    m.item.sequence += 1;
    m.item.updated_at = at;
    let audiences: Vec<String> = m.participants.iter().map(|p| user_audience(*p)).collect();
    file(view, &keys(&audiences, &m.item), &m.item)?;
    view.put(MEETINGS, e.meeting_id, &m)
}
