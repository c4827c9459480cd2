//! How vie scolaire events (and the directory facts it needs) fold into its documents.

use ent_domain::vie_scolaire::absences::{JustificationFact, JustificationState, MissedLesson};
use ent_domain::vie_scolaire::events::*;
use ent_domain::vie_scolaire::{Mark, MarkStatus};
use ent_domain::{Event, RecordedEvent};
use uuid::Uuid;

use super::NAME;
use super::models::*;
use crate::docs::{DocKey, DocView};
use crate::error::ApplyError;
use crate::projection::Projection;

pub(crate) const PERSON: &str = "person";
pub(crate) const LESSON: &str = "lesson";
pub(crate) const ABSENCES: &str = "absences";
pub(crate) const MONTH: &str = "month";
pub(crate) const CLASS_DAY: &str = "class_day";
pub(crate) const DAY: &str = "day";
pub(crate) const PENDING: &str = "pending";
pub(crate) const INBOX: &str = "inbox";
pub(crate) const DISCIPLINE: &str = "discipline";
pub(crate) const REGISTER: &str = "register";
pub(crate) const AUDIT: &str = "sanction_audit";
pub(crate) const SETTINGS: &str = "settings";
/// `<teacher>:<date>:<lesson>` → the lesson, so a teacher's day is one prefix read.
pub(crate) const TEACHER_DAY: &str = "teacher_day";

/// Keys of the per-day and per-month documents.
pub(crate) fn day_key(uai: &str, date: chrono::NaiveDate) -> String {
    format!("{uai}:{date}")
}
pub(crate) fn month_key(uai: &str, date: chrono::NaiveDate) -> String {
    format!("{uai}:{}", date.format("%Y-%m"))
}
pub(crate) fn class_day_key(class: Uuid, date: chrono::NaiveDate) -> String {
    format!("{class}:{date}")
}
/// The prefix of a teacher's lessons on one day (`teacher_day_prefix(..) + lesson id` is a key).
pub(crate) fn teacher_day_prefix(teacher: Uuid, date: chrono::NaiveDate) -> String {
    format!("{teacher}:{date}:")
}

/// Folds the vie scolaire.
pub struct VieScolaireProjection;

impl Projection for VieScolaireProjection {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "absences (per pupil, class, day), L131-8 report, notifications, disciplinary records, register"
    }

    fn apply(&self, view: &mut DocView<'_>, recorded: &RecordedEvent, event: &Event) -> Result<(), ApplyError> {
        match event {
            Event::UserCreated(e) => view.put(
                PERSON,
                e.user_id,
                &PersonDoc {
                    id: e.user_id,
                    first_name: e.first_name.clone(),
                    last_name: e.last_name.clone(),
                    structure: e.structure.clone(),
                    profile: e.profile,
                    class_id: None,
                    parents: vec![],
                },
            ),
            Event::PupilEnrolled(e) => view.update(PERSON, e.pupil, |p: &mut PersonDoc| p.class_id = Some(e.class_id)),
            Event::ParentLinked(e) => view.update(PERSON, e.pupil, |p: &mut PersonDoc| {
                if !p.parents.contains(&e.parent) {
                    p.parents.push(e.parent);
                }
            }),
            Event::LessonScheduled(e) => lesson_scheduled(view, e),
            Event::RollCallTaken(e) => marks_changed(view, recorded, e.lesson_id, &e.marks, true),
            Event::RollCallAmended(e) => marks_changed(view, recorded, e.lesson_id, &e.marks, false),
            Event::AbsenceRecorded(e) => absence_recorded(view, e),
            Event::AbsenceJustified(e) => absence_justified(view, recorded, e),
            Event::JustificationAccepted(e) => {
                justification_decided(view, e.pupil, &e.structure, e.justification_id, JustificationState::Accepted, None)
            }
            Event::JustificationRefused(e) => {
                justification_decided(view, e.pupil, &e.structure, e.justification_id, JustificationState::Refused, Some(e.reason.clone()))
            }
            Event::NotificationsRead(e) => view.update(INBOX, e.user, |inbox: &mut InboxDoc| {
                for n in inbox.items.iter_mut().filter(|n| e.notification_ids.contains(&n.id)) {
                    n.read = true;
                }
            }),
            Event::PunishmentGiven(e) => punishment_given(view, e),
            Event::SanctionPronounced(e) => sanction_pronounced(view, e),
            Event::SanctionErased(e) => sanction_erased(view, e),
            Event::HalfDayBoundarySet(e) => view.put(SETTINGS, &e.structure, &SettingsDoc { boundary: e.boundary }),
            _ => Ok(()),
        }
    }
}

