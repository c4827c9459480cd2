//! Bookings: the rules of booking a resource (opening hours, closed days, no overlap), the
//! booking aggregate (its life) and the week aggregate of a resource (the slots held in one ISO
//! week), whose versions make two concurrent bookings of one slot conflict in the store.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Duration;
use uuid::Uuid;

use super::commands::{ApproveBooking, BookResource, CancelBooking, RejectBooking};
use super::events::*;
use super::time::{Day, IsoWeek, Slot, ranges_of};
use crate::directory::{StructureState, validate_text};
use crate::{Aggregate, DomainError, Event, StreamId};

/// Most occurrences of one recurring booking (a school year of weeks).
pub const MAX_OCCURRENCES: usize = 53;
/// Longest single occurrence (a loan of equipment over a holiday week-end is fine).
pub const MAX_OCCURRENCE_DAYS: i64 = 14;

/// The slots of one resource held in one ISO week, by booking.
#[derive(Debug, Clone, Default)]
pub struct ResourceWeekState {
    pub held: BTreeMap<Uuid, Vec<Slot>>,
}

impl ResourceWeekState {
    /// The stream of `resource`'s week `week`.
    pub fn stream(uai: &str, resource: Uuid, week: IsoWeek) -> StreamId {
        StreamId::new(uai, Self::TYPE, format!("{resource}_{week}"))
    }

    /// The booking holding a slot that overlaps `slot`, if any.
    pub fn collision(&self, slot: &Slot) -> Option<Uuid> {
        self.held.iter().find(|(_, slots)| slots.iter().any(|s| s.overlaps(slot))).map(|(id, _)| *id)
    }
}

impl Aggregate for ResourceWeekState {
    const TYPE: &'static str = "resource-week";

    fn apply(&mut self, event: &Event) {
        match event {
            Event::ResourceSlotsHeld(e) => {
                self.held.insert(e.booking_id, e.slots.clone());
            }
            Event::ResourceSlotsReleased(e) => {
                self.held.remove(&e.booking_id);
            }
            _ => {}
        }
    }
}

/// One booking's life.
#[derive(Debug, Clone, Default)]
pub struct BookingState {
    pub created: Option<ResourceBooked>,
    pub status: Option<BookingStatus>,
}

impl BookingState {
    pub fn stream(uai: &str, id: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, id.to_string())
    }

    /// The ISO weeks its occurrences touch, in order.
    pub fn weeks(&self) -> Vec<IsoWeek> {
        self.created.as_ref().map(|b| weeks_of(&b.occurrences).into_iter().collect()).unwrap_or_default()
    }
}

impl Aggregate for BookingState {
    const TYPE: &'static str = "booking";

    fn apply(&mut self, event: &Event) {
        match event {
            Event::ResourceBooked(e) => {
                self.created = Some(e.clone());
                self.status = Some(e.status);
            }
            Event::BookingApproved(_) => self.status = Some(BookingStatus::Confirmed),
            Event::BookingRejected(_) => self.status = Some(BookingStatus::Rejected),
            Event::BookingCancelled(_) => self.status = Some(BookingStatus::Cancelled),
            _ => {}
        }
    }
}

/// The ISO weeks a set of slots touches.
pub fn weeks_of(slots: &[Slot]) -> BTreeSet<IsoWeek> {
    slots.iter().flat_map(Slot::weeks).collect()
}

fn hours_text(resource: &BookableResourceDefined, day: Day) -> String {
    let ranges: Vec<String> =
        ranges_of(&resource.opening_hours, day).map(|r| format!("{}–{}", r.start.format("%H:%M"), r.end.format("%H:%M"))).collect();
    if ranges.is_empty() { format!("closed on {}", day.french()) } else { format!("open on {} {}", day.french(), ranges.join(", ")) }
}

