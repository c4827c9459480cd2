//! The timetable as teachers use it: a teacher's lessons of one day, and one lesson with the
//! pupils of its class or group for its roll call. Read rule (docs/domain.md, "Reading"): the
//! lesson's teacher and the staff of its structure; anyone else is told it does not exist.

use chrono::NaiveDate;
use ent_domain::Actor;
use ent_domain::directory::Profile;
use uuid::Uuid;

use super::NAME;
use super::fold::{LESSON, PERSON, TEACHER_DAY, teacher_day_prefix};
use super::models::*;
use crate::directory::ClassRoster;
use crate::error::QueryError;
use crate::names::Names;
use crate::source::{StoreSource, get_as};
use crate::store::ReadModelStore;

fn src(store: &dyn ReadModelStore) -> StoreSource<'_> {
    StoreSource { store, projection: NAME }
}

/// The teacher and the staff of the structure read a lesson (and a teacher's day).
fn may_read(actor: &Actor, structure: &str, teacher: Uuid) -> bool {
    actor.is_staff_of(structure) || actor.user().is_some_and(|u| u.user_id == teacher && u.structure == structure)
}

fn teacher_lesson(l: &LessonDoc, names: &Names) -> TeacherLesson {
    TeacherLesson {
        lesson_id: l.lesson_id,
        structure: l.structure.clone(),
        class_or_group: l.class_or_group,
        class_or_group_name: names.class_or_group(l.class_or_group),
        subject_id: l.subject_id,
        subject_name: names.subject(l.subject_id),
        teacher: l.teacher,
        teacher_name: names.person(l.teacher),
        date: l.date,
        start: l.start,
        end: l.end,
        room: l.room.clone(),
        roll_call_taken: l.roll_call_taken,
    }
}

/// `GET /api/v1/teachers/{teacher}/lessons?date=`: a teacher's lessons of one day, by start.
pub async fn teacher_lessons(
    store: &dyn ReadModelStore,
    actor: &Actor,
    teacher: Uuid,
    date: NaiveDate,
) -> Result<Vec<TeacherLesson>, QueryError> {
    let person = get_as::<PersonDoc>(&src(store), PERSON, &teacher.to_string())
        .await?
        .filter(|p| p.profile == Profile::Enseignant)
        .ok_or_else(|| QueryError::not_found("teacher"))?;
    if !may_read(actor, &person.structure, teacher) {
        return Err(QueryError::not_found("teacher"));
    }
    let entries = store.list(NAME, TEACHER_DAY, &teacher_day_prefix(teacher, date)).await?;
    let mut lessons = Vec::with_capacity(entries.len());
    for entry in entries {
        let entry: TeacherDayEntry = serde_json::from_value(entry)?;
        if let Some(l) = get_as::<LessonDoc>(&src(store), LESSON, &entry.lesson_id.to_string()).await? {
            lessons.push(l);
        }
    }
    lessons.sort_by_key(|l| (l.start, l.lesson_id));
    let names = Names::load(store, &person.structure, [teacher]).await?;
    Ok(lessons.iter().map(|l| teacher_lesson(l, &names)).collect())
}

/// `GET /api/v1/lessons/{id}`: one lesson with the pupils of its class or group (by name) and
/// their marks once the roll call is taken.
pub async fn lesson_roll(store: &dyn ReadModelStore, actor: &Actor, lesson: Uuid) -> Result<LessonRoll, QueryError> {
    let l = get_as::<LessonDoc>(&src(store), LESSON, &lesson.to_string()).await?.ok_or_else(|| QueryError::not_found("lesson"))?;
    if !may_read(actor, &l.structure, l.teacher) {
        return Err(QueryError::not_found("lesson"));
    }
    let dir = StoreSource { store, projection: crate::directory::NAME };
    let roster = get_as::<ClassRoster>(&dir, "roster", &l.class_or_group.to_string()).await?;
    let mut names = Names::load(store, &l.structure, [l.teacher]).await?;
    let mut pupils: Vec<Uuid> = roster.iter().flat_map(|r| r.members.iter().map(|m| m.id)).collect();
    if let Some(r) = &roster {
        names.add_roster(r);
    }
    // Pupils marked who have left the class since are still shown with their mark.
    let others: Vec<Uuid> = l.marks.keys().copied().filter(|p| !pupils.contains(p)).collect();
    names.add_people(store, others.iter().copied()).await?;
    pupils.extend(others);
    let pupils = pupils
        .into_iter()
        .map(|p| RollPupil { pupil: p, display_name: names.person(p).unwrap_or_else(|| p.to_string()), mark: l.marks.get(&p).cloned() })
        .collect();
    Ok(LessonRoll { lesson: teacher_lesson(&l, &names), pupils })
}
