//! The evaluation aggregate: one evaluation and every grade recorded on it (one stream, so that
//! grading a class is one atomic append and "already graded" is decided on a consistent state).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use uuid::Uuid;

use super::commands::{CorrectGrade, CreateEvaluation, RecordGrade, RecordGrades};
use super::events::*;
use super::types::{Hundredths, Mark, parse_coefficient};
use crate::directory::{Profile, StructureState, UserState, validate_text};
use crate::{Aggregate, DomainError, Event, StreamId};

/// A pupil's current grade on an evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeState {
    pub class: Uuid,
    pub mark: Mark,
}

/// State of one evaluation, folded from its stream.
#[derive(Debug, Clone, Default)]
pub struct EvaluationState {
    pub id: Uuid,
    pub structure: String,
    pub class_or_group: Uuid,
    pub subject: Uuid,
    pub period: Uuid,
    pub date: NaiveDate,
    pub title: String,
    pub coefficient: Hundredths,
    pub scale: u32,
    pub grades: BTreeMap<Uuid, GradeState>,
}

impl EvaluationState {
    /// The stream of evaluation `id` in structure `uai`.
    pub fn stream(uai: &str, id: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, id.to_string())
    }

    pub fn exists(&self) -> bool {
        self.scale > 0
    }

    fn require(&self) -> Result<(), DomainError> {
        if self.exists() { Ok(()) } else { Err(DomainError::NotFound("evaluation".into())) }
    }
}

impl Aggregate for EvaluationState {
    const TYPE: &'static str = "evaluation";

    fn apply(&mut self, event: &Event) {
        match event {
            Event::EvaluationCreated(e) => {
                *self = EvaluationState {
                    id: e.evaluation_id,
                    structure: e.structure.clone(),
                    class_or_group: e.class_or_group,
                    subject: e.subject,
                    period: e.period,
                    date: e.date,
                    title: e.title.clone(),
                    coefficient: e.coefficient,
                    scale: e.scale,
                    grades: BTreeMap::new(),
                };
            }
            Event::GradeRecorded(e) => {
                self.grades.insert(e.pupil, GradeState { class: e.class, mark: Mark::from_parts(e.value, e.status) });
            }
            Event::GradeCorrected(e) => {
                self.grades.insert(e.pupil, GradeState { class: e.class, mark: Mark::from_parts(e.value, e.status) });
            }
            _ => {}
        }
    }
}

/// `CreateEvaluation`: a class or group, subject and period of the structure; the date inside
/// the period; a coefficient > 0; a scale in 1..=100.
pub fn create_evaluation(structure: &StructureState, cmd: &CreateEvaluation, id: Uuid) -> Result<Vec<Event>, DomainError> {
    if !structure.exists() {
        return Err(DomainError::NotFound("structure".into()));
    }
    if !structure.has_class_or_group(cmd.class_or_group) {
        return Err(DomainError::NotFound("class_or_group".into()));
    }
    if !structure.subjects.contains_key(&cmd.subject) {
        return Err(DomainError::NotFound("subject".into()));
    }
    let period = structure.period(cmd.period).ok_or_else(|| DomainError::NotFound("period".into()))?;
    if cmd.date < period.start || cmd.date > period.end {
        return Err(DomainError::field("date", format!("outside the period {} ({} – {})", period.name, period.start, period.end)));
    }
    let title = validate_text("title", &cmd.title, 200)?;
    let coefficient = parse_coefficient("coefficient", cmd.coefficient)?;
    if !(1..=100).contains(&cmd.scale) {
        return Err(DomainError::field("scale", "an evaluation is marked out of 1 to 100"));
    }
    Ok(vec![Event::EvaluationCreated(EvaluationCreated {
        evaluation_id: id,
        structure: structure.uai.clone(),
        class_or_group: cmd.class_or_group,
        subject: cmd.subject,
        period: cmd.period,
        date: cmd.date,
        title,
        coefficient,
        scale: cmd.scale,
    })])
}

