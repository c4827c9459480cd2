//! Lesson and homework aggregates (one stream per entry, so edits are checked against the entry
//! itself) and the visa aggregate of a class/group and subject.

use chrono::{NaiveDate, NaiveTime};
use uuid::Uuid;

use super::commands::*;
use super::events::*;
use crate::directory::structure::{school_year_bounds, school_year_of};
use crate::directory::{StructureState, UserState, validate_text};
use crate::{Aggregate, DomainError, Event, StreamId};

/// Longest lesson content accepted.
const MAX_CONTENT: usize = 20_000;
/// Most attachments on one lesson.
const MAX_ATTACHMENTS: usize = 20;
/// Longest estimated homework time, in minutes.
const MAX_MINUTES: u32 = 600;

/// State of one lesson entry.
#[derive(Debug, Clone, Default)]
pub struct LessonState {
    pub created: Option<LessonLogged>,
}

impl LessonState {
    pub fn stream(uai: &str, id: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, id.to_string())
    }
}

impl Aggregate for LessonState {
    const TYPE: &'static str = "lesson";

    fn apply(&mut self, event: &Event) {
        match event {
            Event::LessonLogged(e) => self.created = Some(e.clone()),
            Event::LessonEdited(e) => {
                if let Some(l) = &mut self.created {
                    l.date = e.date;
                    l.start = e.start;
                    l.end = e.end;
                    l.title = e.title.clone();
                    l.content = e.content.clone();
                    l.attachments = e.attachments.clone();
                }
            }
            _ => {}
        }
    }
}

/// State of one homework entry.
#[derive(Debug, Clone, Default)]
pub struct HomeworkState {
    pub created: Option<HomeworkAssigned>,
    pub cancelled: bool,
}

impl HomeworkState {
    pub fn stream(uai: &str, id: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, id.to_string())
    }
}

impl Aggregate for HomeworkState {
    const TYPE: &'static str = "homework";

    fn apply(&mut self, event: &Event) {
        match event {
            Event::HomeworkAssigned(e) => self.created = Some(e.clone()),
            Event::HomeworkEdited(e) => {
                if let Some(h) = &mut self.created {
                    h.due_on = e.due_on;
                    h.description = e.description.clone();
                    h.estimated_minutes = e.estimated_minutes;
                }
            }
            Event::HomeworkCancelled(_) => self.cancelled = true,
            _ => {}
        }
    }
}

/// The visas of one cahier (class or group × subject).
#[derive(Debug, Clone, Default)]
pub struct CahierState {
    pub visas: u32,
}

impl CahierState {
    pub fn stream(uai: &str, class_or_group: Uuid, subject: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, format!("{class_or_group}_{subject}"))
    }
}

impl Aggregate for CahierState {
    const TYPE: &'static str = "cahier";

    fn apply(&mut self, event: &Event) {
        if let Event::CahierVisaed(_) = event {
            self.visas += 1;
        }
    }
}

/// A date must lie inside a school year the structure has defined (1 September – 31 August).
fn in_school_year(structure: &StructureState, field: &str, date: NaiveDate) -> Result<(), DomainError> {
    let year = school_year_of(date);
    let defined = structure.periods.contains_key(&year) && school_year_bounds(&year).is_ok_and(|(a, b)| a <= date && date <= b);
    if defined {
        Ok(())
    } else {
        Err(DomainError::field(field, format!("outside the school years of this structure ({year} is not defined)")))
    }
}

fn check_target(structure: &StructureState, class_or_group: Uuid, subject: Uuid) -> Result<(), DomainError> {
    if !structure.exists() {
        return Err(DomainError::NotFound("structure".into()));
    }
    if !structure.has_class_or_group(class_or_group) {
        return Err(DomainError::NotFound("class_or_group".into()));
    }
    if !structure.subjects.contains_key(&subject) {
        return Err(DomainError::NotFound("subject".into()));
    }
    Ok(())
}

fn check_slot(start: NaiveTime, end: NaiveTime) -> Result<(), DomainError> {
    if start < end { Ok(()) } else { Err(DomainError::field("end", "a lesson ends after it starts")) }
}

