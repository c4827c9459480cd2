//! The timetable lesson aggregate (`<uai>/timetable-lesson/<id>`): a slot and its roll call.
//! Not to be confused with the lesson log of the cahier de textes (`<uai>/lesson/<id>`).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, NaiveTime};
use uuid::Uuid;

use super::commands::{ImportTimetable, ScheduleLesson};
use super::events::{LessonScheduled, RollCallAmended, RollCallTaken};
use super::types::{Mark, MarkStatus};
use crate::directory::{Profile, StructureState, UserState};
use crate::{Aggregate, DomainError, Event, FieldIssue, StreamId};

/// State of one lesson.
#[derive(Debug, Clone, Default)]
pub struct LessonState {
    pub scheduled: Option<LessonScheduled>,
    pub roll_call_taken: bool,
    /// Current mark of each pupil, after amendments.
    pub marks: BTreeMap<Uuid, Mark>,
}

impl LessonState {
    pub fn stream(uai: &str, id: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, id.to_string())
    }

    /// Lesson length in minutes.
    pub fn minutes(&self) -> u32 {
        self.scheduled.as_ref().map_or(0, |l| (l.end - l.start).num_minutes().max(0) as u32)
    }
}

impl Aggregate for LessonState {
    const TYPE: &'static str = "timetable-lesson";

    fn apply(&mut self, event: &Event) {
        match event {
            Event::LessonScheduled(e) => self.scheduled = Some(e.clone()),
            Event::RollCallTaken(e) => {
                self.roll_call_taken = true;
                self.marks = e.marks.iter().map(|m| (m.pupil, m.clone())).collect();
            }
            Event::RollCallAmended(e) => {
                for m in &e.marks {
                    self.marks.insert(m.pupil, m.clone());
                }
            }
            _ => {}
        }
    }
}

/// Checks one slot; errors are reported under `prefix` (e.g. `lessons[3].`).
fn check_slot(structure: &StructureState, teacher: Option<&UserState>, cmd: &ScheduleLesson, prefix: &str) -> Vec<FieldIssue> {
    let mut issues = Vec::new();
    let mut issue = |field: &str, message: &str| issues.push((format!("{prefix}{field}"), message.into()));
    if cmd.start >= cmd.end {
        issue("end", "the lesson must end after it starts");
    }
    if !structure.has_class_or_group(cmd.class_or_group) {
        issue("class_or_group", "no such class or group in this structure");
    }
    if !structure.subjects.contains_key(&cmd.subject) {
        issue("subject", "no such subject in this structure");
    }
    match teacher {
        Some(t) if t.exists() && t.profile == Some(Profile::Enseignant) && t.active && t.structure == structure.uai => {
            if !t.teaches(cmd.subject, cmd.class_or_group) {
                issue("teacher", "this teacher is not assigned to this subject and class or group");
            }
        }
        _ => issue("teacher", "not an active teacher of this structure"),
    }
    if cmd.room.as_ref().is_some_and(|r| r.trim().is_empty() || r.chars().count() > 50) {
        issue("room", "1 to 50 characters");
    }
    issues
}

fn scheduled(structure: &StructureState, lesson_id: Uuid, cmd: &ScheduleLesson) -> LessonScheduled {
    LessonScheduled {
        lesson_id,
        structure: structure.uai.clone(),
        class_or_group: cmd.class_or_group,
        subject_id: cmd.subject,
        teacher: cmd.teacher,
        date: cmd.date,
        start: cmd.start,
        end: cmd.end,
        room: cmd.room.as_ref().map(|r| r.trim().to_string()),
    }
}