/// The class a pupil is graded in for this evaluation: the pupil must be enrolled in the
/// evaluation's class on its date, or be a member of its group (and enrolled in some class).
pub fn pupil_class_for(eval: &EvaluationState, structure: &StructureState, pupil: &UserState, field: &str) -> Result<Uuid, DomainError> {
    if !pupil.exists() {
        return Err(DomainError::field(field, "no such pupil"));
    }
    if pupil.profile != Some(Profile::Eleve) || pupil.structure != eval.structure {
        return Err(DomainError::field(field, "not a pupil of this structure"));
    }
    let class = pupil.class_on(eval.date);
    if structure.classes.contains_key(&eval.class_or_group) {
        return match class {
            Some(c) if c == eval.class_or_group => Ok(c),
            _ => Err(DomainError::field(field, format!("not enrolled in the evaluation's class on {}", eval.date))),
        };
    }
    let member = structure.groups.get(&eval.class_or_group).is_some_and(|g| g.members.contains(&pupil.user_id));
    match class {
        Some(c) if member => Ok(c),
        _ => Err(DomainError::field(field, format!("not a member of the evaluation's group on {}", eval.date))),
    }
}

/// `RecordGrade`: a pupil of the class or group, not graded yet, a valid mark.
pub fn record_grade(
    eval: &EvaluationState,
    structure: &StructureState,
    pupil: &UserState,
    cmd: &RecordGrade,
) -> Result<Vec<Event>, DomainError> {
    eval.require()?;
    let class = pupil_class_for(eval, structure, pupil, "pupil")?;
    if eval.grades.contains_key(&pupil.user_id) {
        return Err(DomainError::rule("this pupil is already graded on this evaluation: use CorrectGrade"));
    }
    let mark = Mark::parse("", cmd.value, cmd.status, eval.scale)?;
    Ok(vec![grade_recorded(eval, pupil.user_id, class, mark)])
}

fn grade_recorded(eval: &EvaluationState, pupil: Uuid, class: Uuid, mark: Mark) -> Event {
    let (value, status) = mark.parts();
    Event::GradeRecorded(GradeRecorded { evaluation: eval.id, pupil, class, value, status })
}

/// `RecordGrades`: every row valid, or nothing recorded; each bad row is named
/// (`grades[3].value`).
pub fn record_grades(
    eval: &EvaluationState,
    structure: &StructureState,
    pupils: &[UserState],
    cmd: &RecordGrades,
) -> Result<Vec<Event>, DomainError> {
    eval.require()?;
    if cmd.grades.is_empty() {
        return Err(DomainError::field("grades", "at least one row"));
    }
    let mut errors = Vec::new();
    let mut events = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, row) in cmd.grades.iter().enumerate() {
        let field = format!("grades[{i}].pupil");
        let pupil = pupils.iter().find(|p| p.user_id == row.pupil).cloned().unwrap_or_default();
        let class = match pupil_class_for(eval, structure, &pupil, &field) {
            Ok(c) => Some(c),
            Err(e) => {
                errors.push(field_of(e));
                None
            }
        };
        if !seen.insert(row.pupil) {
            errors.push((field.clone(), "this pupil appears twice".into()));
        } else if eval.grades.contains_key(&row.pupil) {
            errors.push((field.clone(), "already graded on this evaluation: use CorrectGrade".into()));
        }
        match Mark::parse(&format!("grades[{i}]"), row.value, row.status, eval.scale) {
            Ok(mark) => {
                if let Some(class) = class {
                    events.push(grade_recorded(eval, row.pupil, class, mark));
                }
            }
            Err(e) => errors.push(field_of(e)),
        }
    }
    if errors.is_empty() { Ok(events) } else { Err(DomainError::InvalidFields(errors)) }
}

fn field_of(e: DomainError) -> (String, String) {
    match e {
        DomainError::InvalidField { field, message } => (field, message),
        other => ("grades".into(), other.to_string()),
    }
}

