//! How lessons of the timetable, homework, school events, bookings, the structure's closed days
//! and visio meetings (and the directory's enrolments and groups, and the calendar feeds) fold
//! into the agenda's documents: each source is one arm filing [`AgendaItem`]s of its kind under
//! their audiences.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use ent_domain::agenda::commands::Audience;
use ent_domain::agenda::events::{SchoolEventCancelled, SchoolEventCreated, SchoolEventUpdated};
use ent_domain::agenda::range::months_of;
use ent_domain::cahier_de_textes::events::{HomeworkAssigned, HomeworkCancelled, HomeworkEdited};
use ent_domain::reservations::events::BookingStatus;
use ent_domain::vie_scolaire::events::LessonScheduled;
use ent_domain::{Event, RecordedEvent};
use uuid::Uuid;

use super::NAME;
use super::models::*;
use crate::docs::{DocKey, DocView};
use crate::error::ApplyError;
use crate::projection::Projection;

pub(crate) const MONTHS: &str = "month";
pub(crate) const EVENTS: &str = "school-event";
pub(crate) const HOMEWORK: &str = "homework";
pub(crate) const MEMBERSHIPS: &str = "membership";
pub(crate) const FEEDS: &str = "feeds";
pub(crate) const BOOKINGS: &str = "booking";
pub(crate) const RESOURCES: &str = "resource";
pub(crate) const CLOSED_DAYS: &str = "closed-days";
pub(crate) const MEETINGS: &str = "meeting";

/// The audience of a class or group's pupils and teachers.
pub(crate) fn class_audience(class_or_group: Uuid) -> String {
    format!("c:{class_or_group}")
}

/// The audience of one user.
pub(crate) fn user_audience(user: Uuid) -> String {
    format!("u:{user}")
}

/// The audience of everyone of a structure.
pub(crate) fn structure_audience(uai: &str) -> String {
    format!("s:{uai}")
}

/// The staff of a structure: every school event of the structure, whatever its audience.
pub(crate) fn staff_audience(uai: &str) -> String {
    format!("staff:{uai}")
}

/// The key of a school event: its structure and id, so a structure's events are listed by prefix.
pub(crate) fn event_key(uai: &str, id: Uuid) -> String {
    format!("{uai}/{id}")
}

pub(crate) fn month_key(audience: &str, month: &str) -> String {
    format!("{audience}/{month}")
}

/// The audiences a school event is filed under.
fn event_audiences(uai: &str, audience: &Audience) -> Vec<String> {
    let mut out = vec![staff_audience(uai)];
    match audience {
        Audience::Structure => out.push(structure_audience(uai)),
        Audience::Classes(ids) | Audience::Groups(ids) => out.extend(ids.iter().map(|id| class_audience(*id))),
        Audience::Users(ids) => out.extend(ids.iter().map(|id| user_audience(*id))),
    }
    out
}

/// The months an entry touches (an entry ending at midnight does not touch the day it ends on).
fn item_months(item: &AgendaItem) -> Vec<String> {
    let last = if item.end > item.start { item.end - Duration::seconds(1) } else { item.start };
    months_of(item.start.date(), last.date())
}

pub(super) fn keys(audiences: &[String], item: &AgendaItem) -> Vec<String> {
    let months = item_months(item);
    audiences.iter().flat_map(|a| months.iter().map(move |m| month_key(a, m))).collect()
}

fn prefetch(view: &DocView<'_>, keys: &[String]) -> Result<(), ApplyError> {
    view.prefetch(keys.iter().map(|k| DocKey::new(MONTHS, k)))
}

/// Files `item` under `keys`, replacing the entry of the same kind and id.
pub(super) fn file(view: &mut DocView<'_>, keys: &[String], item: &AgendaItem) -> Result<(), ApplyError> {
    prefetch(view, keys)?;
    for key in keys {
        view.upsert(MONTHS, key, MonthDoc::default, |doc: &mut MonthDoc| {
            doc.items.retain(|i| !(i.kind == item.kind && i.id == item.id));
            let at = doc.items.partition_point(|i| (i.start, i.kind, i.id) < (item.start, item.kind, item.id));
            doc.items.insert(at, item.clone());
        })?;
    }
    Ok(())
}