/// Whether a slot lies inside the resource's opening hours: within one range of its day when it
/// lasts one day; starting and ending inside ranges of their days when it lasts several (a loan).
fn check_opening(resource: &BookableResourceDefined, slot: &Slot) -> Result<(), DomainError> {
    let (from_day, to_day) = (Day::of(slot.from.date()), Day::of(slot.to.date()));
    let (from_t, to_t) = (slot.from.time(), slot.to.time());
    if slot.from.date() == slot.to.date() {
        if ranges_of(&resource.opening_hours, from_day).any(|r| r.start <= from_t && to_t <= r.end) {
            return Ok(());
        }
        return Err(DomainError::field("from", format!("{slot} is outside the opening hours ({})", hours_text(resource, from_day))));
    }
    if !ranges_of(&resource.opening_hours, from_day).any(|r| r.start <= from_t && from_t < r.end) {
        return Err(DomainError::field("from", format!("{} is outside the opening hours ({})", slot.from, hours_text(resource, from_day))));
    }
    if !ranges_of(&resource.opening_hours, to_day).any(|r| r.start < to_t && to_t <= r.end) {
        return Err(DomainError::field("to", format!("{} is outside the opening hours ({})", slot.to, hours_text(resource, to_day))));
    }
    Ok(())
}

/// The first closed day a slot touches, with its label.
fn closed_day(structure: &StructureState, slot: &Slot) -> Option<String> {
    slot.days().into_iter().find_map(|d| structure.closed_on(d).map(|c| format!("{d} ({})", c.label)))
}

/// The occurrences a `BookResource` asks for: `from < to`, at most [`MAX_OCCURRENCE_DAYS`]
/// long, inside the resource's opening hours, outside the structure's closed days. A weekly
/// recurrence repeats the slot until `recurrence.until` (at most [`MAX_OCCURRENCES`], each
/// shorter than a week) and skips the occurrences that fall on closed days; a booking whose
/// every occurrence is closed is refused.
pub fn occurrences(resource: &BookableResourceDefined, structure: &StructureState, cmd: &BookResource) -> Result<Vec<Slot>, DomainError> {
    if cmd.from >= cmd.to {
        return Err(DomainError::field("to", "a booking ends after it starts"));
    }
    if cmd.to - cmd.from > Duration::days(MAX_OCCURRENCE_DAYS) {
        return Err(DomainError::field("to", format!("a booking lasts at most {MAX_OCCURRENCE_DAYS} days")));
    }
    let first = Slot { from: cmd.from, to: cmd.to };
    let Some(recurrence) = &cmd.recurrence else {
        check_opening(resource, &first)?;
        if let Some(day) = closed_day(structure, &first) {
            return Err(DomainError::field("from", format!("the structure is closed on {day}")));
        }
        return Ok(vec![first]);
    };
    if cmd.to - cmd.from >= Duration::days(7) {
        return Err(DomainError::field("recurrence", "a weekly booking lasts less than a week"));
    }
    if recurrence.until < cmd.from.date() {
        return Err(DomainError::field("recurrence.until", "on or after the first occurrence"));
    }
    let mut slots = Vec::new();
    let mut slot = first;
    while slot.from.date() <= recurrence.until {
        if slots.len() == MAX_OCCURRENCES {
            return Err(DomainError::field("recurrence.until", format!("at most {MAX_OCCURRENCES} occurrences")));
        }
        check_opening(resource, &slot)?;
        if closed_day(structure, &slot).is_none() {
            slots.push(slot);
        }
        slot = Slot { from: slot.from + Duration::days(7), to: slot.to + Duration::days(7) };
    }
    if slots.is_empty() {
        return Err(DomainError::field("from", "the structure is closed on every occurrence"));
    }
    Ok(slots)
}