/// `CorrectGrade`: the pupil is graded, a reason is given, and the mark really changes.
pub fn correct_grade(eval: &EvaluationState, cmd: &CorrectGrade) -> Result<Vec<Event>, DomainError> {
    eval.require()?;
    let current =
        eval.grades.get(&cmd.pupil).ok_or_else(|| DomainError::rule("this pupil has no grade on this evaluation yet: use RecordGrade"))?;
    let reason = validate_text("reason", &cmd.reason, 500)?;
    let mark = Mark::parse("", cmd.value, cmd.status, eval.scale)?;
    if mark == current.mark {
        return Err(DomainError::rule("the grade already has this value"));
    }
    let (value, status) = mark.parts();
    Ok(vec![Event::GradeCorrected(GradeCorrected { evaluation: eval.id, pupil: cmd.pupil, class: current.class, value, status, reason })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::fixtures::*;
    use crate::notes::types::GradeStatus;

    fn create(f: &Fixture, date: &str, coefficient: f64, scale: u32) -> Result<Vec<Event>, DomainError> {
        let cmd = CreateEvaluation {
            evaluation_id: None,
            class_or_group: f.class,
            subject: f.subject,
            period: f.t1,
            date: d(date),
            title: "Contrôle 1".into(),
            coefficient,
            scale,
        };
        create_evaluation(&f.structure, &cmd, Uuid::new_v4())
    }

    fn grade(e: &EvaluationState, pupil: Uuid, value: Option<f64>, status: Option<GradeStatus>) -> RecordGrade {
        RecordGrade { evaluation: e.id, pupil, value, status }
    }

    #[test]
    fn evaluation_date_must_lie_in_its_period() {
        let f = fixture();
        assert!(create(&f, "2026-10-01", 1.0, 20).is_ok());
        assert!(matches!(create(&f, "2026-12-15", 1.0, 20), Err(DomainError::InvalidField { field, .. }) if field == "date"));
    }

    #[test]
    fn evaluation_coefficient_must_be_positive() {
        let f = fixture();
        assert!(matches!(create(&f, "2026-10-01", 0.0, 20), Err(DomainError::InvalidField { field, .. }) if field == "coefficient"));
        assert!(create(&f, "2026-10-01", 0.5, 20).is_ok());
    }

    #[test]
    fn evaluation_scale_is_between_1_and_100() {
        let f = fixture();
        assert!(matches!(create(&f, "2026-10-01", 1.0, 0), Err(DomainError::InvalidField { field, .. }) if field == "scale"));
        assert!(matches!(create(&f, "2026-10-01", 1.0, 101), Err(DomainError::InvalidField { .. })));
        assert!(create(&f, "2026-10-01", 1.0, 100).is_ok());
    }

    #[test]
    fn evaluation_scale_defaults_to_20_and_coefficient_to_1() {
        let cmd: CreateEvaluation = serde_json::from_value(serde_json::json!({
            "class_or_group": Uuid::nil(), "subject": Uuid::nil(), "period": Uuid::nil(), "date": "2026-10-01", "title": "x"
        }))
        .unwrap();
        assert_eq!((cmd.scale, cmd.coefficient), (20, 1.0));
    }

    #[test]
    fn grade_above_scale_is_rejected() {
        let f = fixture();
        let e = f.evaluation(10);
        let err = record_grade(&e, &f.structure, &f.pupil, &grade(&e, f.pupil.user_id, Some(10.5), None)).unwrap_err();
        assert!(matches!(err, DomainError::InvalidField { field, .. } if field == "value"));
        assert!(record_grade(&e, &f.structure, &f.pupil, &grade(&e, f.pupil.user_id, Some(10.0), None)).is_ok());
        assert!(record_grade(&e, &f.structure, &f.pupil, &grade(&e, f.pupil.user_id, Some(-1.0), None)).is_err());
    }

    #[test]
    fn grade_with_more_than_two_decimals_is_rejected() {
        let f = fixture();
        let e = f.evaluation(20);
        assert!(record_grade(&e, &f.structure, &f.pupil, &grade(&e, f.pupil.user_id, Some(12.345), None)).is_err());
        assert!(record_grade(&e, &f.structure, &f.pupil, &grade(&e, f.pupil.user_id, Some(12.07), None)).is_ok());
    }

    #[test]
    fn grade_is_a_value_or_a_status_not_both() {
        let f = fixture();
        let e = f.evaluation(20);
        assert!(record_grade(&e, &f.structure, &f.pupil, &grade(&e, f.pupil.user_id, Some(12.0), Some(GradeStatus::Abs))).is_err());
        assert!(record_grade(&e, &f.structure, &f.pupil, &grade(&e, f.pupil.user_id, None, None)).is_err());
        let events = record_grade(&e, &f.structure, &f.pupil, &grade(&e, f.pupil.user_id, None, Some(GradeStatus::Abs))).unwrap();
        assert!(matches!(&events[0], Event::GradeRecorded(g) if g.status == Some(GradeStatus::Abs) && g.value.is_none()));
    }

    #[test]
    fn grade_only_for_pupil_enrolled_in_the_class_at_evaluation_date() {
        let f = fixture();
        let e = f.evaluation(20);
        // Enrolled only from November: not in the class on the evaluation's date (October).
        let late = f.pupil_enrolled_since("2026-11-02");
        let err = record_grade(&e, &f.structure, &late, &grade(&e, late.user_id, Some(10.0), None)).unwrap_err();
        assert!(matches!(err, DomainError::InvalidField { field, .. } if field == "pupil"));
        let other = f.pupil_in_other_class();
        assert!(record_grade(&e, &f.structure, &other, &grade(&e, other.user_id, Some(10.0), None)).is_err());
    }

    #[test]
    fn grade_for_group_evaluation_requires_group_membership() {
        let f = fixture();
        let mut e = f.evaluation(20);
        e.class_or_group = f.group;
        // The fixture's pupil is in the group; the pupil of the other class is not.
        assert!(record_grade(&e, &f.structure, &f.pupil, &grade(&e, f.pupil.user_id, Some(10.0), None)).is_ok());
        let other = f.pupil_in_other_class();
        assert!(record_grade(&e, &f.structure, &other, &grade(&e, other.user_id, Some(10.0), None)).is_err());
    }

    #[test]
    fn recording_an_already_graded_pupil_is_rejected() {
        let f = fixture();
        let e = f.evaluation(20);
        let cmd = grade(&e, f.pupil.user_id, Some(12.0), None);
        let recorded = record_grade(&e, &f.structure, &f.pupil, &cmd).unwrap();
        let e = e.evolve(&recorded[0]);
        let err = record_grade(&e, &f.structure, &f.pupil, &cmd).unwrap_err();
        assert!(matches!(err, DomainError::Rule(m) if m.contains("CorrectGrade")));
    }

    #[test]
    fn record_grades_is_all_or_nothing_naming_each_bad_row() {
        let f = fixture();
        let e = f.evaluation(20);
        let second = f.pupil_enrolled_since("2026-09-01");
        let outsider = f.pupil_in_other_class();
        let rows = vec![
            super::super::commands::GradeRow { pupil: f.pupil.user_id, value: Some(12.0), status: None },
            super::super::commands::GradeRow { pupil: second.user_id, value: Some(25.0), status: None },
            super::super::commands::GradeRow { pupil: outsider.user_id, value: Some(8.0), status: None },
        ];
        let cmd = RecordGrades { evaluation: e.id, grades: rows };
        let pupils = [f.pupil.clone(), second.clone(), outsider];
        let Err(DomainError::InvalidFields(errors)) = record_grades(&e, &f.structure, &pupils, &cmd) else { panic!("expected errors") };
        let fields: Vec<_> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["grades[1].value", "grades[2].pupil"]);

        let mut ok = cmd.clone();
        ok.grades.truncate(2);
        ok.grades[1].value = Some(20.0);
        assert_eq!(record_grades(&e, &f.structure, &pupils, &ok).unwrap().len(), 2);
    }

    #[test]
    fn correction_requires_a_reason() {
        let f = fixture();
        let e = f.graded(20, 12.0);
        let cmd = CorrectGrade { evaluation: e.id, pupil: f.pupil.user_id, value: Some(14.0), status: None, reason: "  ".into() };
        assert!(matches!(correct_grade(&e, &cmd), Err(DomainError::InvalidField { field, .. }) if field == "reason"));
    }

    #[test]
    fn correction_of_an_ungraded_pupil_is_rejected() {
        let f = fixture();
        let e = f.evaluation(20);
        let cmd = CorrectGrade { evaluation: e.id, pupil: f.pupil.user_id, value: Some(14.0), status: None, reason: "erreur".into() };
        assert!(matches!(correct_grade(&e, &cmd), Err(DomainError::Rule(_))));
    }

    #[test]
    fn correction_to_the_same_value_is_rejected() {
        let f = fixture();
        let e = f.graded(20, 12.0);
        let cmd = CorrectGrade { evaluation: e.id, pupil: f.pupil.user_id, value: Some(12.0), status: None, reason: "erreur".into() };
        assert!(matches!(correct_grade(&e, &cmd), Err(DomainError::Rule(_))));
    }

    #[test]
    fn correction_is_a_new_event_never_an_overwrite() {
        let f = fixture();
        let e = f.graded(20, 12.0);
        let cmd =
            CorrectGrade { evaluation: e.id, pupil: f.pupil.user_id, value: Some(14.5), status: None, reason: "erreur de saisie".into() };
        let events = correct_grade(&e, &cmd).unwrap();
        let Event::GradeCorrected(c) = &events[0] else { panic!() };
        assert_eq!((c.value, c.reason.as_str(), c.class), (Some(Hundredths(1450)), "erreur de saisie", f.class));
        let e = e.evolve(&events[0]);
        assert_eq!(e.grades[&f.pupil.user_id].mark, Mark::Value(Hundredths(1450)));
    }
}