/// Removes the entry of `kind` and `id` from `keys`.
pub(super) fn unfile(view: &mut DocView<'_>, keys: &[String], kind: EntryKind, id: Uuid) -> Result<(), ApplyError> {
    prefetch(view, keys)?;
    for key in keys {
        view.update(MONTHS, key, |doc: &mut MonthDoc| doc.items.retain(|i| !(i.kind == kind && i.id == id)))?;
    }
    Ok(())
}

/// The entry of `kind` and `id` as filed under `key`.
fn filed(view: &DocView<'_>, key: &str, kind: EntryKind, id: Uuid) -> Result<Option<AgendaItem>, ApplyError> {
    Ok(view.read(MONTHS, key, |doc: &MonthDoc| doc.items.iter().find(|i| i.kind == kind && i.id == id).cloned())?.flatten())
}

pub(super) fn day_start(date: NaiveDate) -> NaiveDateTime {
    date.and_time(NaiveTime::MIN)
}

/// Folds the agenda's sources into entries by audience and month.
pub struct AgendaProjection;

impl Projection for AgendaProjection {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "agenda entries by audience and month (timetable lessons, homework due, school events, bookings, closed days, visio meetings), school events, memberships, calendar feeds"
    }

    fn apply(&self, view: &mut DocView<'_>, r: &RecordedEvent, event: &Event) -> Result<(), ApplyError> {
        match event {
            Event::LessonScheduled(e) => lesson_scheduled(view, r.recorded_at, e),
            Event::HomeworkAssigned(e) => homework_assigned(view, r.recorded_at, e),
            Event::HomeworkEdited(e) => homework_edited(view, r.recorded_at, e),
            Event::HomeworkCancelled(e) => homework_cancelled(view, r.recorded_at, e),
            Event::SchoolEventCreated(e) => school_event_created(view, r, e),
            Event::SchoolEventUpdated(e) => school_event_updated(view, r.recorded_at, e),
            Event::SchoolEventCancelled(e) => school_event_cancelled(view, r.recorded_at, e),
            Event::PupilEnrolled(e) => view.upsert(MEMBERSHIPS, e.pupil, Membership::default, |m: &mut Membership| {
                m.structure = e.structure.clone();
                m.class = Some(e.class_id);
            }),
            Event::GroupCreated(e) => {
                view.prefetch(e.members.iter().map(|p| DocKey::new(MEMBERSHIPS, p)))?;
                for pupil in &e.members {
                    view.upsert(MEMBERSHIPS, pupil, Membership::default, |m: &mut Membership| {
                        m.structure = e.structure.clone();
                        if !m.groups.contains(&e.group_id) {
                            m.groups.push(e.group_id);
                        }
                    })?;
                }
                Ok(())
            }
            Event::BookableResourceDefined(e) => view.put(RESOURCES, e.resource_id, &ResourceName { name: e.name.clone() }),
            Event::ResourceBooked(e) => super::sources::resource_booked(view, r.recorded_at, e),
            Event::BookingApproved(e) => super::sources::booking_changed(view, r.recorded_at, e.booking_id, BookingStatus::Confirmed),
            Event::BookingRejected(e) => super::sources::booking_changed(view, r.recorded_at, e.booking_id, BookingStatus::Rejected),
            Event::BookingCancelled(e) => super::sources::booking_changed(view, r.recorded_at, e.booking_id, BookingStatus::Cancelled),
            Event::ClosedDaysDeclared(e) => super::sources::closed_days_declared(view, r.recorded_at, e),
            Event::ClosedDaysWithdrawn(e) => super::sources::closed_days_withdrawn(view, r.recorded_at, e),
            Event::MeetingScheduled(e) => super::sources::meeting_scheduled(view, r.recorded_at, e),
            Event::MeetingCancelled(e) => super::sources::meeting_cancelled(view, r.recorded_at, e),
            Event::CalendarFeedCreated(e) => view.upsert(FEEDS, e.user, Vec::new, |feeds: &mut Vec<FeedDoc>| {
                feeds.retain(|f| f.feed_id != e.feed_id);
                feeds.push(FeedDoc { feed_id: e.feed_id, label: e.label.clone(), created_at: e.at, revoked_at: None });
            }),
            Event::CalendarFeedRevoked(e) => view.update(FEEDS, e.user, |feeds: &mut Vec<FeedDoc>| {
                if let Some(f) = feeds.iter_mut().find(|f| f.feed_id == e.feed_id) {
                    f.revoked_at = Some(r.recorded_at);
                }
            }),
            _ => Ok(()),
        }
    }
}