/// `BookResource`, once the occurrences are known and the resource's weeks they touch are
/// loaded (`weeks`): no occurrence may overlap a slot held by another booking (pending or
/// confirmed). All or nothing: a refusal names every colliding occurrence
/// (`occurrences[i]`) with the booking it collides with. The booking is pending when the
/// resource needs approval and the booker is not one of its managers, else confirmed. Returns
/// [`ResourceBooked`] and one [`ResourceSlotsHeld`] per week touched.
pub fn book_resource(
    resource: &BookableResourceDefined,
    weeks: &BTreeMap<IsoWeek, ResourceWeekState>,
    occurrences: &[Slot],
    cmd: &BookResource,
    booking_id: Uuid,
    booker: Uuid,
) -> Result<Vec<Event>, DomainError> {
    let purpose = validate_text("purpose", &cmd.purpose, 500)?;
    let mut collisions = Vec::new();
    for (i, slot) in occurrences.iter().enumerate() {
        let hit = slot.weeks().iter().find_map(|w| weeks.get(w).and_then(|state| state.collision(slot)));
        if let Some(other) = hit {
            collisions.push((format!("occurrences[{i}]"), format!("{slot} collides with booking {other}")));
        }
    }
    if !collisions.is_empty() {
        return Err(DomainError::InvalidFields(collisions));
    }
    let status =
        if resource.requires_approval && !resource.managers.contains(&booker) { BookingStatus::Pending } else { BookingStatus::Confirmed };
    let mut events = vec![Event::ResourceBooked(ResourceBooked {
        booking_id,
        structure: resource.structure.clone(),
        resource: resource.resource_id,
        booker,
        purpose,
        occurrences: occurrences.to_vec(),
        recurrence_until: cmd.recurrence.as_ref().map(|r| r.until),
        status,
    })];
    for week in weeks_of(occurrences) {
        let slots: Vec<Slot> = occurrences.iter().filter(|s| s.weeks().contains(&week)).copied().collect();
        events.push(Event::ResourceSlotsHeld(ResourceSlotsHeld {
            booking_id,
            resource: resource.resource_id,
            week: week.to_string(),
            slots,
        }));
    }
    Ok(events)
}

fn current(booking: &BookingState) -> Result<(&ResourceBooked, BookingStatus), DomainError> {
    match (&booking.created, booking.status) {
        (Some(b), Some(s)) => Ok((b, s)),
        _ => Err(DomainError::NotFound("booking".into())),
    }
}

fn released(b: &ResourceBooked) -> impl Iterator<Item = Event> + '_ {
    weeks_of(&b.occurrences).into_iter().map(|w| {
        Event::ResourceSlotsReleased(ResourceSlotsReleased { booking_id: b.booking_id, resource: b.resource, week: w.to_string() })
    })
}

/// `ApproveBooking`: only a pending booking.
pub fn approve_booking(booking: &BookingState, _cmd: &ApproveBooking) -> Result<Vec<Event>, DomainError> {
    let (b, status) = current(booking)?;
    if status != BookingStatus::Pending {
        return Err(DomainError::rule("only a pending booking can be approved"));
    }
    Ok(vec![Event::BookingApproved(BookingApproved { booking_id: b.booking_id, resource: b.resource })])
}

/// `RejectBooking`: only a pending booking, with a reason; its slots are released.
pub fn reject_booking(booking: &BookingState, cmd: &RejectBooking) -> Result<Vec<Event>, DomainError> {
    let (b, status) = current(booking)?;
    let reason = validate_text("reason", &cmd.reason, 500)?;
    if status != BookingStatus::Pending {
        return Err(DomainError::rule("only a pending booking can be rejected"));
    }
    let mut events = vec![Event::BookingRejected(BookingRejected { booking_id: b.booking_id, resource: b.resource, reason })];
    events.extend(released(b));
    Ok(events)
}

