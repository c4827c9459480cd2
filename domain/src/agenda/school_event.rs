//! The school event aggregate (one stream per event) and its rules: `CreateSchoolEvent`,
//! `UpdateSchoolEvent`, `CancelSchoolEvent`.

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDateTime};
use uuid::Uuid;

use super::commands::*;
use super::events::*;
use crate::directory::{StructureState, UserState, validate_text};
use crate::{Aggregate, DomainError, Event, StreamId};

/// Longest school event (a week-long trip fits, a whole term does not).
pub const MAX_DURATION_DAYS: i64 = 31;
/// Most classes, groups or users an audience names.
pub const MAX_AUDIENCE: usize = 500;
const MAX_TITLE: usize = 200;
const MAX_DESCRIPTION: usize = 5_000;
const MAX_LOCATION: usize = 200;

/// State of one school event.
#[derive(Debug, Clone, Default)]
pub struct SchoolEventState {
    /// The current content (the creation with every update applied).
    pub current: Option<SchoolEventCreated>,
    pub cancelled: bool,
    /// Changes so far (updates and the cancellation): the iCalendar `SEQUENCE`.
    pub sequence: u32,
}

impl SchoolEventState {
    pub fn stream(uai: &str, id: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, id.to_string())
    }
}

impl Aggregate for SchoolEventState {
    const TYPE: &'static str = "school-event";

    fn apply(&mut self, event: &Event) {
        match event {
            Event::SchoolEventCreated(e) => self.current = Some(e.clone()),
            Event::SchoolEventUpdated(e) => {
                if let Some(c) = &mut self.current {
                    c.title = e.title.clone();
                    c.description = e.description.clone();
                    c.from = e.from;
                    c.to = e.to;
                    c.location = e.location.clone();
                    c.audience = e.audience.clone();
                }
                self.sequence = e.sequence;
            }
            Event::SchoolEventCancelled(e) => {
                self.cancelled = true;
                self.sequence = e.sequence;
            }
            _ => {}
        }
    }
}

/// An optional text: trimmed, empty means none.
fn optional_text(field: &str, text: Option<&str>, max: usize) -> Result<Option<String>, DomainError> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => validate_text(field, t, max).map(Some),
    }
}

/// A school event ends after it starts and lasts at most [`MAX_DURATION_DAYS`].
fn check_times(from: NaiveDateTime, to: NaiveDateTime) -> Result<(), DomainError> {
    if to <= from {
        return Err(DomainError::field("to", "a school event ends after it starts"));
    }
    if to - from > Duration::days(MAX_DURATION_DAYS) {
        return Err(DomainError::field("to", format!("a school event lasts at most {MAX_DURATION_DAYS} days")));
    }
    Ok(())
}

/// The audience names classes, groups or active users of the structure, at least one, each once
/// (duplicates are dropped, the order kept).
fn check_audience(structure: &StructureState, users: &[UserState], audience: &Audience) -> Result<Audience, DomainError> {
    let ids = audience.ids();
    if matches!(audience, Audience::Structure) {
        return Ok(Audience::Structure);
    }
    if ids.is_empty() {
        return Err(DomainError::field("audience.ids", "name at least one class, group or user"));
    }
    if ids.len() > MAX_AUDIENCE {
        return Err(DomainError::field("audience.ids", format!("at most {MAX_AUDIENCE}")));
    }
    let mut seen = BTreeSet::new();
    let unique: Vec<Uuid> = ids.iter().copied().filter(|id| seen.insert(*id)).collect();
    for (i, id) in unique.iter().enumerate() {
        let field = format!("audience.ids[{i}]");
        let known = match audience {
            Audience::Classes(_) => structure.classes.contains_key(id),
            Audience::Groups(_) => structure.groups.contains_key(id),
            Audience::Users(_) => users.iter().any(|u| u.user_id == *id && u.exists() && u.active && u.structure == structure.uai),
            Audience::Structure => true,
        };
        if !known {
            let what = match audience {
                Audience::Classes(_) => "not a class of this structure",
                Audience::Groups(_) => "not a group of this structure",
                _ => "not an active user of this structure",
            };
            return Err(DomainError::field(field, what));
        }
    }
    Ok(match audience {
        Audience::Classes(_) => Audience::Classes(unique),
        Audience::Groups(_) => Audience::Groups(unique),
        Audience::Users(_) => Audience::Users(unique),
        Audience::Structure => Audience::Structure,
    })
}

