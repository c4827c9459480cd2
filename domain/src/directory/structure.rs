//! The structure aggregate: an établissement with its classes, groups, subjects and periods.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use uuid::Uuid;

use super::commands::{CreateClass, CreateGroup, CreateStructure, CreateSubject, DefinePeriods};
use super::events::*;
use super::types::{Level, StructureKind, normalize_uai, validate_code, validate_text};
use super::user::UserState;
use crate::{Aggregate, DomainError, Event, StreamId};

/// A class (division) as the structure knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassInfo {
    pub code: String,
    pub level: Level,
}

/// A group as the structure knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupInfo {
    pub code: String,
    pub name: String,
    pub members: Vec<Uuid>,
}

/// State of one structure, folded from its stream.
#[derive(Debug, Clone, Default)]
pub struct StructureState {
    pub uai: String,
    pub name: String,
    pub kind: Option<StructureKind>,
    pub classes: BTreeMap<Uuid, ClassInfo>,
    pub groups: BTreeMap<Uuid, GroupInfo>,
    pub subjects: BTreeMap<Uuid, (String, String)>,
    /// Periods by school year.
    pub periods: BTreeMap<String, PeriodsDefined>,
    /// Declared closed days (holidays), by id (`calendar.rs`).
    pub closed_days: BTreeMap<Uuid, super::calendar::ClosedDays>,
}

impl StructureState {
    /// The stream of structure `uai`.
    pub fn stream(uai: &str) -> StreamId {
        StreamId::new(uai, Self::TYPE, uai)
    }

    pub fn exists(&self) -> bool {
        self.kind.is_some()
    }

    fn require(&self) -> Result<(), DomainError> {
        if self.exists() { Ok(()) } else { Err(DomainError::NotFound("structure".into())) }
    }

    /// Whether `id` names a class or a group of this structure.
    pub fn has_class_or_group(&self, id: Uuid) -> bool {
        self.classes.contains_key(&id) || self.groups.contains_key(&id)
    }

    /// The period (of any school year) that has this id.
    pub fn period(&self, id: Uuid) -> Option<&Period> {
        self.periods.values().flat_map(|p| p.periods.iter()).find(|p| p.period_id == id)
    }

    fn code_taken(&self, code: &str) -> bool {
        let code = code.to_lowercase();
        self.classes.values().any(|c| c.code.to_lowercase() == code) || self.groups.values().any(|g| g.code.to_lowercase() == code)
    }
}

impl Aggregate for StructureState {
    const TYPE: &'static str = "structure";

    fn apply(&mut self, event: &Event) {
        match event {
            Event::StructureCreated(e) => {
                self.uai = e.uai.clone();
                self.name = e.name.clone();
                self.kind = Some(e.kind);
            }
            Event::ClassCreated(e) => {
                self.classes.insert(e.class_id, ClassInfo { code: e.code.clone(), level: e.level });
            }
            Event::GroupCreated(e) => {
                let info = GroupInfo { code: e.code.clone(), name: e.name.clone(), members: e.members.clone() };
                self.groups.insert(e.group_id, info);
            }
            Event::SubjectCreated(e) => {
                self.subjects.insert(e.subject_id, (e.code.clone(), e.name.clone()));
            }
            Event::PeriodsDefined(e) => {
                self.periods.insert(e.school_year.clone(), e.clone());
            }
            Event::ClosedDaysDeclared(_) | Event::ClosedDaysWithdrawn(_) => super::calendar::apply(self, event),
            _ => {}
        }
    }
}

/// `CreateStructure`: the UAI is well formed and not taken.
pub fn create_structure(state: &StructureState, cmd: &CreateStructure) -> Result<Vec<Event>, DomainError> {
    let uai = normalize_uai(&cmd.uai)?;
    let name = validate_text("name", &cmd.name, 200)?;
    if state.exists() {
        return Err(DomainError::rule(format!("a structure with UAI {uai} already exists")));
    }
    Ok(vec![Event::StructureCreated(StructureCreated { uai, name, kind: cmd.kind })])
}

/// `CreateClass`: the code is unique in the structure and the level is taught there.
pub fn create_class(state: &StructureState, cmd: &CreateClass, class_id: Uuid) -> Result<Vec<Event>, DomainError> {
    state.require()?;
    let code = validate_code("code", &cmd.code)?;
    if state.code_taken(&code) {
        return Err(DomainError::rule(format!("a class or group with code {code} already exists")));
    }
    if let Some(kind) = state.kind
        && !cmd.level.taught_in(kind)
    {
        return Err(DomainError::field("level", format!("this level is not taught in a {kind:?}")));
    }
    Ok(vec![Event::ClassCreated(ClassCreated { structure: state.uai.clone(), class_id, code, level: cmd.level })])
}