fn lesson_scheduled(view: &mut DocView<'_>, e: &LessonScheduled) -> Result<(), ApplyError> {
    view.put(
        TEACHER_DAY,
        format!("{}{}", teacher_day_prefix(e.teacher, e.date), e.lesson_id),
        &TeacherDayEntry { lesson_id: e.lesson_id },
    )?;
    view.put(
        LESSON,
        e.lesson_id,
        &LessonDoc {
            lesson_id: e.lesson_id,
            structure: e.structure.clone(),
            class_or_group: e.class_or_group,
            subject_id: e.subject_id,
            teacher: e.teacher,
            date: e.date,
            start: e.start,
            end: e.end,
            room: e.room.clone(),
            roll_call_taken: false,
            marks: Default::default(),
        },
    )
}

fn empty_absences(pupil: Uuid, structure: &str) -> impl FnOnce() -> PupilAbsencesDoc + '_ {
    move || PupilAbsencesDoc {
        pupil,
        structure: structure.to_string(),
        missed: Default::default(),
        late: Default::default(),
        recorded: vec![],
        justifications: vec![],
    }
}

fn marks_changed(view: &mut DocView<'_>, recorded: &RecordedEvent, lesson_id: Uuid, marks: &[Mark], first: bool) -> Result<(), ApplyError> {
    let Some(mut lesson) = view.get_as::<LessonDoc>(LESSON, lesson_id)? else { return Ok(()) };
    let mut keys: Vec<DocKey> = marks.iter().flat_map(|m| [DocKey::new(ABSENCES, m.pupil), DocKey::new(PERSON, m.pupil)]).collect();
    keys.push(DocKey::new(CLASS_DAY, class_day_key(lesson.class_or_group, lesson.date)));
    keys.push(DocKey::new(DAY, day_key(&lesson.structure, lesson.date)));
    keys.push(DocKey::new(MONTH, month_key(&lesson.structure, lesson.date)));
    view.prefetch(keys)?;
    let (uai, date) = (lesson.structure.clone(), lesson.date);
    let mut newly_absent = Vec::new();
    for m in marks {
        let was_absent = lesson.marks.get(&m.pupil).is_some_and(|old| old.status == MarkStatus::Absent);
        lesson.marks.insert(m.pupil, m.clone());
        let absent = m.status == MarkStatus::Absent;
        if absent && !was_absent {
            newly_absent.push(m.pupil);
        }
        let l = &lesson;
        view.upsert(ABSENCES, m.pupil, empty_absences(m.pupil, &uai), |doc: &mut PupilAbsencesDoc| {
            if absent {
                doc.missed.insert(lesson_id, MissedLesson { lesson_id, date: l.date, start: l.start, end: l.end });
            } else {
                doc.missed.remove(&lesson_id);
            }
            match (m.status, m.minutes_late) {
                (MarkStatus::Late, Some(minutes)) => {
                    doc.late.insert(lesson_id, LateEntry { lesson_id, date: l.date, start: l.start, minutes });
                }
                _ => {
                    doc.late.remove(&lesson_id);
                }
            }
        })?;
        view.upsert(DAY, day_key(&uai, date), StructureDayDoc::default, |day: &mut StructureDayDoc| {
            let entry = day.absentees.entry(m.pupil).or_default();
            if absent {
                entry.insert(lesson_id);
            } else {
                entry.remove(&lesson_id);
            }
            if entry.is_empty() {
                day.absentees.remove(&m.pupil);
            }
        })?;
        if absent {
            view.upsert(MONTH, month_key(&uai, date), MonthIndex::default, |idx: &mut MonthIndex| {
                idx.pupils.insert(m.pupil);
            })?;
        }
    }
    if first {
        lesson.roll_call_taken = true;
    }
    let class_day = ClassDayLesson {
        lesson_id,
        start: lesson.start,
        end: lesson.end,
        subject_id: lesson.subject_id,
        subject_name: None,
        teacher: lesson.teacher,
        teacher_name: None,
        roll_call_taken: lesson.roll_call_taken,
        absent: lesson.marks.values().filter(|m| m.status == MarkStatus::Absent).map(|m| m.pupil).collect(),
        late: lesson
            .marks
            .values()
            .filter_map(|m| (m.status == MarkStatus::Late).then_some((m.pupil, m.minutes_late.unwrap_or(0))))
            .collect(),
    };
    let (class, structure) = (lesson.class_or_group, lesson.structure.clone());
    view.upsert(
        CLASS_DAY,
        class_day_key(class, date),
        || ClassDayDoc {
            class_or_group: class,
            class_or_group_name: None,
            structure: structure.clone(),
            date,
            lessons: Default::default(),
            pupil_names: Default::default(),
        },
        |doc: &mut ClassDayDoc| {
            doc.lessons.insert(lesson_id, class_day);
        },
    )?;
    notify_parents(view, recorded, &lesson, &newly_absent)?;
    view.put(LESSON, lesson_id, &lesson)
}