fn lesson_scheduled(view: &mut DocView<'_>, at: DateTime<Utc>, e: &LessonScheduled) -> Result<(), ApplyError> {
    let item = AgendaItem {
        kind: EntryKind::Lesson,
        id: e.lesson_id,
        structure: e.structure.clone(),
        title: String::new(),
        start: e.date.and_time(e.start),
        end: e.date.and_time(e.end),
        all_day: false,
        description: None,
        location: e.room.clone(),
        subject: Some(e.subject_id),
        subject_name: None,
        class_or_group: Some(e.class_or_group),
        class_or_group_name: None,
        teacher: Some(e.teacher),
        teacher_name: None,
        cancelled: false,
        sequence: 0,
        updated_at: at,
    };
    let audiences = [class_audience(e.class_or_group), user_audience(e.teacher)];
    file(view, &keys(&audiences, &item), &item)
}

fn homework_item(e: &HomeworkAssigned, at: DateTime<Utc>) -> AgendaItem {
    AgendaItem {
        kind: EntryKind::Homework,
        id: e.homework_id,
        structure: e.structure.clone(),
        title: String::new(),
        start: day_start(e.due_on),
        end: day_start(e.due_on + Duration::days(1)),
        all_day: true,
        description: Some(e.description.clone()),
        location: None,
        subject: Some(e.subject),
        subject_name: None,
        class_or_group: Some(e.class_or_group),
        class_or_group_name: None,
        teacher: None,
        teacher_name: None,
        cancelled: false,
        sequence: 0,
        updated_at: at,
    }
}

fn homework_assigned(view: &mut DocView<'_>, at: DateTime<Utc>, e: &HomeworkAssigned) -> Result<(), ApplyError> {
    let item = homework_item(e, at);
    view.put(HOMEWORK, e.homework_id, &HomeworkRef { class_or_group: e.class_or_group, due_on: e.due_on })?;
    file(view, &keys(&[class_audience(e.class_or_group)], &item), &item)
}

/// The filed entry of a homework, where it is filed, taken out of its months.
fn take_homework(view: &mut DocView<'_>, id: Uuid) -> Result<Option<AgendaItem>, ApplyError> {
    let Some(at) = view.get_as::<HomeworkRef>(HOMEWORK, id)? else { return Ok(None) };
    let key = month_key(&class_audience(at.class_or_group), &at.due_on.format("%Y-%m").to_string());
    let item = filed(view, &key, EntryKind::Homework, id)?;
    unfile(view, &[key], EntryKind::Homework, id)?;
    Ok(item)
}

fn homework_edited(view: &mut DocView<'_>, at: DateTime<Utc>, e: &HomeworkEdited) -> Result<(), ApplyError> {
    let Some(mut item) = take_homework(view, e.homework_id)? else { return Ok(()) };
    item.start = day_start(e.due_on);
    item.end = day_start(e.due_on + Duration::days(1));
    item.description = Some(e.description.clone());
    item.sequence += 1;
    item.updated_at = at;
    view.put(HOMEWORK, e.homework_id, &HomeworkRef { class_or_group: e.class_or_group, due_on: e.due_on })?;
    file(view, &keys(&[class_audience(e.class_or_group)], &item), &item)
}

