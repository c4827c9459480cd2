//! The discipline aggregate of a pupil: punishments, sanctions (R511-13) and their erasure.

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use uuid::Uuid;

use super::commands::{GivePunishment, PronounceSanction};
use super::events::{PunishmentGiven, SanctionErased, SanctionPronounced};
use super::types::{ErasureRule, PunishmentKind, SanctionKind, SealedContent};
use crate::directory::structure::{school_year_bounds, school_year_of};
use crate::directory::types::validate_text;
use crate::directory::{Profile, UserState};
use crate::{Aggregate, DomainError, Event, StreamId};

/// Longest mesure de responsabilisation, in hours.
pub const MAX_RESPONSABILISATION_HOURS: u32 = 20;
/// Longest temporary exclusion, in days.
pub const MAX_EXCLUSION_DAYS: u32 = 8;

/// What the aggregate keeps of a sanction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SanctionRecord {
    pub kind: SanctionKind,
    pub pronounced_on: NaiveDate,
    pub erasure_due: Option<NaiveDate>,
    pub erased: Option<ErasureRule>,
}

/// Discipline of one pupil.
#[derive(Debug, Clone, Default)]
pub struct DisciplineState {
    pub punishments: BTreeMap<Uuid, PunishmentKind>,
    pub sanctions: BTreeMap<Uuid, SanctionRecord>,
}

impl DisciplineState {
    pub fn stream(uai: &str, pupil: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, pupil.to_string())
    }
}

impl Aggregate for DisciplineState {
    const TYPE: &'static str = "discipline";

    fn apply(&mut self, event: &Event) {
        match event {
            Event::PunishmentGiven(e) => {
                self.punishments.insert(e.punishment_id, e.kind);
            }
            Event::SanctionPronounced(e) => {
                let record = SanctionRecord { kind: e.kind, pronounced_on: e.pronounced_on, erasure_due: e.erasure_due, erased: None };
                self.sanctions.insert(e.sanction_id, record);
            }
            Event::SanctionErased(e) => {
                if let Some(s) = self.sanctions.get_mut(&e.sanction_id) {
                    s.erased = Some(e.rule);
                }
            }
            _ => {}
        }
    }
}

/// When and under which rule a sanction is erased automatically (R511-13): avertissement, blâme
/// and mesure de responsabilisation at the end of the school year they were pronounced in (31
/// August); temporary exclusions one year after being pronounced; an exclusion définitive only
/// at the end of schooling or on a change of school (no date).
pub fn erasure_due(kind: SanctionKind, pronounced_on: NaiveDate) -> Option<(NaiveDate, ErasureRule)> {
    match kind {
        SanctionKind::Avertissement | SanctionKind::Blame | SanctionKind::MesureDeResponsabilisation => {
            school_year_bounds(&school_year_of(pronounced_on)).ok().map(|(_, end)| (end, ErasureRule::EndOfSchoolYear))
        }
        SanctionKind::ExclusionTemporaireClasse | SanctionKind::ExclusionTemporaireEtablissement => {
            pronounced_on.checked_add_months(Months::new(12)).map(|d| (d, ErasureRule::OneYearAfter))
        }
        SanctionKind::ExclusionDefinitive => None,
    }
}

fn require_pupil(pupil: &UserState) -> Result<(), DomainError> {
    if !pupil.exists() || pupil.profile != Some(Profile::Eleve) {
        return Err(DomainError::NotFound("pupil".into()));
    }
    Ok(())
}

/// The plain content of a punishment, checked: `(reason, details)`.
pub fn punishment_content(cmd: &GivePunishment) -> Result<(String, Option<String>), DomainError> {
    let reason = validate_text("reason", &cmd.reason, 1000)?;
    let details = cmd.details.as_deref().map(|d| validate_text("details", d, 4000)).transpose()?;
    Ok((reason, details))
}

