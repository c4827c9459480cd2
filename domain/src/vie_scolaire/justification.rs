//! The justification aggregate: a parent's excuse for a time range, then the CPE's decision.

use chrono::Duration;
use uuid::Uuid;

use super::absences::JustificationState;
use super::commands::JustifyAbsence;
use super::events::{AbsenceJustified, JustificationAccepted, JustificationRefused};
use crate::directory::types::validate_text;
use crate::directory::{Profile, UserState};
use crate::{Aggregate, DomainError, Event, StreamId};

/// Longest range one justification may cover.
pub const MAX_JUSTIFIED_DAYS: i64 = 62;

/// State of one justification.
#[derive(Debug, Clone, Default)]
pub struct JustificationStateful {
    pub submitted: Option<AbsenceJustified>,
    pub state: Option<JustificationState>,
}

impl JustificationStateful {
    pub fn stream(uai: &str, id: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, id.to_string())
    }
}

impl Aggregate for JustificationStateful {
    const TYPE: &'static str = "justification";

    fn apply(&mut self, event: &Event) {
        match event {
            Event::AbsenceJustified(e) => {
                self.submitted = Some(e.clone());
                self.state = Some(JustificationState::Pending);
            }
            Event::JustificationAccepted(_) => self.state = Some(JustificationState::Accepted),
            Event::JustificationRefused(_) => self.state = Some(JustificationState::Refused),
            _ => {}
        }
    }
}

/// `JustifyAbsence`: a range that ends after it starts (at most two months), a reason, for a pupil.
pub fn justify_absence(pupil: &UserState, cmd: &JustifyAbsence, id: Uuid, submitted_by: Uuid) -> Result<Vec<Event>, DomainError> {
    if !pupil.exists() || pupil.profile != Some(Profile::Eleve) {
        return Err(DomainError::NotFound("pupil".into()));
    }
    if cmd.to <= cmd.from {
        return Err(DomainError::field("to", "must be after `from`"));
    }
    if cmd.to - cmd.from > Duration::days(MAX_JUSTIFIED_DAYS) {
        return Err(DomainError::field("to", format!("one justification covers at most {MAX_JUSTIFIED_DAYS} days")));
    }
    let reason = validate_text("reason", &cmd.reason, 200)?;
    let comment = cmd.comment.as_deref().map(|c| validate_text("comment", c, 1000)).transpose()?;
    Ok(vec![Event::AbsenceJustified(AbsenceJustified {
        justification_id: id,
        pupil: pupil.user_id,
        structure: pupil.structure.clone(),
        from: cmd.from,
        to: cmd.to,
        reason,
        comment,
        submitted_by,
    })])
}

fn pending(j: &JustificationStateful) -> Result<&AbsenceJustified, DomainError> {
    let Some(sub) = &j.submitted else { return Err(DomainError::NotFound("justification".into())) };
    if j.state != Some(JustificationState::Pending) {
        return Err(DomainError::rule("this justification was already decided"));
    }
    Ok(sub)
}

/// `AcceptJustification`: only a pending justification.
pub fn accept(j: &JustificationStateful, by: Uuid) -> Result<Vec<Event>, DomainError> {
    let sub = pending(j)?;
    Ok(vec![Event::JustificationAccepted(JustificationAccepted {
        justification_id: sub.justification_id,
        pupil: sub.pupil,
        structure: sub.structure.clone(),
        decided_by: by,
    })])
}

/// `RefuseJustification`: only a pending justification, with a reason.
pub fn refuse(j: &JustificationStateful, by: Uuid, reason: &str) -> Result<Vec<Event>, DomainError> {
    let sub = pending(j)?;
    let reason = validate_text("reason", reason, 500)?;
    Ok(vec![Event::JustificationRefused(JustificationRefused {
        justification_id: sub.justification_id,
        pupil: sub.pupil,
        structure: sub.structure.clone(),
        decided_by: by,
        reason,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pupil() -> UserState {
        UserState {
            user_id: Uuid::new_v4(),
            profile: Some(Profile::Eleve),
            structure: "0751234A".into(),
            active: true,
            ..Default::default()
        }
    }

    fn cmd(from: &str, to: &str) -> JustifyAbsence {
        JustifyAbsence {
            justification_id: None,
            pupil: Uuid::nil(),
            from: from.parse().unwrap(),
            to: to.parse().unwrap(),
            reason: "maladie".into(),
            comment: None,
        }
    }

    #[test]
    fn justification_range_must_end_after_it_starts_and_stay_short() {
        assert!(justify_absence(&pupil(), &cmd("2026-10-05T08:00:00", "2026-10-05T08:00:00"), Uuid::nil(), Uuid::nil()).is_err());
        assert!(justify_absence(&pupil(), &cmd("2026-10-05T08:00:00", "2027-01-05T08:00:00"), Uuid::nil(), Uuid::nil()).is_err());
        assert!(justify_absence(&pupil(), &cmd("2026-10-05T08:00:00", "2026-10-06T18:00:00"), Uuid::nil(), Uuid::nil()).is_ok());
    }

    #[test]
    fn a_justification_is_decided_once() {
        let events = justify_absence(&pupil(), &cmd("2026-10-05T08:00:00", "2026-10-05T18:00:00"), Uuid::new_v4(), Uuid::nil()).unwrap();
        let j = JustificationStateful::from_history(&events);
        let refused = refuse(&j, Uuid::nil(), "certificat manquant").unwrap();
        let j = j.evolve(&refused[0]);
        assert_eq!(j.state, Some(JustificationState::Refused));
        assert!(accept(&j, Uuid::nil()).is_err());
        assert!(refuse(&j, Uuid::nil(), "encore").is_err());
    }

    #[test]
    fn refusal_needs_a_reason() {
        let events = justify_absence(&pupil(), &cmd("2026-10-05T08:00:00", "2026-10-05T18:00:00"), Uuid::new_v4(), Uuid::nil()).unwrap();
        assert!(refuse(&JustificationStateful::from_history(&events), Uuid::nil(), "  ").is_err());
    }
}