fn check_content(content: &str) -> Result<String, DomainError> {
    if content.chars().count() > MAX_CONTENT {
        return Err(DomainError::field("content", format!("at most {MAX_CONTENT} characters")));
    }
    Ok(content.trim().to_string())
}

fn check_attachments(attachments: &[Attachment]) -> Result<Vec<Attachment>, DomainError> {
    if attachments.len() > MAX_ATTACHMENTS {
        return Err(DomainError::field("attachments", format!("at most {MAX_ATTACHMENTS}")));
    }
    attachments
        .iter()
        .enumerate()
        .map(|(i, a)| {
            Ok(Attachment {
                name: validate_text(&format!("attachments[{i}].name"), &a.name, 200)?,
                url: validate_text(&format!("attachments[{i}].url"), &a.url, 2_000)?,
            })
        })
        .collect()
}

fn check_minutes(minutes: Option<u32>) -> Result<Option<u32>, DomainError> {
    match minutes {
        Some(m) if m > MAX_MINUTES => Err(DomainError::field("estimated_minutes", format!("at most {MAX_MINUTES}"))),
        m => Ok(m),
    }
}

fn check_due(given_on: NaiveDate, due_on: NaiveDate) -> Result<(), DomainError> {
    if due_on < given_on { Err(DomainError::field("due_on", "homework is due on or after the day it is given")) } else { Ok(()) }
}

/// `LogLesson`: a class/group and subject of the structure, a date inside a defined school year,
/// a slot that ends after it starts, a title.
pub fn log_lesson(structure: &StructureState, cmd: &LogLesson, id: Uuid) -> Result<Vec<Event>, DomainError> {
    check_target(structure, cmd.class_or_group, cmd.subject)?;
    in_school_year(structure, "date", cmd.date)?;
    check_slot(cmd.start, cmd.end)?;
    Ok(vec![Event::LessonLogged(LessonLogged {
        lesson_id: id,
        structure: structure.uai.clone(),
        class_or_group: cmd.class_or_group,
        subject: cmd.subject,
        date: cmd.date,
        start: cmd.start,
        end: cmd.end,
        title: validate_text("title", &cmd.title, 200)?,
        content: check_content(&cmd.content)?,
        attachments: check_attachments(&cmd.attachments)?,
    })])
}

/// `EditLesson`: the same rules on the new content; something must change.
pub fn edit_lesson(lesson: &LessonState, structure: &StructureState, cmd: &EditLesson) -> Result<Vec<Event>, DomainError> {
    let current = lesson.created.as_ref().ok_or_else(|| DomainError::NotFound("lesson".into()))?;
    let date = cmd.date.unwrap_or(current.date);
    in_school_year(structure, "date", date)?;
    let (start, end) = (cmd.start.unwrap_or(current.start), cmd.end.unwrap_or(current.end));
    check_slot(start, end)?;
    let edited = LessonEdited {
        lesson_id: current.lesson_id,
        class_or_group: current.class_or_group,
        subject: current.subject,
        date,
        start,
        end,
        title: match &cmd.title {
            Some(t) => validate_text("title", t, 200)?,
            None => current.title.clone(),
        },
        content: match &cmd.content {
            Some(c) => check_content(c)?,
            None => current.content.clone(),
        },
        attachments: match &cmd.attachments {
            Some(a) => check_attachments(a)?,
            None => current.attachments.clone(),
        },
    };
    let unchanged = edited.date == current.date
        && edited.start == current.start
        && edited.end == current.end
        && edited.title == current.title
        && edited.content == current.content
        && edited.attachments == current.attachments;
    if unchanged {
        return Err(DomainError::rule("nothing to change"));
    }
    Ok(vec![Event::LessonEdited(edited)])
}

/// `AssignHomework`: due on or after the day it is given, both inside a defined school year.
pub fn assign_homework(structure: &StructureState, cmd: &AssignHomework, id: Uuid) -> Result<Vec<Event>, DomainError> {
    check_target(structure, cmd.class_or_group, cmd.subject)?;
    in_school_year(structure, "given_on", cmd.given_on)?;
    in_school_year(structure, "due_on", cmd.due_on)?;
    check_due(cmd.given_on, cmd.due_on)?;
    Ok(vec![Event::HomeworkAssigned(HomeworkAssigned {
        homework_id: id,
        structure: structure.uai.clone(),
        class_or_group: cmd.class_or_group,
        subject: cmd.subject,
        given_on: cmd.given_on,
        due_on: cmd.due_on,
        description: validate_text("description", &cmd.description, 5_000)?,
        estimated_minutes: check_minutes(cmd.estimated_minutes)?,
    })])
}