/// `CreateGroup`: unique code; every member is an active user of the structure.
pub fn create_group(state: &StructureState, cmd: &CreateGroup, group_id: Uuid, members: &[UserState]) -> Result<Vec<Event>, DomainError> {
    state.require()?;
    let code = validate_code("code", &cmd.code)?;
    let name = validate_text("name", &cmd.name, 200)?;
    if state.code_taken(&code) {
        return Err(DomainError::rule(format!("a class or group with code {code} already exists")));
    }
    let mut ids = Vec::new();
    for (i, wanted) in cmd.members.iter().enumerate() {
        let member = members.iter().find(|m| m.user_id == *wanted && m.exists());
        match member {
            Some(m) if m.structure == state.uai && m.active => {
                if !ids.contains(wanted) {
                    ids.push(*wanted);
                }
            }
            _ => return Err(DomainError::field(format!("members[{i}]"), "not an active user of this structure")),
        }
    }
    Ok(vec![Event::GroupCreated(GroupCreated { structure: state.uai.clone(), group_id, code, name, members: ids })])
}

/// `CreateSubject`: unique code in the structure.
pub fn create_subject(state: &StructureState, cmd: &CreateSubject, subject_id: Uuid) -> Result<Vec<Event>, DomainError> {
    state.require()?;
    let code = validate_code("code", &cmd.code)?;
    let name = validate_text("name", &cmd.name, 200)?;
    if state.subjects.values().any(|(c, _)| c.eq_ignore_ascii_case(&code)) {
        return Err(DomainError::rule(format!("a subject with code {code} already exists")));
    }
    Ok(vec![Event::SubjectCreated(SubjectCreated { structure: state.uai.clone(), subject_id, code, name })])
}

/// Parses `YYYY-YYYY` (consecutive years) into the first and last day of that school year.
pub fn school_year_bounds(school_year: &str) -> Result<(NaiveDate, NaiveDate), DomainError> {
    let bad = || DomainError::field("school_year", "expected YYYY-YYYY with consecutive years, e.g. 2026-2027");
    let (a, b) = school_year.split_once('-').ok_or_else(bad)?;
    let (a, b): (i32, i32) = (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?);
    if b != a + 1 || !(2000..=2100).contains(&a) {
        return Err(bad());
    }
    let start = NaiveDate::from_ymd_opt(a, 9, 1).ok_or_else(bad)?;
    let end = NaiveDate::from_ymd_opt(b, 8, 31).ok_or_else(bad)?;
    Ok((start, end))
}

/// The school year (`YYYY-YYYY`) a date belongs to.
pub fn school_year_of(date: NaiveDate) -> String {
    let first = if date.month() >= 9 { date.year() } else { date.year() - 1 };
    format!("{}-{}", first, first + 1)
}

/// Stable id of a period: the same structure, year and rank always give the same id.
pub fn period_id(uai: &str, school_year: &str, index: usize) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, format!("ent:period:{uai}:{school_year}:{index}").as_bytes())
}