/// A parent gets one notification per child and lesson the child is marked absent from.
fn notify_parents(view: &mut DocView<'_>, recorded: &RecordedEvent, lesson: &LessonDoc, pupils: &[Uuid]) -> Result<(), ApplyError> {
    for pupil in pupils {
        let Some(person) = view.get_as::<PersonDoc>(PERSON, pupil)? else { continue };
        view.prefetch(person.parents.iter().map(|p| DocKey::new(INBOX, p)))?;
        let id = Uuid::new_v5(&lesson.lesson_id, pupil.as_bytes());
        for parent in &person.parents {
            view.upsert(INBOX, parent, InboxDoc::default, |inbox: &mut InboxDoc| {
                if !inbox.items.iter().any(|n| n.id == id) {
                    inbox.items.push(Notification {
                        id,
                        kind: "absence".into(),
                        pupil: *pupil,
                        pupil_name: format!("{} {}", person.first_name, person.last_name),
                        lesson_id: lesson.lesson_id,
                        subject_id: Some(lesson.subject_id),
                        subject_name: None,
                        date: lesson.date,
                        start: lesson.start,
                        created_at: recorded.recorded_at,
                        read: false,
                    });
                }
            })?;
        }
    }
    Ok(())
}

fn absence_recorded(view: &mut DocView<'_>, e: &AbsenceRecorded) -> Result<(), ApplyError> {
    view.upsert(ABSENCES, e.pupil, empty_absences(e.pupil, &e.structure), |doc: &mut PupilAbsencesDoc| {
        for h in &e.halves {
            if !doc.recorded.contains(&(e.date, *h)) {
                doc.recorded.push((e.date, *h));
            }
        }
        doc.recorded.sort();
    })?;
    view.upsert(DAY, day_key(&e.structure, e.date), StructureDayDoc::default, |day: &mut StructureDayDoc| {
        day.recorded.entry(e.pupil).or_default().extend(e.halves.iter().copied());
    })?;
    view.upsert(MONTH, month_key(&e.structure, e.date), MonthIndex::default, |idx: &mut MonthIndex| {
        idx.pupils.insert(e.pupil);
    })
}