/// `EditHomework`: not cancelled; the same rules on the new content; something must change.
pub fn edit_homework(homework: &HomeworkState, structure: &StructureState, cmd: &EditHomework) -> Result<Vec<Event>, DomainError> {
    let current = homework.created.as_ref().ok_or_else(|| DomainError::NotFound("homework".into()))?;
    if homework.cancelled {
        return Err(DomainError::rule("this homework was cancelled"));
    }
    let due_on = cmd.due_on.unwrap_or(current.due_on);
    in_school_year(structure, "due_on", due_on)?;
    check_due(current.given_on, due_on)?;
    let description = match &cmd.description {
        Some(d) => validate_text("description", d, 5_000)?,
        None => current.description.clone(),
    };
    let estimated_minutes = check_minutes(cmd.estimated_minutes.or(current.estimated_minutes))?;
    if due_on == current.due_on && description == current.description && estimated_minutes == current.estimated_minutes {
        return Err(DomainError::rule("nothing to change"));
    }
    Ok(vec![Event::HomeworkEdited(HomeworkEdited {
        homework_id: current.homework_id,
        class_or_group: current.class_or_group,
        subject: current.subject,
        given_on: current.given_on,
        due_on,
        description,
        estimated_minutes,
    })])
}

/// `CancelHomework`: homework that exists and is not cancelled yet.
pub fn cancel_homework(homework: &HomeworkState, cmd: &CancelHomework) -> Result<Vec<Event>, DomainError> {
    let current = homework.created.as_ref().ok_or_else(|| DomainError::NotFound("homework".into()))?;
    if homework.cancelled {
        return Err(DomainError::rule("this homework is already cancelled"));
    }
    let reason = cmd.reason.as_deref().map(|r| validate_text("reason", r, 500)).transpose()?;
    Ok(vec![Event::HomeworkCancelled(HomeworkCancelled {
        homework_id: current.homework_id,
        class_or_group: current.class_or_group,
        subject: current.subject,
        reason,
    })])
}