fn homework_cancelled(view: &mut DocView<'_>, at: DateTime<Utc>, e: &HomeworkCancelled) -> Result<(), ApplyError> {
    let Some(mut item) = take_homework(view, e.homework_id)? else { return Ok(()) };
    item.cancelled = true;
    item.sequence += 1;
    item.updated_at = at;
    file(view, &keys(&[class_audience(e.class_or_group)], &item), &item)
}

fn event_item(doc: &SchoolEventDoc) -> AgendaItem {
    AgendaItem {
        kind: EntryKind::SchoolEvent,
        id: doc.event_id,
        structure: doc.structure.clone(),
        title: doc.title.clone(),
        start: doc.from,
        end: doc.to,
        all_day: false,
        description: doc.description.clone(),
        location: doc.location.clone(),
        subject: None,
        subject_name: None,
        class_or_group: None,
        class_or_group_name: None,
        teacher: None,
        teacher_name: None,
        cancelled: doc.cancelled,
        sequence: doc.sequence,
        updated_at: doc.updated_at,
    }
}

fn event_keys(doc: &SchoolEventDoc) -> Vec<String> {
    keys(&event_audiences(&doc.structure, &doc.audience), &event_item(doc))
}

fn school_event_created(view: &mut DocView<'_>, r: &RecordedEvent, e: &SchoolEventCreated) -> Result<(), ApplyError> {
    let doc = SchoolEventDoc {
        event_id: e.event_id,
        structure: e.structure.clone(),
        title: e.title.clone(),
        description: e.description.clone(),
        from: e.from,
        to: e.to,
        location: e.location.clone(),
        audience: e.audience.clone(),
        audience_names: Vec::new(),
        cancelled: false,
        cancel_reason: None,
        sequence: 0,
        created_by: r.actor.clone(),
        updated_at: r.recorded_at,
    };
    file(view, &event_keys(&doc), &event_item(&doc))?;
    view.insert(EVENTS, event_key(&e.structure, e.event_id), doc)
}

fn school_event_updated(view: &mut DocView<'_>, at: DateTime<Utc>, e: &SchoolEventUpdated) -> Result<(), ApplyError> {
    let Some(mut doc) = view.get_as::<SchoolEventDoc>(EVENTS, event_key(&e.structure, e.event_id))? else { return Ok(()) };
    let before = event_keys(&doc);
    doc.title = e.title.clone();
    doc.description = e.description.clone();
    doc.from = e.from;
    doc.to = e.to;
    doc.location = e.location.clone();
    doc.audience = e.audience.clone();
    doc.sequence = e.sequence;
    doc.updated_at = at;
    let after = event_keys(&doc);
    let gone: Vec<String> = before.into_iter().filter(|k| !after.contains(k)).collect();
    unfile(view, &gone, EntryKind::SchoolEvent, e.event_id)?;
    file(view, &after, &event_item(&doc))?;
    view.insert(EVENTS, event_key(&e.structure, e.event_id), doc)
}

