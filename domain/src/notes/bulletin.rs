//! The bulletin aggregate of one class and period: appreciations, publication and versions.
//! Stream: `<uai>/bulletin/<class>_<period>`.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::commands::{PublishBulletins, SetCouncilAppreciation, SetSubjectAppreciation};
use super::events::*;
use crate::directory::events::Period;
use crate::directory::{Profile, StructureState, UserState, validate_text};
use crate::{Aggregate, DomainError, Event, StreamId};

/// State of the bulletins of one class for one period.
#[derive(Debug, Clone, Default)]
pub struct BulletinState {
    pub published: bool,
    /// Current version of each pupil's bulletin once published (1 unless revised).
    pub versions: BTreeMap<Uuid, u32>,
}

impl BulletinState {
    /// The stream of the bulletins of `class` for `period`.
    pub fn stream(uai: &str, class: Uuid, period: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, format!("{class}_{period}"))
    }

    /// The current version of a pupil's published bulletin.
    pub fn version_of(&self, pupil: Uuid) -> u32 {
        self.versions.get(&pupil).copied().unwrap_or(1)
    }
}

impl Aggregate for BulletinState {
    const TYPE: &'static str = "bulletin";

    fn apply(&mut self, event: &Event) {
        match event {
            Event::BulletinsPublished(_) => self.published = true,
            Event::BulletinRevised(e) => {
                self.versions.insert(e.pupil, e.version);
            }
            _ => {}
        }
    }
}

/// The class of a pupil for a period's bulletin: the class at the end of the period, else the
/// one at its start.
pub fn pupil_class_in_period(pupil: &UserState, period: &Period) -> Result<Uuid, DomainError> {
    if !pupil.exists() || pupil.profile != Some(Profile::Eleve) {
        return Err(DomainError::NotFound("pupil".into()));
    }
    pupil
        .class_on(period.end)
        .or_else(|| pupil.class_on(period.start))
        .ok_or_else(|| DomainError::field("pupil", "not enrolled in a class during this period"))
}

/// After publication, every change to a pupil's bulletin makes a new version of it.
pub fn revise_published(state: &BulletinState, class: Uuid, period: Uuid, pupils: &[Uuid], reason: &str) -> Vec<Event> {
    if !state.published {
        return Vec::new();
    }
    let mut seen = Vec::new();
    pupils
        .iter()
        .filter(|p| {
            let new = !seen.contains(*p);
            seen.push(**p);
            new
        })
        .map(|&pupil| {
            Event::BulletinRevised(BulletinRevised {
                pupil,
                class,
                period,
                version: state.version_of(pupil) + 1,
                reason: reason.to_string(),
            })
        })
        .collect()
}

/// `PublishBulletins`: a class and a period of the structure, not published yet.
pub fn publish_bulletins(state: &BulletinState, structure: &StructureState, cmd: &PublishBulletins) -> Result<Vec<Event>, DomainError> {
    if !structure.classes.contains_key(&cmd.class) {
        return Err(DomainError::NotFound("class".into()));
    }
    structure.period(cmd.period).ok_or_else(|| DomainError::NotFound("period".into()))?;
    if state.published {
        return Err(DomainError::rule("the bulletins of this class are already published for this period"));
    }
    Ok(vec![Event::BulletinsPublished(BulletinsPublished { structure: structure.uai.clone(), class: cmd.class, period: cmd.period })])
}

/// `SetSubjectAppreciation`: a subject and period of the structure, a pupil enrolled during the
/// period, a text of at most 2,000 characters. Re-versions a published bulletin.
pub fn set_subject_appreciation(
    state: &BulletinState,
    structure: &StructureState,
    pupil: &UserState,
    cmd: &SetSubjectAppreciation,
) -> Result<Vec<Event>, DomainError> {
    if !structure.subjects.contains_key(&cmd.subject) {
        return Err(DomainError::NotFound("subject".into()));
    }
    let period = structure.period(cmd.period).ok_or_else(|| DomainError::NotFound("period".into()))?;
    let class = pupil_class_in_period(pupil, period)?;
    let text = validate_text("text", &cmd.text, 2_000)?;
    let mut events = vec![Event::SubjectAppreciationSet(SubjectAppreciationSet {
        pupil: pupil.user_id,
        class,
        period: cmd.period,
        subject: cmd.subject,
        text,
    })];
    events.extend(revise_published(state, class, cmd.period, &[pupil.user_id], "appréciation modifiée"));
    Ok(events)
}

