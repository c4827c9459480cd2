//! The meeting aggregate and its rules.

use chrono::Duration;
use uuid::Uuid;

use super::commands::*;
use super::events::*;
use crate::directory::{StructureState, UserState, validate_text};
use crate::{Aggregate, DomainError, Event, StreamId};

/// Most participants of a meeting besides its organiser.
pub const MAX_PARTICIPANTS: usize = 200;
/// Longest meeting.
pub const MAX_HOURS: i64 = 12;

/// State of one meeting.
#[derive(Debug, Clone, Default)]
pub struct MeetingState {
    pub scheduled: Option<MeetingScheduled>,
    pub cancelled: bool,
}

impl MeetingState {
    pub fn stream(uai: &str, id: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, id.to_string())
    }
}

impl Aggregate for MeetingState {
    const TYPE: &'static str = "meeting";

    fn apply(&mut self, event: &Event) {
        match event {
            Event::MeetingScheduled(e) => self.scheduled = Some(e.clone()),
            Event::MeetingCancelled(_) => self.cancelled = true,
            _ => {}
        }
    }
}

/// A join link: an absolute `https` URL with a host, no credentials in it, at most 2000
/// characters.
pub fn check_join_url(raw: &str) -> Result<String, DomainError> {
    let raw = validate_text("join_url", raw, 2_000)?;
    let url = url::Url::parse(&raw).map_err(|e| DomainError::field("join_url", format!("not a URL: {e}")))?;
    if url.scheme() != "https" {
        return Err(DomainError::field("join_url", "must be an https link"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(DomainError::field("join_url", "must name a host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(DomainError::field("join_url", "must not carry credentials"));
    }
    Ok(url.to_string())
}

/// `ScheduleMeeting`: a title, `from` before `to` and at most [`MAX_HOURS`] apart, an https
/// join link, 1 to [`MAX_PARTICIPANTS`] participants listed once, not the organiser. Whether
/// the organiser may invite them is the caller's check.
pub fn schedule_meeting(
    structure: &StructureState,
    organiser: &UserState,
    cmd: &ScheduleMeeting,
    id: Uuid,
) -> Result<Vec<Event>, DomainError> {
    if !structure.exists() {
        return Err(DomainError::NotFound("structure".into()));
    }
    let title = validate_text("title", &cmd.title, 200)?;
    if cmd.to <= cmd.from {
        return Err(DomainError::field("to", "a meeting ends after it starts"));
    }
    if cmd.to - cmd.from > Duration::hours(MAX_HOURS) {
        return Err(DomainError::field("to", format!("a meeting lasts at most {MAX_HOURS} hours")));
    }
    let join_url = check_join_url(&cmd.join_url)?;
    if cmd.participants.is_empty() || cmd.participants.len() > MAX_PARTICIPANTS {
        return Err(DomainError::field("participants", format!("1 to {MAX_PARTICIPANTS} people")));
    }
    let mut participants = vec![organiser.user_id];
    for (i, p) in cmd.participants.iter().enumerate() {
        if participants.contains(p) {
            return Err(DomainError::field(format!("participants[{i}]"), "listed twice (or the organiser)"));
        }
        participants.push(*p);
    }
    Ok(vec![Event::MeetingScheduled(MeetingScheduled {
        meeting_id: id,
        structure: structure.uai.clone(),
        organiser: organiser.user_id,
        title,
        from: cmd.from,
        to: cmd.to,
        participants,
        join_url,
    })])
}

/// `CancelMeeting`: a meeting that exists and is not cancelled yet.
pub fn cancel_meeting(meeting: &MeetingState, cmd: &CancelMeeting) -> Result<Vec<Event>, DomainError> {
    let current = meeting.scheduled.as_ref().ok_or_else(|| DomainError::NotFound("meeting".into()))?;
    if meeting.cancelled {
        return Err(DomainError::rule("this meeting is already cancelled"));
    }
    let reason = cmd.reason.as_deref().map(|r| validate_text("reason", r, 500)).transpose()?;
    Ok(vec![Event::MeetingCancelled(MeetingCancelled {
        meeting_id: current.meeting_id,
        structure: current.structure.clone(),
        participants: current.participants.clone(),
        reason,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::Profile;
    use chrono::{DateTime, Utc};

    fn structure() -> StructureState {
        StructureState {
            uai: "0751234A".into(),
            name: "Collège".into(),
            kind: Some(crate::directory::StructureKind::College),
            ..Default::default()
        }
    }

    fn teacher() -> UserState {
        UserState {
            user_id: Uuid::new_v4(),
            structure: "0751234A".into(),
            profile: Some(Profile::Enseignant),
            active: true,
            ..Default::default()
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn cmd() -> ScheduleMeeting {
        ScheduleMeeting {
            meeting_id: None,
            structure: "0751234A".into(),
            title: "Réunion parents-professeurs".into(),
            from: at("2026-12-03T17:00:00Z"),
            to: at("2026-12-03T18:00:00Z"),
            participants: vec![Uuid::new_v4()],
            join_url: "https://meet.jit.si/college-6a".into(),
        }
    }

    #[test]
    fn join_url_must_be_https_with_a_host_and_no_credentials() {
        assert!(check_join_url("https://bbb.example.org/b/abc-123").is_ok());
        for bad in ["http://meet.jit.si/x", "javascript:alert(1)", "https://user:pw@meet.jit.si/x", "meet.jit.si/x", ""] {
            assert!(matches!(check_join_url(bad), Err(DomainError::InvalidField { field, .. }) if field == "join_url"), "{bad}");
        }
    }

    #[test]
    fn a_meeting_ends_after_it_starts_and_lasts_at_most_twelve_hours() {
        let (s, t) = (structure(), teacher());
        let backwards = ScheduleMeeting { to: at("2026-12-03T16:00:00Z"), ..cmd() };
        assert!(
            matches!(schedule_meeting(&s, &t, &backwards, Uuid::new_v4()), Err(DomainError::InvalidField { field, .. }) if field == "to")
        );
        let long = ScheduleMeeting { to: at("2026-12-04T06:00:00Z"), ..cmd() };
        assert!(schedule_meeting(&s, &t, &long, Uuid::new_v4()).is_err());
        let Event::MeetingScheduled(m) = schedule_meeting(&s, &t, &cmd(), Uuid::new_v4()).unwrap().remove(0) else { panic!() };
        assert_eq!(m.participants[0], t.user_id);
        assert_eq!(m.participants.len(), 2);
    }

    #[test]
    fn participants_are_listed_once_and_not_empty() {
        let (s, t) = (structure(), teacher());
        let p = Uuid::new_v4();
        let twice = ScheduleMeeting { participants: vec![p, p], ..cmd() };
        assert!(
            matches!(schedule_meeting(&s, &t, &twice, Uuid::new_v4()), Err(DomainError::InvalidField { field, .. }) if field == "participants[1]")
        );
        let none = ScheduleMeeting { participants: vec![], ..cmd() };
        assert!(schedule_meeting(&s, &t, &none, Uuid::new_v4()).is_err());
    }

    #[test]
    fn a_cancelled_meeting_cannot_be_cancelled_again() {
        let (s, t) = (structure(), teacher());
        let state = MeetingState::from_history(&schedule_meeting(&s, &t, &cmd(), Uuid::new_v4()).unwrap());
        let id = state.scheduled.as_ref().unwrap().meeting_id;
        let cancelled = cancel_meeting(&state, &CancelMeeting { meeting: id, reason: Some("grève".into()) }).unwrap();
        let state = state.evolve(&cancelled[0]);
        assert!(matches!(cancel_meeting(&state, &CancelMeeting { meeting: id, reason: None }), Err(DomainError::Rule(_))));
    }
}