fn school_event_cancelled(view: &mut DocView<'_>, at: DateTime<Utc>, e: &SchoolEventCancelled) -> Result<(), ApplyError> {
    let Some(mut doc) = view.get_as::<SchoolEventDoc>(EVENTS, event_key(&e.structure, e.event_id))? else { return Ok(()) };
    doc.cancelled = true;
    doc.cancel_reason = e.reason.clone();
    doc.sequence = e.sequence;
    doc.updated_at = at;
    file(view, &event_keys(&doc), &event_item(&doc))?;
    view.insert(EVENTS, event_key(&e.structure, e.event_id), doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::DocCache;
    use ent_domain::agenda::events::SchoolEventCreated;

    fn recorded(at: &str) -> RecordedEvent {
        RecordedEvent {
            event_id: Uuid::new_v4(),
            stream: "0751234A/school-event/x".into(),
            version: 0,
            position: 1,
            event_type: "X".into(),
            schema_version: 1,
            recorded_at: at.parse().unwrap(),
            actor: "system".into(),
            structure: "0751234A".into(),
            correlation_id: Uuid::nil(),
            causation_id: Uuid::nil(),
            payload: serde_json::Value::Null,
        }
    }

    fn dt(s: &str) -> NaiveDateTime {
        s.parse().unwrap()
    }

    fn items(committed: &mut DocCache, batch: &mut DocCache, key: &str) -> Vec<AgendaItem> {
        let view = DocView::new(committed, batch, true);
        view.get_as::<MonthDoc>(MONTHS, key).unwrap().map(|d| d.items).unwrap_or_default()
    }

    #[test]
    fn school_event_moved_to_another_month_and_class_leaves_its_old_place() {
        let (mut committed, mut batch) = (DocCache::default(), DocCache::default());
        let (a, b, id) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let created = Event::SchoolEventCreated(SchoolEventCreated {
            event_id: id,
            structure: "0751234A".into(),
            title: "Sortie".into(),
            description: None,
            from: dt("2026-10-30T08:00:00"),
            to: dt("2026-11-02T18:00:00"),
            location: None,
            audience: Audience::Classes(vec![a]),
        });
        let updated = Event::SchoolEventUpdated(SchoolEventUpdated {
            event_id: id,
            structure: "0751234A".into(),
            title: "Sortie".into(),
            description: None,
            from: dt("2026-12-03T08:00:00"),
            to: dt("2026-12-03T18:00:00"),
            location: None,
            audience: Audience::Classes(vec![b]),
            sequence: 1,
        });
        {
            let mut view = DocView::new(&mut committed, &mut batch, true);
            AgendaProjection.apply(&mut view, &recorded("2026-10-01T08:00:00Z"), &created).unwrap();
        }
        // A trip over two months is in both.
        assert_eq!(items(&mut committed, &mut batch, &format!("c:{a}/2026-10")).len(), 1);
        assert_eq!(items(&mut committed, &mut batch, &format!("c:{a}/2026-11")).len(), 1);
        {
            let mut view = DocView::new(&mut committed, &mut batch, true);
            AgendaProjection.apply(&mut view, &recorded("2026-10-02T08:00:00Z"), &updated).unwrap();
        }
        assert!(items(&mut committed, &mut batch, &format!("c:{a}/2026-10")).is_empty());
        assert!(items(&mut committed, &mut batch, &format!("c:{a}/2026-11")).is_empty());
        assert!(items(&mut committed, &mut batch, "staff:0751234A/2026-10").is_empty());
        let moved = items(&mut committed, &mut batch, &format!("c:{b}/2026-12"));
        assert_eq!(moved.len(), 1);
        assert_eq!(moved[0].sequence, 1);
        assert_eq!(items(&mut committed, &mut batch, "staff:0751234A/2026-12").len(), 1);
    }

    #[test]
    fn entry_ending_at_midnight_is_not_filed_in_the_next_month() {
        let item = AgendaItem {
            kind: EntryKind::Homework,
            id: Uuid::nil(),
            structure: String::new(),
            title: String::new(),
            start: dt("2026-10-31T00:00:00"),
            end: dt("2026-11-01T00:00:00"),
            all_day: true,
            description: None,
            location: None,
            subject: None,
            subject_name: None,
            class_or_group: None,
            class_or_group_name: None,
            teacher: None,
            teacher_name: None,
            cancelled: false,
            sequence: 0,
            updated_at: Utc::now(),
        };
        assert_eq!(item_months(&item), vec!["2026-10"]);
    }
}