fn absence_justified(view: &mut DocView<'_>, recorded: &RecordedEvent, e: &AbsenceJustified) -> Result<(), ApplyError> {
    let fact = JustificationFact { id: e.justification_id, from: e.from, to: e.to, state: JustificationState::Pending };
    view.upsert(ABSENCES, e.pupil, empty_absences(e.pupil, &e.structure), |doc: &mut PupilAbsencesDoc| {
        doc.justifications.push(JustificationEntry {
            fact,
            reason: e.reason.clone(),
            comment: e.comment.clone(),
            submitted_by: e.submitted_by,
            refusal_reason: None,
        });
    })?;
    view.upsert(PENDING, &e.structure, PendingDoc::default, |p: &mut PendingDoc| {
        p.items.insert(
            e.justification_id,
            PendingJustification {
                justification_id: e.justification_id,
                pupil: e.pupil,
                pupil_name: None,
                from: e.from,
                to: e.to,
                reason: e.reason.clone(),
                comment: e.comment.clone(),
                submitted_at: recorded.recorded_at,
            },
        );
    })
}

fn justification_decided(
    view: &mut DocView<'_>,
    pupil: Uuid,
    uai: &str,
    id: Uuid,
    state: JustificationState,
    refusal: Option<String>,
) -> Result<(), ApplyError> {
    view.update(ABSENCES, pupil, |doc: &mut PupilAbsencesDoc| {
        for j in doc.justifications.iter_mut().filter(|j| j.fact.id == id) {
            j.fact.state = state;
            j.refusal_reason = refusal.clone();
        }
    })?;
    view.update(PENDING, uai, |p: &mut PendingDoc| {
        p.items.remove(&id);
    })
}

fn punishment_given(view: &mut DocView<'_>, e: &PunishmentGiven) -> Result<(), ApplyError> {
    let entry = PunishmentEntry {
        id: e.punishment_id,
        pupil: e.pupil,
        kind: e.kind,
        date: e.date,
        given_by: e.given_by,
        content: e.content.clone(),
    };
    view.upsert(DISCIPLINE, e.pupil, DisciplineDoc::default, |d: &mut DisciplineDoc| d.punishments.push(entry.clone()))?;
    view.upsert(REGISTER, &e.structure, DisciplineDoc::default, |d: &mut DisciplineDoc| d.punishments.push(entry))
}

fn sanction_pronounced(view: &mut DocView<'_>, e: &SanctionPronounced) -> Result<(), ApplyError> {
    let entry = SanctionEntry {
        id: e.sanction_id,
        pupil: e.pupil,
        kind: e.kind,
        days: e.days,
        hours: e.hours,
        sursis: e.sursis,
        pronounced_on: e.pronounced_on,
        by_disciplinary_council: e.by_disciplinary_council,
        pronounced_by: e.pronounced_by,
        erasure_due: e.erasure_due,
        content: e.content.clone(),
    };
    view.upsert(DISCIPLINE, e.pupil, DisciplineDoc::default, |d: &mut DisciplineDoc| d.sanctions.push(entry.clone()))?;
    view.upsert(REGISTER, &e.structure, DisciplineDoc::default, |d: &mut DisciplineDoc| d.sanctions.push(entry))?;
    let audit = SanctionAuditEntry {
        id: e.sanction_id,
        pupil: e.pupil,
        kind: e.kind,
        pronounced_on: e.pronounced_on,
        pronounced_by: e.pronounced_by,
        erasure_due: e.erasure_due,
        erased_on: None,
        erasure_rule: None,
    };
    view.upsert(AUDIT, &e.structure, SanctionAuditDoc::default, |d: &mut SanctionAuditDoc| d.sanctions.push(audit))
}

fn sanction_erased(view: &mut DocView<'_>, e: &SanctionErased) -> Result<(), ApplyError> {
    view.update(DISCIPLINE, e.pupil, |d: &mut DisciplineDoc| d.sanctions.retain(|s| s.id != e.sanction_id))?;
    view.update(REGISTER, &e.structure, |d: &mut DisciplineDoc| d.sanctions.retain(|s| s.id != e.sanction_id))?;
    view.update(AUDIT, &e.structure, |d: &mut SanctionAuditDoc| {
        for s in d.sanctions.iter_mut().filter(|s| s.id == e.sanction_id) {
            s.erased_on = Some(e.erased_on);
            s.erasure_rule = Some(e.rule);
        }
    })
}
