//! How cahier de textes events (and the directory's enrolments and groups) fold into cahiers.

use chrono::{DateTime, Utc};
use ent_domain::{Event, RecordedEvent};
use uuid::Uuid;

use super::NAME;
use super::models::*;
use crate::docs::DocView;
use crate::error::ApplyError;
use crate::projection::Projection;

pub(crate) const CAHIERS: &str = "cahier";
pub(crate) const ENTRIES: &str = "entry";
pub(crate) const MEMBERSHIPS: &str = "membership";

pub(crate) fn cahier_key(class_or_group: Uuid, subject: Uuid) -> String {
    format!("{class_or_group}/{subject}")
}

/// Folds lessons, homework and visas into one document per class/group and subject.
pub struct CahierProjection;

impl Projection for CahierProjection {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "cahier de textes per class/group and subject (lessons, homework, visas), pupils' memberships"
    }

    fn apply(&self, view: &mut DocView<'_>, r: &RecordedEvent, event: &Event) -> Result<(), ApplyError> {
        match event {
            Event::LessonLogged(e) => {
                let entry = EntryRef {
                    kind: "lesson".into(),
                    structure: e.structure.clone(),
                    class_or_group: e.class_or_group,
                    subject: e.subject,
                };
                view.put(ENTRIES, e.lesson_id, &entry)?;
                update(view, &e.structure, e.class_or_group, e.subject, |c| {
                    c.lessons.push(LessonEntry {
                        id: e.lesson_id,
                        date: e.date,
                        start: e.start,
                        end: e.end,
                        title: e.title.clone(),
                        content: e.content.clone(),
                        attachments: e.attachments.clone(),
                        author: r.actor.clone(),
                        author_name: None,
                        logged_at: r.recorded_at,
                        edited_at: None,
                        edits: 0,
                    });
                })
            }
            Event::LessonEdited(e) => update(view, &r.structure, e.class_or_group, e.subject, |c| {
                if let Some(l) = c.lessons.iter_mut().find(|l| l.id == e.lesson_id) {
                    l.date = e.date;
                    l.start = e.start;
                    l.end = e.end;
                    l.title = e.title.clone();
                    l.content = e.content.clone();
                    l.attachments = e.attachments.clone();
                    l.edited_at = Some(r.recorded_at);
                    l.edits += 1;
                }
            }),
            Event::HomeworkAssigned(e) => {
                let entry = EntryRef {
                    kind: "homework".into(),
                    structure: e.structure.clone(),
                    class_or_group: e.class_or_group,
                    subject: e.subject,
                };
                view.put(ENTRIES, e.homework_id, &entry)?;
                update(view, &e.structure, e.class_or_group, e.subject, |c| {
                    c.homework.push(HomeworkEntry {
                        id: e.homework_id,
                        subject: e.subject,
                        subject_name: None,
                        class_or_group: e.class_or_group,
                        class_or_group_name: None,
                        given_on: e.given_on,
                        due_on: e.due_on,
                        description: e.description.clone(),
                        estimated_minutes: e.estimated_minutes,
                        author: r.actor.clone(),
                        author_name: None,
                        cancelled: false,
                        cancel_reason: None,
                        edits: 0,
                    });
                })
            }
            Event::HomeworkEdited(e) => update(view, &r.structure, e.class_or_group, e.subject, |c| {
                if let Some(h) = c.homework.iter_mut().find(|h| h.id == e.homework_id) {
                    h.due_on = e.due_on;
                    h.description = e.description.clone();
                    h.estimated_minutes = e.estimated_minutes;
                    h.edits += 1;
                }
            }),
            Event::HomeworkCancelled(e) => update(view, &r.structure, e.class_or_group, e.subject, |c| {
                if let Some(h) = c.homework.iter_mut().find(|h| h.id == e.homework_id) {
                    h.cancelled = true;
                    h.cancel_reason = e.reason.clone();
                }
            }),
            Event::CahierVisaed(e) => visa(view, r.actor.clone(), r.recorded_at, e),
            Event::PupilEnrolled(e) => {
                let mut m = view.get_as::<Membership>(MEMBERSHIPS, e.pupil)?.unwrap_or_default();
                m.structure = e.structure.clone();
                m.class = Some(e.class_id);
                view.put(MEMBERSHIPS, e.pupil, &m)
            }
            Event::GroupCreated(e) => {
                view.prefetch(e.members.iter().map(|p| crate::docs::DocKey::new(MEMBERSHIPS, p)))?;
                for pupil in &e.members {
                    let mut m = view.get_as::<Membership>(MEMBERSHIPS, pupil)?.unwrap_or_default();
                    m.structure = e.structure.clone();
                    if !m.groups.contains(&e.group_id) {
                        m.groups.push(e.group_id);
                    }
                    view.put(MEMBERSHIPS, pupil, &m)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

fn visa(
    view: &mut DocView<'_>,
    by: String,
    at: DateTime<Utc>,
    e: &ent_domain::cahier_de_textes::events::CahierVisaed,
) -> Result<(), ApplyError> {
    update(view, &e.structure, e.class_or_group, e.subject, |c| {
        c.visas.insert(0, VisaEntry { teacher: e.teacher, teacher_name: None, by, by_name: None, at, comment: e.comment.clone() });
    })
}

fn update(
    view: &mut DocView<'_>,
    structure: &str,
    class_or_group: Uuid,
    subject: Uuid,
    f: impl FnOnce(&mut CahierDoc),
) -> Result<(), ApplyError> {
    let key = cahier_key(class_or_group, subject);
    let mut doc = view.get_as::<CahierDoc>(CAHIERS, &key)?.unwrap_or(CahierDoc {
        structure: structure.to_string(),
        class_or_group,
        class_or_group_name: None,
        subject,
        subject_name: None,
        lessons: Vec::new(),
        homework: Vec::new(),
        visas: Vec::new(),
    });
    f(&mut doc);
    // Newest first.
    doc.lessons.sort_by_key(|l| std::cmp::Reverse((l.date, l.start, l.id)));
    doc.homework.sort_by_key(|h| std::cmp::Reverse((h.given_on, h.due_on, h.id)));
    view.put(CAHIERS, &key, &doc)
}
