//! The booklet aggregate of one pupil: positionings, validations, end-of-cycle assessments.
//! Stream: `<uai>/booklet/<pupil>`.

use std::collections::{BTreeMap, BTreeSet};

use uuid::Uuid;

use super::builtin::socle_composantes;
use super::commands::{PositionCompetency, SetEndOfCycleAssessment, ValidateCertificationItem};
use super::events::*;
use super::types::{FrameworkDef, FrameworkKind};
use crate::directory::{Level, Profile, StructureState, UserState, validate_text};
use crate::notes::EvaluationState;
use crate::{Aggregate, DomainError, Event, StreamId};

/// What the rules need to know of a pupil's booklet.
#[derive(Debug, Clone, Default)]
pub struct BookletState {
    /// Validated certification items, as (framework, item).
    pub validated: BTreeSet<(String, String)>,
    /// End-of-cycle levels by (cycle, composante).
    pub end_of_cycle: BTreeMap<(u8, String), u8>,
}

impl BookletState {
    pub fn stream(uai: &str, pupil: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, pupil.to_string())
    }
}

impl Aggregate for BookletState {
    const TYPE: &'static str = "booklet";

    fn apply(&mut self, event: &Event) {
        match event {
            Event::CertificationItemValidated(e) => {
                self.validated.insert((e.framework.clone(), e.item.clone()));
            }
            Event::EndOfCycleAssessmentSet(e) => {
                self.end_of_cycle.insert((e.cycle, e.composante.clone()), e.level);
            }
            _ => {}
        }
    }
}

fn check_level(level: u8) -> Result<u8, DomainError> {
    if (1..=4).contains(&level) {
        Ok(level)
    } else {
        Err(DomainError::field("level", "1 maîtrise insuffisante, 2 fragile, 3 satisfaisante or 4 très bonne maîtrise"))
    }
}

fn check_pupil(structure: &StructureState, pupil: &UserState) -> Result<(), DomainError> {
    if !pupil.exists() || pupil.profile != Some(Profile::Eleve) || pupil.structure != structure.uai {
        return Err(DomainError::NotFound("pupil".into()));
    }
    Ok(())
}

/// The cycle a level belongs to: 3 (CM1–6e) or 4 (5e–3e).
pub fn cycle_of(level: Level) -> Option<u8> {
    match level {
        Level::Cm1 | Level::Cm2 | Level::Sixieme => Some(3),
        Level::Cinquieme | Level::Quatrieme | Level::Troisieme => Some(4),
        _ => None,
    }
}

/// `PositionCompetency`: a level 1..=4 on an item of the framework, for a period of the
/// structure; the evidence, when given, is an evaluation of that pupil's structure and period.
pub fn position_competency(
    framework: &FrameworkDef,
    structure: &StructureState,
    pupil: &UserState,
    cmd: &PositionCompetency,
    evidence: Option<&EvaluationState>,
) -> Result<Vec<Event>, DomainError> {
    check_pupil(structure, pupil)?;
    let level = check_level(cmd.level)?;
    if framework.item(&cmd.item).is_none() {
        return Err(DomainError::field("item", format!("not an item of framework {}", framework.code)));
    }
    structure.period(cmd.period).ok_or_else(|| DomainError::NotFound("period".into()))?;
    if let Some(id) = cmd.evidence {
        match evidence {
            Some(e) if e.exists() && e.id == id && e.period == cmd.period => {}
            Some(e) if e.exists() && e.id == id => return Err(DomainError::field("evidence", "an evaluation of another period")),
            _ => return Err(DomainError::field("evidence", "no such evaluation")),
        }
    }
    let comment = cmd.comment.as_deref().map(|c| validate_text("comment", c, 1_000)).transpose()?;
    Ok(vec![Event::CompetencyPositioned(CompetencyPositioned {
        pupil: pupil.user_id,
        structure: structure.uai.clone(),
        framework: framework.code.clone(),
        item: cmd.item.clone(),
        level,
        period: cmd.period,
        evidence: cmd.evidence,
        comment,
    })])
}