/// `VisaCahier`: the teacher really teaches that subject to that class or group.
pub fn visa_cahier(structure: &StructureState, teacher: &UserState, cmd: &VisaCahier) -> Result<Vec<Event>, DomainError> {
    check_target(structure, cmd.class_or_group, cmd.subject)?;
    if !teacher.exists() {
        return Err(DomainError::NotFound("teacher".into()));
    }
    if teacher.structure != structure.uai || !teacher.teaches(cmd.subject, cmd.class_or_group) {
        return Err(DomainError::field("teacher", "does not teach this subject to this class or group"));
    }
    let comment = cmd.comment.as_deref().map(|c| validate_text("comment", c, 2_000)).transpose()?;
    Ok(vec![Event::CahierVisaed(CahierVisaed {
        structure: structure.uai.clone(),
        teacher: teacher.user_id,
        class_or_group: cmd.class_or_group,
        subject: cmd.subject,
        comment,
    })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::fixtures::{d, fixture};

    fn t(s: &str) -> NaiveTime {
        s.parse().unwrap()
    }

    fn lesson(f: &crate::notes::fixtures::Fixture, date: &str, start: &str, end: &str) -> LogLesson {
        LogLesson {
            lesson_id: None,
            class_or_group: f.class,
            subject: f.subject,
            date: d(date),
            start: t(start),
            end: t(end),
            title: "Fractions".into(),
            content: "Introduction".into(),
            attachments: vec![],
        }
    }

    fn homework(f: &crate::notes::fixtures::Fixture, given: &str, due: &str) -> AssignHomework {
        AssignHomework {
            homework_id: None,
            class_or_group: f.class,
            subject: f.subject,
            given_on: d(given),
            due_on: d(due),
            description: "Exercices 1 à 4 p. 12".into(),
            estimated_minutes: Some(30),
        }
    }

    #[test]
    fn homework_due_before_it_is_given_is_rejected() {
        let f = fixture();
        let err = assign_homework(&f.structure, &homework(&f, "2026-10-05", "2026-10-04"), Uuid::new_v4()).unwrap_err();
        assert!(matches!(err, DomainError::InvalidField { field, .. } if field == "due_on"));
        assert!(assign_homework(&f.structure, &homework(&f, "2026-10-05", "2026-10-05"), Uuid::new_v4()).is_ok());
    }

    #[test]
    fn cahier_dates_must_lie_inside_a_defined_school_year() {
        let f = fixture();
        assert!(log_lesson(&f.structure, &lesson(&f, "2027-09-02", "08:00", "09:00"), Uuid::new_v4()).is_err());
        assert!(assign_homework(&f.structure, &homework(&f, "2027-08-30", "2027-09-03"), Uuid::new_v4()).is_err());
        assert!(log_lesson(&f.structure, &lesson(&f, "2026-09-03", "08:00", "09:00"), Uuid::new_v4()).is_ok());
    }

    #[test]
    fn lesson_slot_must_end_after_it_starts() {
        let f = fixture();
        assert!(matches!(
            log_lesson(&f.structure, &lesson(&f, "2026-09-03", "10:00", "09:00"), Uuid::new_v4()),
            Err(DomainError::InvalidField { field, .. }) if field == "end"
        ));
    }

    #[test]
    fn lesson_edit_keeps_unchanged_fields_and_needs_a_change() {
        let f = fixture();
        let id = Uuid::new_v4();
        let state = LessonState::from_history(&log_lesson(&f.structure, &lesson(&f, "2026-09-03", "08:00", "09:00"), id).unwrap());
        let edit = EditLesson {
            lesson: id,
            date: None,
            start: None,
            end: None,
            title: Some("Fractions (suite)".into()),
            content: None,
            attachments: None,
        };
        let events = edit_lesson(&state, &f.structure, &edit).unwrap();
        assert!(matches!(&events[0], Event::LessonEdited(e) if e.content == "Introduction" && e.title == "Fractions (suite)"));
        let state = state.evolve(&events[0]);
        assert!(matches!(edit_lesson(&state, &f.structure, &edit), Err(DomainError::Rule(_))));
    }

    #[test]
    fn cancelled_homework_cannot_be_edited_or_cancelled_again() {
        let f = fixture();
        let id = Uuid::new_v4();
        let state = HomeworkState::from_history(&assign_homework(&f.structure, &homework(&f, "2026-10-05", "2026-10-08"), id).unwrap());
        let cancelled = cancel_homework(&state, &CancelHomework { homework: id, reason: None }).unwrap();
        let state = state.evolve(&cancelled[0]);
        assert!(cancel_homework(&state, &CancelHomework { homework: id, reason: None }).is_err());
        let edit = EditHomework { homework: id, due_on: None, description: Some("x".into()), estimated_minutes: None };
        assert!(edit_homework(&state, &f.structure, &edit).is_err());
    }

    #[test]
    fn homework_edit_keeps_due_on_after_given_on() {
        let f = fixture();
        let id = Uuid::new_v4();
        let state = HomeworkState::from_history(&assign_homework(&f.structure, &homework(&f, "2026-10-05", "2026-10-08"), id).unwrap());
        let edit = EditHomework { homework: id, due_on: Some(d("2026-10-01")), description: None, estimated_minutes: None };
        assert!(edit_homework(&state, &f.structure, &edit).is_err());
    }

    #[test]
    fn visa_needs_a_teacher_of_that_class_and_subject() {
        let f = fixture();
        let cmd = VisaCahier { teacher: f.pupil.user_id, class_or_group: f.class, subject: f.subject, comment: None };
        assert!(matches!(visa_cahier(&f.structure, &f.pupil, &cmd), Err(DomainError::InvalidField { field, .. }) if field == "teacher"));
        let mut teacher = UserState {
            user_id: Uuid::new_v4(),
            structure: f.structure.uai.clone(),
            profile: Some(crate::directory::Profile::Enseignant),
            active: true,
            ..Default::default()
        };
        teacher.assignments.insert(crate::directory::user::Assignment { subject_id: f.subject, class_or_group: f.class });
        assert!(visa_cahier(&f.structure, &teacher, &cmd).is_ok());
    }
}