/// `CancelBooking`: a pending or confirmed booking; its slots are released.
pub fn cancel_booking(booking: &BookingState, cmd: &CancelBooking) -> Result<Vec<Event>, DomainError> {
    let (b, status) = current(booking)?;
    if !status.holds_slots() {
        return Err(DomainError::rule("this booking is already rejected or cancelled"));
    }
    let reason = cmd.reason.as_deref().map(|r| validate_text("reason", r, 500)).transpose()?;
    let mut events = vec![Event::BookingCancelled(BookingCancelled { booking_id: b.booking_id, resource: b.resource, reason })];
    events.extend(released(b));
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::calendar::{ClosedRange, DeclareClosedDays, declare_closed_days};
    use crate::notes::fixtures::{d, fixture};
    use crate::reservations::commands::Recurrence;
    use crate::reservations::time::{OpeningDay, ResourceKind, TimeRange};
    use chrono::NaiveDateTime;

    fn dt(s: &str) -> NaiveDateTime {
        s.parse().unwrap()
    }

    fn resource(requires_approval: bool, managers: Vec<Uuid>) -> BookableResourceDefined {
        let t = |s: &str| s.parse().unwrap();
        let week: Vec<OpeningDay> = [Day::Monday, Day::Tuesday, Day::Wednesday, Day::Thursday, Day::Friday]
            .into_iter()
            .map(|day| OpeningDay {
                day,
                ranges: vec![TimeRange { start: t("08:00"), end: t("12:00") }, TimeRange { start: t("13:30"), end: t("18:00") }],
            })
            .collect();
        BookableResourceDefined {
            resource_id: Uuid::from_u128(7),
            structure: "0751234A".into(),
            code: "INFO1".into(),
            name: "Salle informatique".into(),
            kind: ResourceKind::SalleInformatique,
            capacity: Some(24),
            opening_hours: week,
            requires_approval,
            managers,
        }
    }

    fn cmd(from: &str, to: &str) -> BookResource {
        BookResource { booking_id: None, resource: Uuid::from_u128(7), from: dt(from), to: dt(to), purpose: "TP".into(), recurrence: None }
    }

    fn weekly(from: &str, to: &str, until: &str) -> BookResource {
        BookResource { recurrence: Some(Recurrence { until: d(until) }), ..cmd(from, to) }
    }

    /// Applies a booking's events to the weeks they hold, as the store would.
    fn hold(weeks: &mut BTreeMap<IsoWeek, ResourceWeekState>, events: &[Event]) {
        for e in events {
            if let Event::ResourceSlotsHeld(h) = e
                && let Some(w) = IsoWeek::parse(&h.week)
            {
                weeks.entry(w).or_default().apply(e);
            }
        }
    }

    fn book(
        weeks: &BTreeMap<IsoWeek, ResourceWeekState>,
        r: &BookableResourceDefined,
        c: &BookResource,
        id: Uuid,
    ) -> Result<Vec<Event>, DomainError> {
        let f = fixture();
        let slots = occurrences(r, &f.structure, c)?;
        book_resource(r, weeks, &slots, c, id, Uuid::from_u128(1))
    }

    #[test]
    fn booking_must_end_after_it_starts() {
        let f = fixture();
        let err = occurrences(&resource(false, vec![]), &f.structure, &cmd("2026-10-05T10:00:00", "2026-10-05T10:00:00")).unwrap_err();
        assert!(matches!(err, DomainError::InvalidField { field, .. } if field == "to"));
    }

    #[test]
    fn booking_must_lie_inside_opening_hours() {
        let f = fixture();
        let r = resource(false, vec![]);
        assert!(occurrences(&r, &f.structure, &cmd("2026-10-05T08:00:00", "2026-10-05T12:00:00")).is_ok());
        let lunch = occurrences(&r, &f.structure, &cmd("2026-10-05T11:00:00", "2026-10-05T14:00:00")).unwrap_err();
        assert!(matches!(lunch, DomainError::InvalidField { field, message } if field == "from" && message.contains("lundi")));
        assert!(occurrences(&r, &f.structure, &cmd("2026-10-10T09:00:00", "2026-10-10T10:00:00")).is_err(), "Saturday is closed");
        // A loan over a week-end starts and ends inside opening hours.
        assert!(occurrences(&r, &f.structure, &cmd("2026-10-09T17:00:00", "2026-10-12T08:30:00")).is_ok());
        assert!(occurrences(&r, &f.structure, &cmd("2026-10-09T17:00:00", "2026-10-12T07:30:00")).is_err());
    }

    #[test]
    fn booking_on_a_closed_day_is_refused() {
        let f = fixture();
        let cmd_closed = DeclareClosedDays {
            structure: f.structure.uai.clone(),
            days: vec![ClosedRange { from: d("2026-10-17"), to: d("2026-11-01"), label: "Toussaint".into() }],
        };
        let s =
            declare_closed_days(&f.structure, &cmd_closed, &[Uuid::new_v4()]).unwrap().iter().fold(f.structure.clone(), |s, e| s.evolve(e));
        let err = occurrences(&resource(false, vec![]), &s, &cmd("2026-10-19T09:00:00", "2026-10-19T10:00:00")).unwrap_err();
        assert!(matches!(err, DomainError::InvalidField { message, .. } if message.contains("Toussaint")));
        // A weekly booking skips the closed weeks.
        let slots = occurrences(&resource(false, vec![]), &s, &weekly("2026-10-12T09:00:00", "2026-10-12T10:00:00", "2026-11-02")).unwrap();
        let days: Vec<String> = slots.iter().map(|s| s.from.date().to_string()).collect();
        assert_eq!(days, ["2026-10-12", "2026-11-02"]);
    }

    #[test]
    fn overlapping_booking_is_refused_naming_the_booking_it_collides_with() {
        let r = resource(false, vec![]);
        let mut weeks = BTreeMap::new();
        let first = Uuid::from_u128(100);
        let held = book(&weeks, &r, &cmd("2026-10-05T09:00:00", "2026-10-05T10:00:00"), first).unwrap();
        hold(&mut weeks, &held);
        let err = book(&weeks, &r, &cmd("2026-10-05T09:30:00", "2026-10-05T11:00:00"), Uuid::from_u128(101)).unwrap_err();
        match err {
            DomainError::InvalidFields(issues) => {
                assert_eq!(issues.len(), 1);
                assert_eq!(issues[0].0, "occurrences[0]");
                assert!(issues[0].1.contains(&first.to_string()), "{issues:?}");
            }
            other => panic!("expected collisions, got {other:?}"),
        }
        // Touching slots do not collide.
        assert!(book(&weeks, &r, &cmd("2026-10-05T10:00:00", "2026-10-05T11:00:00"), Uuid::from_u128(102)).is_ok());
    }

    #[test]
    fn recurring_booking_is_all_or_nothing_and_lists_every_collision() {
        let r = resource(false, vec![]);
        let mut weeks = BTreeMap::new();
        let (a, b) = (Uuid::from_u128(200), Uuid::from_u128(201));
        let held = book(&weeks, &r, &cmd("2026-10-12T09:00:00", "2026-10-12T10:00:00"), a).unwrap();
        hold(&mut weeks, &held);
        let held = book(&weeks, &r, &cmd("2026-10-26T09:30:00", "2026-10-26T11:00:00"), b).unwrap();
        hold(&mut weeks, &held);
        let err = book(&weeks, &r, &weekly("2026-10-05T09:00:00", "2026-10-05T10:00:00", "2026-11-02"), Uuid::from_u128(202)).unwrap_err();
        let DomainError::InvalidFields(issues) = err else { panic!("expected collisions") };
        assert_eq!(issues.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(), ["occurrences[1]", "occurrences[3]"]);
        assert!(issues[0].1.contains(&a.to_string()) && issues[1].1.contains(&b.to_string()));
        // Without the collisions every occurrence is booked, each week held once.
        let ok = book(&weeks, &r, &weekly("2026-10-05T14:00:00", "2026-10-05T15:00:00", "2026-11-02"), Uuid::from_u128(203)).unwrap();
        let Event::ResourceBooked(booked) = &ok[0] else { panic!("booked first") };
        assert_eq!(booked.occurrences.len(), 5);
        assert_eq!(ok.len(), 6);
    }

    #[test]
    fn booking_over_two_weeks_holds_both() {
        let r = resource(false, vec![]);
        let events = book(&BTreeMap::new(), &r, &cmd("2026-10-09T17:00:00", "2026-10-12T08:30:00"), Uuid::from_u128(300)).unwrap();
        let weeks: Vec<&str> =
            events.iter().filter_map(|e| if let Event::ResourceSlotsHeld(h) = e { Some(h.week.as_str()) } else { None }).collect();
        assert_eq!(weeks, ["2026-W41", "2026-W42"]);
    }

    #[test]
    fn booking_of_a_resource_needing_approval_is_pending_unless_a_manager_books() {
        let manager = Uuid::from_u128(1);
        let r = resource(true, vec![manager]);
        let c = cmd("2026-10-05T09:00:00", "2026-10-05T10:00:00");
        let slots = vec![Slot { from: c.from, to: c.to }];
        let pending = book_resource(&r, &BTreeMap::new(), &slots, &c, Uuid::new_v4(), Uuid::from_u128(2)).unwrap();
        assert!(matches!(&pending[0], Event::ResourceBooked(b) if b.status == BookingStatus::Pending));
        let confirmed = book_resource(&r, &BTreeMap::new(), &slots, &c, Uuid::new_v4(), manager).unwrap();
        assert!(matches!(&confirmed[0], Event::ResourceBooked(b) if b.status == BookingStatus::Confirmed));
    }

    #[test]
    fn pending_booking_also_blocks_the_slot() {
        let r = resource(true, vec![Uuid::from_u128(9)]);
        let mut weeks = BTreeMap::new();
        let events = book(&weeks, &r, &cmd("2026-10-05T09:00:00", "2026-10-05T10:00:00"), Uuid::from_u128(400)).unwrap();
        assert!(matches!(&events[0], Event::ResourceBooked(b) if b.status == BookingStatus::Pending));
        hold(&mut weeks, &events);
        assert!(book(&weeks, &r, &cmd("2026-10-05T09:00:00", "2026-10-05T10:00:00"), Uuid::from_u128(401)).is_err());
    }

    #[test]
    fn only_pending_bookings_are_approved_or_rejected_and_rejection_frees_the_slots() {
        let r = resource(true, vec![Uuid::from_u128(9)]);
        let id = Uuid::from_u128(500);
        let events = book(&BTreeMap::new(), &r, &cmd("2026-10-05T09:00:00", "2026-10-05T10:00:00"), id).unwrap();
        let state = BookingState::from_history(&events[..1]);
        assert!(reject_booking(&state, &RejectBooking { booking: id, reason: " ".into() }).is_err(), "a reason is needed");
        let rejected = reject_booking(&state, &RejectBooking { booking: id, reason: "Salle réservée aux examens".into() }).unwrap();
        assert!(matches!(&rejected[1], Event::ResourceSlotsReleased(e) if e.week == "2026-W41"));
        let approved = approve_booking(&state, &ApproveBooking { booking: id }).unwrap();
        let state = state.evolve(&approved[0]);
        assert_eq!(state.status, Some(BookingStatus::Confirmed));
        assert!(approve_booking(&state, &ApproveBooking { booking: id }).is_err());
        assert!(reject_booking(&state, &RejectBooking { booking: id, reason: "x".into() }).is_err());
    }

    #[test]
    fn cancelled_booking_frees_its_slots_and_cannot_be_cancelled_again() {
        let r = resource(false, vec![]);
        let id = Uuid::from_u128(600);
        let mut weeks = BTreeMap::new();
        let events = book(&weeks, &r, &cmd("2026-10-05T09:00:00", "2026-10-05T10:00:00"), id).unwrap();
        hold(&mut weeks, &events);
        let state = BookingState::from_history(&events[..1]);
        let cancelled = cancel_booking(&state, &CancelBooking { booking: id, reason: None }).unwrap();
        for e in &cancelled[1..] {
            if let Event::ResourceSlotsReleased(rel) = e
                && let Some(w) = IsoWeek::parse(&rel.week)
            {
                weeks.entry(w).or_default().apply(e);
            }
        }
        assert!(book(&weeks, &r, &cmd("2026-10-05T09:00:00", "2026-10-05T10:00:00"), Uuid::from_u128(601)).is_ok());
        let state = state.evolve(&cancelled[0]);
        assert!(cancel_booking(&state, &CancelBooking { booking: id, reason: None }).is_err());
    }

    #[test]
    fn recurrence_is_bounded() {
        let f = fixture();
        let r = resource(false, vec![]);
        assert!(occurrences(&r, &f.structure, &weekly("2026-09-07T09:00:00", "2026-09-07T10:00:00", "2027-09-30")).is_err());
        assert!(occurrences(&r, &f.structure, &weekly("2026-10-05T09:00:00", "2026-10-05T10:00:00", "2026-10-04")).is_err());
        assert_eq!(occurrences(&r, &f.structure, &weekly("2026-09-07T09:00:00", "2026-09-07T10:00:00", "2027-07-04")).unwrap().len(), 43);
    }

    proptest::proptest! {
        /// Law: whatever bookings are attempted, in whatever order (single or weekly), the
        /// accepted ones never overlap, and each refusal names an accepted booking that one of
        /// its occurrences overlaps.
        #[test]
        fn accepted_bookings_never_overlap(attempts in proptest::collection::vec((0i64..21, 8u32..17, 1u32..4, proptest::bool::ANY), 1..40)) {
            let r = resource(false, vec![]);
            let f = fixture();
            let monday: NaiveDateTime = dt("2026-09-07T00:00:00");
            let mut weeks = BTreeMap::new();
            let mut accepted: Vec<(Uuid, Vec<Slot>)> = Vec::new();
            for (n, (day, hour, hours, weekly)) in attempts.into_iter().enumerate() {
                let from = monday + Duration::days(day) + Duration::hours(i64::from(hour));
                let to = from + Duration::hours(i64::from(hours));
                let c = BookResource {
                    booking_id: None,
                    resource: r.resource_id,
                    from,
                    to,
                    purpose: "x".into(),
                    recurrence: weekly.then(|| Recurrence { until: (from + Duration::days(14)).date() }),
                };
                let Ok(slots) = occurrences(&r, &f.structure, &c) else { continue };
                let id = Uuid::from_u128(n as u128 + 1);
                match book_resource(&r, &weeks, &slots, &c, id, Uuid::from_u128(1)) {
                    Ok(events) => {
                        hold(&mut weeks, &events);
                        accepted.push((id, slots));
                    }
                    Err(DomainError::InvalidFields(issues)) => {
                        for (_, message) in issues {
                            let named = accepted.iter().any(|(a, their)| {
                                message.contains(&a.to_string()) && their.iter().any(|t| slots.iter().any(|s| s.overlaps(t)))
                            });
                            proptest::prop_assert!(named, "{message}");
                        }
                    }
                    Err(other) => proptest::prop_assert!(false, "unexpected refusal {other:?}"),
                }
            }
            let all: Vec<&Slot> = accepted.iter().flat_map(|(_, s)| s.iter()).collect();
            for (i, a) in all.iter().enumerate() {
                for b in &all[i + 1..] {
                    proptest::prop_assert!(!a.overlaps(b), "{a} and {b} overlap");
                }
            }
        }
    }
}