/// `CreateSchoolEvent`: a structure that exists, a title, an end after the start (at most
/// [`MAX_DURATION_DAYS`] later), an audience of the structure's classes, groups or active users.
/// `users` are the users an audience of users names, as loaded (unknown ones absent or empty).
pub fn create_school_event(
    structure: &StructureState,
    users: &[UserState],
    cmd: &CreateSchoolEvent,
    id: Uuid,
) -> Result<Vec<Event>, DomainError> {
    if !structure.exists() {
        return Err(DomainError::NotFound("structure".into()));
    }
    check_times(cmd.from, cmd.to)?;
    Ok(vec![Event::SchoolEventCreated(SchoolEventCreated {
        event_id: id,
        structure: structure.uai.clone(),
        title: validate_text("title", &cmd.title, MAX_TITLE)?,
        description: optional_text("description", cmd.description.as_deref(), MAX_DESCRIPTION)?,
        from: cmd.from,
        to: cmd.to,
        location: optional_text("location", cmd.location.as_deref(), MAX_LOCATION)?,
        audience: check_audience(structure, users, &cmd.audience)?,
    })])
}

/// `UpdateSchoolEvent`: an event that exists and is not cancelled; the same rules on its new
/// content; something must change. The sequence goes up by one.
pub fn update_school_event(
    event: &SchoolEventState,
    structure: &StructureState,
    users: &[UserState],
    cmd: &UpdateSchoolEvent,
) -> Result<Vec<Event>, DomainError> {
    let current = event.current.as_ref().ok_or_else(|| DomainError::NotFound("event".into()))?;
    if event.cancelled {
        return Err(DomainError::rule("this school event was cancelled"));
    }
    let (from, to) = (cmd.from.unwrap_or(current.from), cmd.to.unwrap_or(current.to));
    check_times(from, to)?;
    let title = match &cmd.title {
        Some(t) => validate_text("title", t, MAX_TITLE)?,
        None => current.title.clone(),
    };
    let description = match &cmd.description {
        Some(d) => optional_text("description", Some(d), MAX_DESCRIPTION)?,
        None => current.description.clone(),
    };
    let location = match &cmd.location {
        Some(l) => optional_text("location", Some(l), MAX_LOCATION)?,
        None => current.location.clone(),
    };
    let audience = match &cmd.audience {
        Some(a) => check_audience(structure, users, a)?,
        None => current.audience.clone(),
    };
    let unchanged = title == current.title
        && description == current.description
        && from == current.from
        && to == current.to
        && location == current.location
        && audience == current.audience;
    if unchanged {
        return Err(DomainError::rule("nothing to change"));
    }
    Ok(vec![Event::SchoolEventUpdated(SchoolEventUpdated {
        event_id: current.event_id,
        structure: current.structure.clone(),
        title,
        description,
        from,
        to,
        location,
        audience,
        sequence: event.sequence + 1,
    })])
}

