//! Notes settings of a structure: subject coefficients per level, for the general average.
//! Stream: `<uai>/notes-settings/<uai>`.

use std::collections::HashMap;

use uuid::Uuid;

use super::commands::SetSubjectCoefficient;
use super::events::SubjectCoefficientSet;
use super::types::{Hundredths, parse_coefficient};
use crate::directory::{Level, StructureState};
use crate::{Aggregate, DomainError, Event, StreamId};

/// Subject coefficients by (level, subject); absent means 1.
#[derive(Debug, Clone, Default)]
pub struct NotesSettingsState {
    pub coefficients: HashMap<(Level, Uuid), Hundredths>,
}

impl NotesSettingsState {
    /// The settings stream of structure `uai`.
    pub fn stream(uai: &str) -> StreamId {
        StreamId::new(uai, Self::TYPE, uai)
    }
}

impl Aggregate for NotesSettingsState {
    const TYPE: &'static str = "notes-settings";

    fn apply(&mut self, event: &Event) {
        if let Event::SubjectCoefficientSet(e) = event {
            self.coefficients.insert((e.level, e.subject), e.coefficient);
        }
    }
}

/// `SetSubjectCoefficient`: a subject of the structure, a level it teaches, a coefficient > 0.
pub fn set_subject_coefficient(structure: &StructureState, cmd: &SetSubjectCoefficient) -> Result<Vec<Event>, DomainError> {
    if !structure.subjects.contains_key(&cmd.subject) {
        return Err(DomainError::NotFound("subject".into()));
    }
    if structure.kind.is_some_and(|k| !cmd.level.taught_in(k)) {
        return Err(DomainError::field("level", "this level is not taught in this structure"));
    }
    let coefficient = parse_coefficient("coefficient", cmd.coefficient)?;
    Ok(vec![Event::SubjectCoefficientSet(SubjectCoefficientSet {
        structure: structure.uai.clone(),
        level: cmd.level,
        subject: cmd.subject,
        coefficient,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::fixtures::fixture;

    #[test]
    fn subject_coefficient_must_be_positive() {
        let f = fixture();
        let mut cmd =
            SetSubjectCoefficient { structure: f.structure.uai.clone(), level: Level::Sixieme, subject: f.subject, coefficient: 0.0 };
        assert!(set_subject_coefficient(&f.structure, &cmd).is_err());
        cmd.coefficient = 3.0;
        let state = NotesSettingsState::from_history(&set_subject_coefficient(&f.structure, &cmd).unwrap());
        assert_eq!(state.coefficients[&(Level::Sixieme, f.subject)], Hundredths(300));
    }

    #[test]
    fn subject_coefficient_level_must_be_taught_in_the_structure() {
        let f = fixture();
        let cmd =
            SetSubjectCoefficient { structure: f.structure.uai.clone(), level: Level::Terminale, subject: f.subject, coefficient: 2.0 };
        assert!(matches!(set_subject_coefficient(&f.structure, &cmd), Err(DomainError::InvalidField { field, .. }) if field == "level"));
    }
}