/// `ValidateCertificationItem`: an item of a certification framework, not validated yet.
pub fn validate_certification_item(
    booklet: &BookletState,
    framework: &FrameworkDef,
    structure: &StructureState,
    pupil: &UserState,
    cmd: &ValidateCertificationItem,
) -> Result<Vec<Event>, DomainError> {
    check_pupil(structure, pupil)?;
    if framework.kind != FrameworkKind::Certification {
        return Err(DomainError::field("framework", "only items of a certification referential (B2i, PIX) are validated"));
    }
    if framework.item(&cmd.item).is_none() {
        return Err(DomainError::field("item", format!("not an item of framework {}", framework.code)));
    }
    if booklet.validated.contains(&(framework.code.clone(), cmd.item.clone())) {
        return Err(DomainError::rule("this item is already validated for this pupil"));
    }
    Ok(vec![Event::CertificationItemValidated(CertificationItemValidated {
        pupil: pupil.user_id,
        structure: structure.uai.clone(),
        framework: framework.code.clone(),
        item: cmd.item.clone(),
    })])
}

/// `SetEndOfCycleAssessment`: cycle 3 or 4, a composante of the socle, a level 1..=4, for a
/// pupil whose class is in that cycle.
pub fn set_end_of_cycle_assessment(
    structure: &StructureState,
    pupil: &UserState,
    cmd: &SetEndOfCycleAssessment,
) -> Result<Vec<Event>, DomainError> {
    check_pupil(structure, pupil)?;
    if !matches!(cmd.cycle, 3 | 4) {
        return Err(DomainError::field("cycle", "3 (CM1–6e) or 4 (5e–3e)"));
    }
    if !socle_composantes().contains(&cmd.composante) {
        return Err(DomainError::field("composante", "one of D1.1, D1.2, D1.3, D1.4, D2, D3, D4, D5"));
    }
    let level = check_level(cmd.level)?;
    let class_level = pupil.class.and_then(|(c, _)| structure.classes.get(&c)).map(|c| c.level);
    if class_level.and_then(cycle_of) != Some(cmd.cycle) {
        return Err(DomainError::field("cycle", "the pupil's class is not in this cycle"));
    }
    Ok(vec![Event::EndOfCycleAssessmentSet(EndOfCycleAssessmentSet {
        pupil: pupil.user_id,
        structure: structure.uai.clone(),
        cycle: cmd.cycle,
        composante: cmd.composante.clone(),
        level,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::competences::builtin::{B2I, SOCLE, builtin};
    use crate::competences::commands::DefineCompetencyFramework;
    use crate::competences::framework::define_framework;
    use crate::competences::types::{DomainDef, ItemDef};
    use crate::notes::fixtures::fixture;

    fn position(f: &crate::notes::fixtures::Fixture, item: &str, level: u8) -> PositionCompetency {
        PositionCompetency {
            pupil: f.pupil.user_id,
            framework: SOCLE.into(),
            item: item.into(),
            level,
            period: f.t1,
            evidence: None,
            comment: None,
        }
    }

    #[test]
    fn positioning_level_is_between_1_and_4() {
        let f = fixture();
        let socle = builtin(SOCLE).unwrap();
        assert!(
            matches!(position_competency(&socle, &f.structure, &f.pupil, &position(&f, "D1.1", 5), None), Err(DomainError::InvalidField { field, .. }) if field == "level")
        );
        assert!(position_competency(&socle, &f.structure, &f.pupil, &position(&f, "D1.1", 0), None).is_err());
        assert!(position_competency(&socle, &f.structure, &f.pupil, &position(&f, "D1.1", 4), None).is_ok());
    }

    #[test]
    fn positioning_item_must_belong_to_the_framework() {
        let f = fixture();
        let socle = builtin(SOCLE).unwrap();
        assert!(
            matches!(position_competency(&socle, &f.structure, &f.pupil, &position(&f, "D9", 2), None), Err(DomainError::InvalidField { field, .. }) if field == "item")
        );
    }

    #[test]
    fn positioning_evidence_is_an_evaluation_of_the_same_period() {
        let f = fixture();
        let socle = builtin(SOCLE).unwrap();
        let eval = f.evaluation(20);
        let mut cmd = position(&f, "D1.3", 3);
        cmd.evidence = Some(eval.id);
        assert!(position_competency(&socle, &f.structure, &f.pupil, &cmd, Some(&eval)).is_ok());
        assert!(position_competency(&socle, &f.structure, &f.pupil, &cmd, None).is_err());
        cmd.period = f.t2;
        assert!(position_competency(&socle, &f.structure, &f.pupil, &cmd, Some(&eval)).is_err());
    }

    #[test]
    fn only_certification_items_are_validated_and_only_once() {
        let f = fixture();
        let b2i = builtin(B2I).unwrap();
        let cmd = ValidateCertificationItem { pupil: f.pupil.user_id, framework: B2I.into(), item: "B2i.1.1".into() };
        let events = validate_certification_item(&BookletState::default(), &b2i, &f.structure, &f.pupil, &cmd).unwrap();
        let booklet = BookletState::from_history(&events);
        assert!(matches!(validate_certification_item(&booklet, &b2i, &f.structure, &f.pupil, &cmd), Err(DomainError::Rule(_))));
        let socle = builtin(SOCLE).unwrap();
        let cmd = ValidateCertificationItem { pupil: f.pupil.user_id, framework: SOCLE.into(), item: "D2".into() };
        assert!(validate_certification_item(&BookletState::default(), &socle, &f.structure, &f.pupil, &cmd).is_err());
    }

    #[test]
    fn end_of_cycle_assessment_must_match_the_pupils_cycle() {
        let f = fixture();
        // The fixture's pupil is in 6e: cycle 3.
        let cmd = SetEndOfCycleAssessment { pupil: f.pupil.user_id, cycle: 3, composante: "D1.2".into(), level: 3 };
        assert!(set_end_of_cycle_assessment(&f.structure, &f.pupil, &cmd).is_ok());
        let cycle4 = SetEndOfCycleAssessment { cycle: 4, ..cmd.clone() };
        assert!(set_end_of_cycle_assessment(&f.structure, &f.pupil, &cycle4).is_err());
        let cycle2 = SetEndOfCycleAssessment { cycle: 2, ..cmd.clone() };
        assert!(set_end_of_cycle_assessment(&f.structure, &f.pupil, &cycle2).is_err());
    }

    #[test]
    fn end_of_cycle_composante_is_one_of_the_8_of_the_socle() {
        let f = fixture();
        let cmd = SetEndOfCycleAssessment { pupil: f.pupil.user_id, cycle: 3, composante: "D6".into(), level: 3 };
        assert!(
            matches!(set_end_of_cycle_assessment(&f.structure, &f.pupil, &cmd), Err(DomainError::InvalidField { field, .. }) if field == "composante")
        );
    }

    #[test]
    fn built_in_frameworks_cannot_be_redefined_and_item_codes_are_unique() {
        let f = fixture();
        let item = |c: &str| ItemDef { code: c.into(), label: "Lire".into() };
        let mut cmd = DefineCompetencyFramework {
            structure: f.structure.uai.clone(),
            code: "PIX".into(),
            name: "x".into(),
            kind: FrameworkKind::Subject,
            domains: vec![DomainDef { code: "FR".into(), name: "Français".into(), items: vec![item("FR1"), item("FR2")] }],
        };
        assert!(define_framework(&f.structure, &cmd).is_err());
        cmd.code = "FRANCAIS".into();
        assert!(define_framework(&f.structure, &cmd).is_ok());
        cmd.domains[0].items.push(item("FR1"));
        assert!(
            matches!(define_framework(&f.structure, &cmd), Err(DomainError::InvalidField { field, .. }) if field == "domains[0].items[2].code")
        );
    }
}