/// `CancelSchoolEvent`: an event that exists and is not cancelled yet. The sequence goes up by one.
pub fn cancel_school_event(event: &SchoolEventState, cmd: &CancelSchoolEvent) -> Result<Vec<Event>, DomainError> {
    let current = event.current.as_ref().ok_or_else(|| DomainError::NotFound("event".into()))?;
    if event.cancelled {
        return Err(DomainError::rule("this school event is already cancelled"));
    }
    Ok(vec![Event::SchoolEventCancelled(SchoolEventCancelled {
        event_id: current.event_id,
        structure: current.structure.clone(),
        reason: optional_text("reason", cmd.reason.as_deref(), 500)?,
        sequence: event.sequence + 1,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::fixtures::fixture;

    fn at(s: &str) -> NaiveDateTime {
        s.parse().unwrap()
    }

    fn council(structure: &StructureState, audience: Audience) -> CreateSchoolEvent {
        CreateSchoolEvent {
            event_id: None,
            structure: structure.uai.clone(),
            title: "Conseil de classe de 6A".into(),
            description: Some("  ".into()),
            from: at("2026-12-08T17:00:00"),
            to: at("2026-12-08T18:30:00"),
            location: Some("Salle 12".into()),
            audience,
        }
    }

    fn created(f: &crate::notes::fixtures::Fixture) -> SchoolEventState {
        let events =
            create_school_event(&f.structure, &[], &council(&f.structure, Audience::Classes(vec![f.class])), Uuid::new_v4()).unwrap();
        SchoolEventState::from_history(&events)
    }

    fn no_change(event: Uuid) -> UpdateSchoolEvent {
        UpdateSchoolEvent { event, title: None, description: None, from: None, to: None, location: None, audience: None }
    }

    #[test]
    fn school_event_must_end_after_it_starts_and_last_at_most_a_month() {
        let f = fixture();
        let mut cmd = council(&f.structure, Audience::Structure);
        cmd.to = cmd.from;
        assert!(
            matches!(create_school_event(&f.structure, &[], &cmd, Uuid::new_v4()), Err(DomainError::InvalidField { field, .. }) if field == "to")
        );
        cmd.to = at("2027-01-09T18:00:00");
        assert!(
            matches!(create_school_event(&f.structure, &[], &cmd, Uuid::new_v4()), Err(DomainError::InvalidField { field, .. }) if field == "to")
        );
        cmd.to = at("2026-12-12T18:00:00");
        assert!(create_school_event(&f.structure, &[], &cmd, Uuid::new_v4()).is_ok());
    }

    #[test]
    fn school_event_audience_names_classes_groups_or_active_users_of_the_structure() {
        let f = fixture();
        let ok = |a: Audience, users: &[UserState]| create_school_event(&f.structure, users, &council(&f.structure, a), Uuid::new_v4());
        assert!(ok(Audience::Classes(vec![f.class, f.other_class]), &[]).is_ok());
        assert!(ok(Audience::Groups(vec![f.group]), &[]).is_ok());
        // A group is not a class, and the reverse.
        assert!(
            matches!(ok(Audience::Classes(vec![f.group]), &[]), Err(DomainError::InvalidField { field, .. }) if field == "audience.ids[0]")
        );
        assert!(ok(Audience::Groups(vec![f.class]), &[]).is_err());
        assert!(matches!(ok(Audience::Classes(vec![]), &[]), Err(DomainError::InvalidField { field, .. }) if field == "audience.ids"));
        assert!(ok(Audience::Users(vec![f.pupil.user_id]), std::slice::from_ref(&f.pupil)).is_ok());
        assert!(ok(Audience::Users(vec![f.pupil.user_id]), &[]).is_err());
        let mut gone = f.pupil.clone();
        gone.active = false;
        assert!(ok(Audience::Users(vec![gone.user_id]), &[gone]).is_err());
        let mut elsewhere = f.pupil.clone();
        elsewhere.structure = "0759999Z".into();
        assert!(ok(Audience::Users(vec![elsewhere.user_id]), &[elsewhere]).is_err());
    }

    #[test]
    fn school_event_audience_drops_duplicates() {
        let f = fixture();
        let events =
            create_school_event(&f.structure, &[], &council(&f.structure, Audience::Classes(vec![f.class, f.class])), Uuid::new_v4())
                .unwrap();
        assert!(matches!(&events[0], Event::SchoolEventCreated(e) if e.audience == Audience::Classes(vec![f.class])));
    }

    #[test]
    fn school_event_blank_description_is_none() {
        let f = fixture();
        let events = create_school_event(&f.structure, &[], &council(&f.structure, Audience::Structure), Uuid::new_v4()).unwrap();
        assert!(matches!(&events[0], Event::SchoolEventCreated(e) if e.description.is_none() && e.location.as_deref() == Some("Salle 12")));
    }

    #[test]
    fn school_event_in_unknown_structure_is_not_found() {
        let f = fixture();
        let cmd = council(&f.structure, Audience::Structure);
        assert!(matches!(create_school_event(&StructureState::default(), &[], &cmd, Uuid::new_v4()), Err(DomainError::NotFound(_))));
    }

    #[test]
    fn school_event_update_keeps_unchanged_fields_raises_the_sequence_and_needs_a_change() {
        let f = fixture();
        let state = created(&f);
        let id = state.current.as_ref().unwrap().event_id;
        let cmd = UpdateSchoolEvent { from: Some(at("2026-12-08T17:30:00")), location: Some(String::new()), ..no_change(id) };
        let events = update_school_event(&state, &f.structure, &[], &cmd).unwrap();
        assert!(matches!(&events[0], Event::SchoolEventUpdated(e)
            if e.sequence == 1 && e.title == "Conseil de classe de 6A" && e.location.is_none() && e.to == at("2026-12-08T18:30:00")));
        let state = state.evolve(&events[0]);
        assert_eq!(state.sequence, 1);
        assert!(matches!(update_school_event(&state, &f.structure, &[], &cmd), Err(DomainError::Rule(_))));
        let again = UpdateSchoolEvent { title: Some("Conseil de classe (1er trimestre)".into()), ..no_change(id) };
        let events = update_school_event(&state, &f.structure, &[], &again).unwrap();
        assert!(matches!(&events[0], Event::SchoolEventUpdated(e) if e.sequence == 2));
    }

    #[test]
    fn school_event_update_checks_the_new_times_and_audience() {
        let f = fixture();
        let state = created(&f);
        let id = state.current.as_ref().unwrap().event_id;
        let early_end = UpdateSchoolEvent { to: Some(at("2026-12-08T16:00:00")), ..no_change(id) };
        assert!(
            matches!(update_school_event(&state, &f.structure, &[], &early_end), Err(DomainError::InvalidField { field, .. }) if field == "to")
        );
        let bad = UpdateSchoolEvent { audience: Some(Audience::Groups(vec![Uuid::new_v4()])), ..no_change(id) };
        assert!(update_school_event(&state, &f.structure, &[], &bad).is_err());
        assert!(matches!(
            update_school_event(&SchoolEventState::default(), &f.structure, &[], &no_change(id)),
            Err(DomainError::NotFound(_))
        ));
    }

    proptest::proptest! {
        /// Whatever updates are tried (some changing nothing, some refused), the sequence is the
        /// number of changes accepted, the cancellation included.
        #[test]
        fn school_event_sequence_counts_the_accepted_changes(moves in proptest::collection::vec(0u32..4, 0..12), cancel: bool) {
            let f = fixture();
            let mut state = created(&f);
            let id = state.current.as_ref().unwrap().event_id;
            let mut accepted = 0;
            for m in moves {
                // 0: nothing changes; 1: ends before it starts; 2 and 3: a new start.
                let cmd = match m {
                    0 => no_change(id),
                    1 => UpdateSchoolEvent { to: Some(at("2026-12-01T08:00:00")), ..no_change(id) },
                    n => UpdateSchoolEvent { from: Some(at(&format!("2026-12-08T1{n}:00:00"))), ..no_change(id) },
                };
                if let Ok(events) = update_school_event(&state, &f.structure, &[], &cmd) {
                    accepted += 1;
                    state = state.evolve(&events[0]);
                }
            }
            if cancel {
                state = state.clone().evolve(&cancel_school_event(&state, &CancelSchoolEvent { event: id, reason: None }).unwrap()[0]);
                accepted += 1;
            }
            proptest::prop_assert_eq!(state.sequence, accepted);
        }
    }

    #[test]
    fn cancelled_school_event_cannot_be_updated_or_cancelled_again() {
        let f = fixture();
        let state = created(&f);
        let id = state.current.as_ref().unwrap().event_id;
        let cancel = CancelSchoolEvent { event: id, reason: Some("Grève".into()) };
        let events = cancel_school_event(&state, &cancel).unwrap();
        assert!(matches!(&events[0], Event::SchoolEventCancelled(e) if e.sequence == 1 && e.reason.as_deref() == Some("Grève")));
        let state = state.evolve(&events[0]);
        assert!(state.cancelled);
        assert!(matches!(cancel_school_event(&state, &cancel), Err(DomainError::Rule(_))));
        let update = UpdateSchoolEvent { title: Some("x".into()), ..no_change(id) };
        assert!(matches!(update_school_event(&state, &f.structure, &[], &update), Err(DomainError::Rule(_))));
    }
}