/// `ScheduleLesson`: a slot that ends after it starts, for a class/group and subject of the
/// structure, taught by a teacher assigned to them.
pub fn schedule_lesson(
    structure: &StructureState,
    teacher: Option<&UserState>,
    cmd: &ScheduleLesson,
    lesson_id: Uuid,
) -> Result<Vec<Event>, DomainError> {
    if !structure.exists() {
        return Err(DomainError::NotFound("structure".into()));
    }
    let mut issues = check_slot(structure, teacher, cmd, "");
    match issues.len() {
        0 => Ok(vec![Event::LessonScheduled(scheduled(structure, lesson_id, cmd))]),
        1 => {
            let (field, message) = issues.remove(0);
            Err(DomainError::InvalidField { field, message })
        }
        _ => Err(DomainError::InvalidFields(issues)),
    }
}

/// `ImportTimetable`: every row valid, or nothing; every bad row named with its reason.
pub fn import_timetable(
    structure: &StructureState,
    teachers: &BTreeMap<Uuid, UserState>,
    cmd: &ImportTimetable,
    lesson_ids: &[Uuid],
) -> Result<Vec<Event>, DomainError> {
    if !structure.exists() {
        return Err(DomainError::NotFound("structure".into()));
    }
    if cmd.lessons.is_empty() {
        return Err(DomainError::field("lessons", "at least one lesson"));
    }
    let mut issues = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, row) in cmd.lessons.iter().enumerate() {
        issues.extend(check_slot(structure, teachers.get(&row.teacher), row, &format!("lessons[{i}].")));
        if !seen.insert((row.class_or_group, row.date, row.start)) {
            issues.push((format!("lessons[{i}]"), "same class or group, day and start as an earlier row".into()));
        }
    }
    if !issues.is_empty() {
        return Err(DomainError::InvalidFields(issues));
    }
    Ok(cmd.lessons.iter().zip(lesson_ids).map(|(row, id)| Event::LessonScheduled(scheduled(structure, *id, row))).collect())
}

fn check_marks(lesson: &LessonState, marks: &[Mark], eligible: &BTreeSet<Uuid>) -> Result<(), DomainError> {
    if marks.is_empty() {
        return Err(DomainError::field("marks", "at least one mark"));
    }
    let mut issues = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, m) in marks.iter().enumerate() {
        let mut issue = |field: &str, message: String| issues.push((format!("marks[{i}].{field}"), message));
        if !eligible.contains(&m.pupil) {
            issue("pupil", "not a pupil of this class or group on the lesson's date".into());
        }
        if !seen.insert(m.pupil) {
            issue("pupil", "marked twice".into());
        }
        match (m.status, m.minutes_late) {
            (MarkStatus::Late, Some(n)) if n >= 1 && n <= lesson.minutes() => {}
            (MarkStatus::Late, _) => issue("minutes_late", format!("a late pupil needs 1 to {} minutes", lesson.minutes())),
            (_, Some(_)) => issue("minutes_late", "only for a late pupil".into()),
            _ => {}
        }
    }
    match issues.len() {
        0 => Ok(()),
        1 => {
            let (field, message) = issues.remove(0);
            Err(DomainError::InvalidField { field, message })
        }
        _ => Err(DomainError::InvalidFields(issues)),
    }
}

/// `TakeRollCall`: once per lesson, marks only pupils of the class/group on that day, a late
/// pupil has minutes within the lesson. `eligible` are those pupils.
pub fn take_roll_call(lesson: &LessonState, marks: &[Mark], taken_by: Uuid, eligible: &BTreeSet<Uuid>) -> Result<Vec<Event>, DomainError> {
    let Some(l) = &lesson.scheduled else { return Err(DomainError::NotFound("lesson".into())) };
    if lesson.roll_call_taken {
        return Err(DomainError::rule("the roll call of this lesson is already taken; use AmendRollCall"));
    }
    check_marks(lesson, marks, eligible)?;
    Ok(vec![Event::RollCallTaken(RollCallTaken {
        lesson_id: l.lesson_id,
        structure: l.structure.clone(),
        class_or_group: l.class_or_group,
        date: l.date,
        start: l.start,
        end: l.end,
        taken_by,
        marks: marks.to_vec(),
    })])
}