/// `SetCouncilAppreciation`: like a subject appreciation, with an optional mention.
pub fn set_council_appreciation(
    state: &BulletinState,
    structure: &StructureState,
    pupil: &UserState,
    cmd: &SetCouncilAppreciation,
) -> Result<Vec<Event>, DomainError> {
    let period = structure.period(cmd.period).ok_or_else(|| DomainError::NotFound("period".into()))?;
    let class = pupil_class_in_period(pupil, period)?;
    let text = validate_text("text", &cmd.text, 2_000)?;
    let mut events = vec![Event::CouncilAppreciationSet(CouncilAppreciationSet {
        pupil: pupil.user_id,
        class,
        period: cmd.period,
        text,
        mention: cmd.mention,
    })];
    events.extend(revise_published(state, class, cmd.period, &[pupil.user_id], "appréciation du conseil modifiée"));
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::fixtures::*;
    use crate::notes::types::Mention;

    fn published(f: &Fixture) -> BulletinState {
        let events =
            publish_bulletins(&BulletinState::default(), &f.structure, &PublishBulletins { class: f.class, period: f.t1 }).unwrap();
        BulletinState::from_history(&events)
    }

    #[test]
    fn publishing_twice_is_rejected() {
        let f = fixture();
        let state = published(&f);
        assert!(matches!(
            publish_bulletins(&state, &f.structure, &PublishBulletins { class: f.class, period: f.t1 }),
            Err(DomainError::Rule(_))
        ));
    }

    #[test]
    fn publishing_needs_a_class_and_period_of_the_structure() {
        let f = fixture();
        let cmd = PublishBulletins { class: f.group, period: f.t1 };
        assert!(matches!(publish_bulletins(&BulletinState::default(), &f.structure, &cmd), Err(DomainError::NotFound(_))));
    }

    #[test]
    fn correction_after_publication_revises_the_bulletin() {
        let f = fixture();
        assert!(revise_published(&BulletinState::default(), f.class, f.t1, &[f.pupil.user_id], "x").is_empty());
        let state = published(&f);
        let events = revise_published(&state, f.class, f.t1, &[f.pupil.user_id, f.pupil.user_id], "note corrigée");
        assert_eq!(events.len(), 1);
        let Event::BulletinRevised(r) = &events[0] else { panic!() };
        assert_eq!(r.version, 2);
        let state = state.evolve(&events[0]);
        let again = revise_published(&state, f.class, f.t1, &[f.pupil.user_id], "x");
        assert!(matches!(&again[0], Event::BulletinRevised(r) if r.version == 3));
    }

    #[test]
    fn appreciation_for_pupil_not_enrolled_in_the_period_is_rejected() {
        let f = fixture();
        let pupil = f.pupil_enrolled_since("2027-01-05");
        let cmd = SetSubjectAppreciation { pupil: pupil.user_id, period: f.t1, subject: f.subject, text: "Bon trimestre".into() };
        assert!(set_subject_appreciation(&BulletinState::default(), &f.structure, &pupil, &cmd).is_err());
        let cmd = SetSubjectAppreciation { pupil: f.pupil.user_id, period: f.t1, subject: f.subject, text: "Bon trimestre".into() };
        assert!(set_subject_appreciation(&BulletinState::default(), &f.structure, &f.pupil, &cmd).is_ok());
    }

    #[test]
    fn council_appreciation_after_publication_revises_the_bulletin() {
        let f = fixture();
        let cmd = SetCouncilAppreciation {
            pupil: f.pupil.user_id,
            period: f.t1,
            text: "Très bien".into(),
            mention: Some(Mention::Felicitations),
        };
        let events = set_council_appreciation(&published(&f), &f.structure, &f.pupil, &cmd).unwrap();
        assert!(matches!(&events[..], [Event::CouncilAppreciationSet(_), Event::BulletinRevised(_)]));
    }
}