/// `DefinePeriods`: as many periods as the kind has, in order, not overlapping, inside the year.
pub fn define_periods(state: &StructureState, cmd: &DefinePeriods) -> Result<Vec<Event>, DomainError> {
    state.require()?;
    let (year_start, year_end) = school_year_bounds(&cmd.school_year)?;
    if cmd.bounds.len() != cmd.kind.count() {
        return Err(DomainError::field("bounds", format!("{:?} need exactly {} periods", cmd.kind, cmd.kind.count())));
    }
    let mut periods = Vec::new();
    let mut previous_end: Option<NaiveDate> = None;
    for (i, b) in cmd.bounds.iter().enumerate() {
        if b.start > b.end {
            return Err(DomainError::field(format!("bounds[{i}].end"), "ends before it starts"));
        }
        if b.start < year_start || b.end > year_end {
            return Err(DomainError::field(format!("bounds[{i}]"), "outside the school year (1 September – 31 August)"));
        }
        if previous_end.is_some_and(|p| b.start <= p) {
            return Err(DomainError::field(format!("bounds[{i}].start"), "overlaps or precedes the previous period"));
        }
        previous_end = Some(b.end);
        periods.push(Period { period_id: period_id(&state.uai, &cmd.school_year, i), name: cmd.kind.name(i), start: b.start, end: b.end });
    }
    Ok(vec![Event::PeriodsDefined(PeriodsDefined {
        structure: state.uai.clone(),
        school_year: cmd.school_year.clone(),
        kind: cmd.kind,
        periods,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::commands::PeriodBounds;
    use crate::directory::types::PeriodKind;

    fn college() -> StructureState {
        let cmd = CreateStructure { uai: "0751234a".into(), name: "Collège Jean Moulin".into(), kind: StructureKind::College };
        StructureState::from_history(&create_structure(&StructureState::default(), &cmd).unwrap())
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn structure_uai_is_normalized_and_unique() {
        let s = college();
        assert_eq!(s.uai, "0751234A");
        let again = CreateStructure { uai: "0751234A".into(), name: "x".into(), kind: StructureKind::College };
        assert!(matches!(create_structure(&s, &again), Err(DomainError::Rule(_))));
    }

    #[test]
    fn class_code_is_unique_in_its_structure_ignoring_case() {
        let s = college();
        let cmd = CreateClass { class_id: None, structure: s.uai.clone(), code: "6A".into(), level: Level::Sixieme };
        let s = s.evolve(&create_class(&college(), &cmd, Uuid::new_v4()).unwrap()[0]);
        let dup = CreateClass { class_id: None, structure: s.uai.clone(), code: "6a".into(), level: Level::Sixieme };
        assert!(matches!(create_class(&s, &dup, Uuid::new_v4()), Err(DomainError::Rule(_))));
    }

    #[test]
    fn class_level_must_be_taught_in_the_structure() {
        let cmd = CreateClass { class_id: None, structure: "0751234A".into(), code: "TS1".into(), level: Level::Terminale };
        assert!(matches!(create_class(&college(), &cmd, Uuid::new_v4()), Err(DomainError::InvalidField { .. })));
    }

    #[test]
    fn class_in_unknown_structure_is_not_found() {
        let cmd = CreateClass { class_id: None, structure: "0751234A".into(), code: "6A".into(), level: Level::Sixieme };
        assert!(matches!(create_class(&StructureState::default(), &cmd, Uuid::new_v4()), Err(DomainError::NotFound(_))));
    }

    fn periods(bounds: &[(&str, &str)]) -> DefinePeriods {
        DefinePeriods {
            structure: "0751234A".into(),
            school_year: "2026-2027".into(),
            kind: PeriodKind::Trimestres,
            bounds: bounds.iter().map(|(a, b)| PeriodBounds { start: d(a), end: d(b) }).collect(),
        }
    }

    #[test]
    fn trimestres_are_three_ordered_periods_inside_the_school_year() {
        let ok = periods(&[("2026-09-01", "2026-11-30"), ("2026-12-01", "2027-02-28"), ("2027-03-01", "2027-07-04")]);
        let events = define_periods(&college(), &ok).unwrap();
        let Event::PeriodsDefined(p) = &events[0] else { panic!() };
        assert_eq!(p.periods.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["T1", "T2", "T3"]);

        let two = periods(&[("2026-09-01", "2026-11-30"), ("2026-12-01", "2027-02-28")]);
        assert!(define_periods(&college(), &two).is_err());
        let overlap = periods(&[("2026-09-01", "2026-12-15"), ("2026-12-01", "2027-02-28"), ("2027-03-01", "2027-07-04")]);
        assert!(define_periods(&college(), &overlap).is_err());
        let outside = periods(&[("2026-08-01", "2026-11-30"), ("2026-12-01", "2027-02-28"), ("2027-03-01", "2027-07-04")]);
        assert!(define_periods(&college(), &outside).is_err());
    }

    #[test]
    fn period_ids_are_stable_across_redefinitions() {
        assert_eq!(period_id("0751234A", "2026-2027", 1), period_id("0751234A", "2026-2027", 1));
        assert_ne!(period_id("0751234A", "2026-2027", 1), period_id("0751234A", "2026-2027", 2));
    }

    #[test]
    fn school_year_of_a_date_starts_in_september() {
        assert_eq!(school_year_of(d("2026-09-01")), "2026-2027");
        assert_eq!(school_year_of(d("2027-08-31")), "2026-2027");
        assert!(school_year_bounds("2026-2028").is_err());
    }
}