/// `AmendRollCall`: after the roll call; only marks that change are recorded.
pub fn amend_roll_call(
    lesson: &LessonState,
    marks: &[Mark],
    amended_by: Uuid,
    eligible: &BTreeSet<Uuid>,
) -> Result<Vec<Event>, DomainError> {
    let Some(l) = &lesson.scheduled else { return Err(DomainError::NotFound("lesson".into())) };
    if !lesson.roll_call_taken {
        return Err(DomainError::rule("no roll call to amend yet; use TakeRollCall"));
    }
    check_marks(lesson, marks, eligible)?;
    let changed: Vec<Mark> = marks.iter().filter(|m| lesson.marks.get(&m.pupil) != Some(*m)).cloned().collect();
    if changed.is_empty() {
        return Err(DomainError::rule("these marks are already recorded"));
    }
    Ok(vec![Event::RollCallAmended(RollCallAmended {
        lesson_id: l.lesson_id,
        structure: l.structure.clone(),
        class_or_group: l.class_or_group,
        date: l.date,
        start: l.start,
        end: l.end,
        amended_by,
        marks: changed,
    })])
}

/// The date and times of a lesson.
pub fn slot(lesson: &LessonState) -> Option<(NaiveDate, NaiveTime, NaiveTime)> {
    lesson.scheduled.as_ref().map(|l| (l.date, l.start, l.end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson() -> LessonState {
        let e = LessonScheduled {
            lesson_id: Uuid::new_v4(),
            structure: "0751234A".into(),
            class_or_group: Uuid::new_v4(),
            subject_id: Uuid::new_v4(),
            teacher: Uuid::new_v4(),
            date: NaiveDate::from_ymd_opt(2026, 10, 5).unwrap(),
            start: NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
            end: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            room: None,
        };
        LessonState::from_history(&[Event::LessonScheduled(e)])
    }

    fn mark(pupil: Uuid, status: MarkStatus, minutes: Option<u32>) -> Mark {
        Mark { pupil, status, minutes_late: minutes }
    }

    #[test]
    fn roll_call_is_taken_once_then_amended() {
        let (l, p) = (lesson(), Uuid::new_v4());
        let eligible = BTreeSet::from([p]);
        let events = take_roll_call(&l, &[mark(p, MarkStatus::Absent, None)], Uuid::nil(), &eligible).unwrap();
        let l = l.evolve(&events[0]);
        assert!(take_roll_call(&l, &[mark(p, MarkStatus::Present, None)], Uuid::nil(), &eligible).is_err());
        let events = amend_roll_call(&l, &[mark(p, MarkStatus::Late, Some(10))], Uuid::nil(), &eligible).unwrap();
        let l = l.evolve(&events[0]);
        assert_eq!(l.marks[&p].status, MarkStatus::Late);
        assert!(amend_roll_call(&l, &[mark(p, MarkStatus::Late, Some(10))], Uuid::nil(), &eligible).is_err(), "no-op amendment");
    }

    #[test]
    fn roll_call_marks_only_pupils_of_the_class() {
        let l = lesson();
        let stranger = Uuid::new_v4();
        let err = take_roll_call(&l, &[mark(stranger, MarkStatus::Absent, None)], Uuid::nil(), &BTreeSet::new()).unwrap_err();
        assert!(matches!(err, DomainError::InvalidField { field, .. } if field == "marks[0].pupil"));
    }

    #[test]
    fn late_needs_minutes_within_the_lesson() {
        let (l, p) = (lesson(), Uuid::new_v4());
        let eligible = BTreeSet::from([p]);
        assert!(take_roll_call(&l, &[mark(p, MarkStatus::Late, None)], Uuid::nil(), &eligible).is_err());
        assert!(take_roll_call(&l, &[mark(p, MarkStatus::Late, Some(61))], Uuid::nil(), &eligible).is_err());
        assert!(take_roll_call(&l, &[mark(p, MarkStatus::Absent, Some(5))], Uuid::nil(), &eligible).is_err());
        assert!(take_roll_call(&l, &[mark(p, MarkStatus::Late, Some(60))], Uuid::nil(), &eligible).is_ok());
    }
}