/// `GivePunishment`: for a pupil, dated, with a reason; `content` is the sealed reason and details.
pub fn give_punishment(
    pupil: &UserState,
    cmd: &GivePunishment,
    id: Uuid,
    given_by: Uuid,
    content: SealedContent,
) -> Result<Vec<Event>, DomainError> {
    require_pupil(pupil)?;
    punishment_content(cmd)?;
    Ok(vec![Event::PunishmentGiven(PunishmentGiven {
        punishment_id: id,
        pupil: pupil.user_id,
        structure: pupil.structure.clone(),
        kind: cmd.kind,
        date: cmd.date,
        given_by,
        content,
    })])
}

/// The plain content of a sanction, checked with every rule of R511-13: `(reason, facts)`.
pub fn sanction_content(cmd: &PronounceSanction, today: NaiveDate) -> Result<(String, String), DomainError> {
    let reason = validate_text("reason", &cmd.reason, 1000)?;
    let facts = validate_text("facts", &cmd.facts, 8000)?;
    match (cmd.kind.is_temporary_exclusion(), cmd.days) {
        (true, Some(d)) if (1..=MAX_EXCLUSION_DAYS).contains(&d) => {}
        (true, _) => return Err(DomainError::field("days", format!("a temporary exclusion lasts 1 to {MAX_EXCLUSION_DAYS} days"))),
        (false, Some(_)) => return Err(DomainError::field("days", "only for a temporary exclusion")),
        (false, None) => {}
    }
    match (cmd.kind, cmd.hours) {
        (SanctionKind::MesureDeResponsabilisation, Some(h)) if !(1..=MAX_RESPONSABILISATION_HOURS).contains(&h) => {
            return Err(DomainError::field(
                "hours",
                format!("a mesure de responsabilisation lasts at most {MAX_RESPONSABILISATION_HOURS} hours"),
            ));
        }
        (SanctionKind::MesureDeResponsabilisation, _) | (_, None) => {}
        (_, Some(_)) => return Err(DomainError::field("hours", "only for a mesure de responsabilisation")),
    }
    if cmd.sursis && !cmd.kind.may_be_suspended() {
        return Err(DomainError::field("sursis", "an avertissement or a blâme cannot be suspended"));
    }
    if cmd.kind == SanctionKind::ExclusionDefinitive && !cmd.by_disciplinary_council {
        return Err(DomainError::field("by_disciplinary_council", "only the disciplinary council pronounces an exclusion définitive"));
    }
    if cmd.pronounced_on > today {
        return Err(DomainError::field("pronounced_on", "in the future"));
    }
    Ok((reason, facts))
}

/// `PronounceSanction`: a checked sanction for a pupil; `content` seals reason and facts.
pub fn pronounce_sanction(
    pupil: &UserState,
    cmd: &PronounceSanction,
    id: Uuid,
    pronounced_by: Uuid,
    content: SealedContent,
    today: NaiveDate,
) -> Result<Vec<Event>, DomainError> {
    require_pupil(pupil)?;
    sanction_content(cmd, today)?;
    Ok(vec![Event::SanctionPronounced(SanctionPronounced {
        sanction_id: id,
        pupil: pupil.user_id,
        structure: pupil.structure.clone(),
        kind: cmd.kind,
        days: cmd.days,
        hours: cmd.hours,
        sursis: cmd.sursis,
        pronounced_on: cmd.pronounced_on,
        by_disciplinary_council: cmd.by_disciplinary_council,
        pronounced_by,
        erasure_due: erasure_due(cmd.kind, cmd.pronounced_on).map(|(d, _)| d),
        content,
    })])
}

/// `EraseSanction`: a sanction not yet erased. The scheduled rules apply only to their kinds and
/// from their due date; end of schooling and change of school apply to any sanction at any time.
pub fn erase_sanction(
    state: &DisciplineState,
    pupil: &UserState,
    sanction: Uuid,
    rule: ErasureRule,
    today: NaiveDate,
) -> Result<Vec<Event>, DomainError> {
    let Some(record) = state.sanctions.get(&sanction) else { return Err(DomainError::NotFound("sanction".into())) };
    if record.erased.is_some() {
        return Err(DomainError::rule("this sanction is already erased"));
    }
    if matches!(rule, ErasureRule::EndOfSchoolYear | ErasureRule::OneYearAfter) {
        match erasure_due(record.kind, record.pronounced_on) {
            Some((due, r)) if r == rule && due <= today => {}
            Some((due, r)) if r == rule => return Err(DomainError::rule(format!("not due before {due}"))),
            _ => return Err(DomainError::field("rule", "this rule does not apply to this kind of sanction")),
        }
    }
    Ok(vec![Event::SanctionErased(SanctionErased {
        sanction_id: sanction,
        pupil: pupil.user_id,
        structure: pupil.structure.clone(),
        kind: record.kind,
        pronounced_on: record.pronounced_on,
        erased_on: today,
        rule,
    })])
}

