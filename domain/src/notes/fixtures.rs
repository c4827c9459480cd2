//! A small collège for the unit tests of the pedagogy services.

use chrono::NaiveDate;
use uuid::Uuid;

use super::evaluation::{EvaluationState, record_grade};
use super::events::EvaluationCreated;
use super::types::Hundredths;
use crate::directory::commands::{
    CreateClass, CreateGroup, CreateStructure, CreateSubject, CreateUser, DefinePeriods, EnrolPupil, PeriodBounds,
};
use crate::directory::structure::{create_class, create_group, create_structure, create_subject, define_periods};
use crate::directory::user::{create_user, enrol_pupil};
use crate::directory::{Level, PeriodKind, Profile, StructureKind, StructureState, UserState};
use crate::{Aggregate, Event};

pub fn d(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// Structure 0751234A with classes 6A and 6B, a group, a subject, trimestres of 2026-2027 and a
/// pupil of 6A (member of the group).
pub struct Fixture {
    pub structure: StructureState,
    pub class: Uuid,
    pub other_class: Uuid,
    pub group: Uuid,
    pub subject: Uuid,
    pub t1: Uuid,
    pub t2: Uuid,
    pub pupil: UserState,
}

fn apply(s: StructureState, events: Vec<Event>) -> StructureState {
    events.iter().fold(s, |s, e| s.evolve(e))
}

fn new_pupil(s: &StructureState) -> UserState {
    let cmd = CreateUser {
        user_id: None,
        structure: s.uai.clone(),
        profile: Profile::Eleve,
        role: None,
        first_name: "Léa".into(),
        last_name: "Martin".into(),
        login: None,
        password: None,
    };
    UserState::from_history(&create_user(s, &cmd, Uuid::new_v4(), "lea.martin").expect("pupil"))
}

fn enrol(s: &StructureState, pupil: UserState, class: Uuid, since: &str) -> UserState {
    let cmd = EnrolPupil { pupil: pupil.user_id, class, since: Some(d(since)) };
    let events = enrol_pupil(&pupil, s, &cmd, d(since)).expect("enrol");
    pupil.evolve(&events[0])
}

pub fn fixture() -> Fixture {
    let cmd = CreateStructure { uai: "0751234A".into(), name: "Collège Jean Moulin".into(), kind: StructureKind::College };
    let s = StructureState::from_history(&create_structure(&StructureState::default(), &cmd).expect("structure"));
    let (class, other_class, subject, group) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let s = apply(
        s.clone(),
        create_class(&s, &CreateClass { class_id: None, structure: s.uai.clone(), code: "6A".into(), level: Level::Sixieme }, class)
            .expect("class"),
    );
    let s = apply(
        s.clone(),
        create_class(&s, &CreateClass { class_id: None, structure: s.uai.clone(), code: "6B".into(), level: Level::Sixieme }, other_class)
            .expect("class"),
    );
    let s = apply(
        s.clone(),
        create_subject(
            &s,
            &CreateSubject { subject_id: None, structure: s.uai.clone(), code: "MATHS".into(), name: "Mathématiques".into() },
            subject,
        )
        .expect("subject"),
    );
    let bounds = [("2026-09-01", "2026-11-30"), ("2026-12-01", "2027-02-28"), ("2027-03-01", "2027-07-04")]
        .iter()
        .map(|(a, b)| PeriodBounds { start: d(a), end: d(b) })
        .collect();
    let periods = DefinePeriods { structure: s.uai.clone(), school_year: "2026-2027".into(), kind: PeriodKind::Trimestres, bounds };
    let s = apply(s.clone(), define_periods(&s, &periods).expect("periods"));
    let pupil = enrol(&s, new_pupil(&s), class, "2026-09-01");
    let members = vec![pupil.user_id];
    let s = apply(
        s.clone(),
        create_group(
            &s,
            &CreateGroup { group_id: None, structure: s.uai.clone(), code: "LATIN".into(), name: "Latin".into(), members },
            group,
            std::slice::from_ref(&pupil),
        )
        .expect("group"),
    );
    let year = &s.periods["2026-2027"].periods;
    let (t1, t2) = (year[0].period_id, year[1].period_id);
    Fixture { structure: s, class, other_class, group, subject, t1, t2, pupil }
}

impl Fixture {
    /// A pupil of 6A from `since` on.
    pub fn pupil_enrolled_since(&self, since: &str) -> UserState {
        enrol(&self.structure, new_pupil(&self.structure), self.class, since)
    }

    /// A pupil of 6B.
    pub fn pupil_in_other_class(&self) -> UserState {
        enrol(&self.structure, new_pupil(&self.structure), self.other_class, "2026-09-01")
    }

    /// An evaluation of 6A on 2026-10-01 in T1, out of `scale`.
    pub fn evaluation(&self, scale: u32) -> EvaluationState {
        EvaluationState::from_history(&[Event::EvaluationCreated(EvaluationCreated {
            evaluation_id: Uuid::new_v4(),
            structure: self.structure.uai.clone(),
            class_or_group: self.class,
            subject: self.subject,
            period: self.t1,
            date: d("2026-10-01"),
            title: "Contrôle".into(),
            coefficient: Hundredths(100),
            scale,
        })])
    }

    /// An evaluation where the fixture's pupil already has `value`.
    pub fn graded(&self, scale: u32, value: f64) -> EvaluationState {
        let e = self.evaluation(scale);
        let cmd = super::commands::RecordGrade { evaluation: e.id, pupil: self.pupil.user_id, value: Some(value), status: None };
        let events = record_grade(&e, &self.structure, &self.pupil, &cmd).expect("grade");
        e.evolve(&events[0])
    }
}