/// The scheduled erasures due on `today`.
pub fn due_erasures(state: &DisciplineState, today: NaiveDate) -> Vec<(Uuid, ErasureRule)> {
    state
        .sanctions
        .iter()
        .filter(|(_, s)| s.erased.is_none())
        .filter_map(|(id, s)| erasure_due(s.kind, s.pronounced_on).filter(|(due, _)| *due <= today).map(|(_, rule)| (*id, rule)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn pupil() -> UserState {
        UserState {
            user_id: Uuid::new_v4(),
            profile: Some(Profile::Eleve),
            structure: "0751234A".into(),
            active: true,
            ..Default::default()
        }
    }

    fn sealed() -> SealedContent {
        SealedContent { key_id: "k".into(), nonce: "n".into(), ciphertext: "c".into() }
    }

    fn cmd(kind: SanctionKind) -> PronounceSanction {
        PronounceSanction {
            sanction_id: None,
            pupil: Uuid::nil(),
            kind,
            reason: "violence verbale".into(),
            facts: "insultes envers un camarade".into(),
            days: kind.is_temporary_exclusion().then_some(3),
            hours: None,
            sursis: false,
            pronounced_on: d("2026-10-10"),
            by_disciplinary_council: kind == SanctionKind::ExclusionDefinitive,
        }
    }

    fn today() -> NaiveDate {
        d("2026-11-29")
    }

    #[test]
    fn temporary_exclusion_lasts_one_to_eight_days() {
        for days in [None, Some(0), Some(9)] {
            let c = PronounceSanction { days, ..cmd(SanctionKind::ExclusionTemporaireEtablissement) };
            assert!(matches!(sanction_content(&c, today()), Err(DomainError::InvalidField { field, .. }) if field == "days"));
        }
        let c = PronounceSanction { days: Some(8), ..cmd(SanctionKind::ExclusionTemporaireClasse) };
        assert!(sanction_content(&c, today()).is_ok());
        let c = PronounceSanction { days: Some(2), ..cmd(SanctionKind::Blame) };
        assert!(sanction_content(&c, today()).is_err(), "days only for exclusions");
    }

    #[test]
    fn avertissement_and_blame_cannot_be_suspended() {
        for kind in [SanctionKind::Avertissement, SanctionKind::Blame] {
            assert!(sanction_content(&PronounceSanction { sursis: true, ..cmd(kind) }, today()).is_err());
        }
        for kind in [
            SanctionKind::MesureDeResponsabilisation,
            SanctionKind::ExclusionTemporaireClasse,
            SanctionKind::ExclusionTemporaireEtablissement,
            SanctionKind::ExclusionDefinitive,
        ] {
            assert!(sanction_content(&PronounceSanction { sursis: true, ..cmd(kind) }, today()).is_ok(), "{kind:?}");
        }
    }

    #[test]
    fn mesure_de_responsabilisation_lasts_at_most_twenty_hours() {
        let c = PronounceSanction { hours: Some(21), ..cmd(SanctionKind::MesureDeResponsabilisation) };
        assert!(sanction_content(&c, today()).is_err());
        let c = PronounceSanction { hours: Some(20), ..cmd(SanctionKind::MesureDeResponsabilisation) };
        assert!(sanction_content(&c, today()).is_ok());
        assert!(sanction_content(&PronounceSanction { hours: Some(2), ..cmd(SanctionKind::Blame) }, today()).is_err());
    }

    #[test]
    fn exclusion_definitive_needs_the_disciplinary_council() {
        let c = PronounceSanction { by_disciplinary_council: false, ..cmd(SanctionKind::ExclusionDefinitive) };
        assert!(
            matches!(sanction_content(&c, today()), Err(DomainError::InvalidField { field, .. }) if field == "by_disciplinary_council")
        );
    }

    #[test]
    fn sanction_cannot_be_pronounced_in_the_future() {
        let c = PronounceSanction { pronounced_on: d("2026-12-01"), ..cmd(SanctionKind::Blame) };
        assert!(sanction_content(&c, today()).is_err());
    }

    #[test]
    fn erasure_dates_follow_r511_13_for_each_kind() {
        let on = d("2026-10-10");
        let end_of_year = Some((d("2027-08-31"), ErasureRule::EndOfSchoolYear));
        assert_eq!(erasure_due(SanctionKind::Avertissement, on), end_of_year);
        assert_eq!(erasure_due(SanctionKind::Blame, on), end_of_year);
        assert_eq!(erasure_due(SanctionKind::MesureDeResponsabilisation, on), end_of_year);
        assert_eq!(erasure_due(SanctionKind::ExclusionTemporaireClasse, on), Some((d("2027-10-10"), ErasureRule::OneYearAfter)));
        assert_eq!(erasure_due(SanctionKind::ExclusionTemporaireEtablissement, on), Some((d("2027-10-10"), ErasureRule::OneYearAfter)));
        assert_eq!(erasure_due(SanctionKind::ExclusionDefinitive, on), None);
    }

    #[test]
    fn end_of_year_rule_uses_the_school_year_not_the_calendar_year() {
        // Pronounced in June 2027: still school year 2026-2027, erased on 31 August 2027.
        assert_eq!(erasure_due(SanctionKind::Blame, d("2027-06-20")).map(|x| x.0), Some(d("2027-08-31")));
        // Pronounced in September 2027: school year 2027-2028.
        assert_eq!(erasure_due(SanctionKind::Blame, d("2027-09-02")).map(|x| x.0), Some(d("2028-08-31")));
    }

    #[test]
    fn scheduled_erasure_only_when_due_and_only_once() {
        let p = pupil();
        let events = pronounce_sanction(&p, &cmd(SanctionKind::Blame), Uuid::new_v4(), Uuid::nil(), sealed(), today()).unwrap();
        let Event::SanctionPronounced(e) = &events[0] else { panic!() };
        let id = e.sanction_id;
        let state = DisciplineState::from_history(&events);
        assert!(due_erasures(&state, d("2027-08-30")).is_empty());
        assert_eq!(due_erasures(&state, d("2027-08-31")), vec![(id, ErasureRule::EndOfSchoolYear)]);
        assert!(erase_sanction(&state, &p, id, ErasureRule::EndOfSchoolYear, d("2027-08-30")).is_err());
        assert!(erase_sanction(&state, &p, id, ErasureRule::OneYearAfter, d("2027-12-30")).is_err(), "wrong rule for the kind");
        let erased = erase_sanction(&state, &p, id, ErasureRule::EndOfSchoolYear, d("2027-08-31")).unwrap();
        let state = state.evolve(&erased[0]);
        assert!(due_erasures(&state, d("2030-01-01")).is_empty());
        assert!(erase_sanction(&state, &p, id, ErasureRule::ChangeOfSchool, d("2027-09-01")).is_err());
    }

    #[test]
    fn exclusion_definitive_is_erased_only_on_decision() {
        let p = pupil();
        let events =
            pronounce_sanction(&p, &cmd(SanctionKind::ExclusionDefinitive), Uuid::new_v4(), Uuid::nil(), sealed(), today()).unwrap();
        let Event::SanctionPronounced(e) = &events[0] else { panic!() };
        let state = DisciplineState::from_history(&events);
        assert!(due_erasures(&state, d("2040-01-01")).is_empty());
        assert!(erase_sanction(&state, &p, e.sanction_id, ErasureRule::EndOfSchooling, today()).is_ok());
    }
}
