//! Cahier de textes queries and who may read them: the staff of the structure, the teachers of
//! the class or group, its pupils and their parents, inspectors. Rights are checked against the
//! structure of the cahier, pupil or teacher read; what the caller may not read is answered as
//! not found.

use chrono::NaiveDate;
use ent_domain::Actor;
use ent_domain::cahier_de_textes::entries::{HomeworkState, LessonState};
use ent_domain::directory::Profile;
use uuid::Uuid;

use super::NAME;
use super::fold::{CAHIERS, ENTRIES, MEMBERSHIPS, cahier_key};
use super::models::*;
use crate::directory::UserCard;
use crate::error::QueryError;
use crate::feed::EventFeed;
use crate::names::{Names, actor_ids};
use crate::source::{StoreSource, get_as, list_as};
use crate::store::ReadModelStore;

fn src(store: &dyn ReadModelStore) -> StoreSource<'_> {
    StoreSource { store, projection: NAME }
}

async fn membership(store: &dyn ReadModelStore, pupil: Uuid) -> Result<Membership, QueryError> {
    Ok(get_as::<Membership>(&src(store), MEMBERSHIPS, &pupil.to_string()).await?.unwrap_or_default())
}

/// The people a cahier names: the authors of its entries, the teachers and givers of its visas.
fn people_of(doc: &CahierDoc) -> Vec<Uuid> {
    let mut ids = actor_ids(doc.lessons.iter().map(|l| l.author.as_str()).chain(doc.homework.iter().map(|h| h.author.as_str())));
    ids.extend(actor_ids(doc.visas.iter().map(|v| v.by.as_str())));
    ids.extend(doc.visas.iter().map(|v| v.teacher));
    ids
}

/// Fills in the names next to the ids of a cahier.
fn name_cahier(doc: &mut CahierDoc, names: &Names) {
    doc.class_or_group_name = names.class_or_group(doc.class_or_group);
    doc.subject_name = names.subject(doc.subject);
    for l in &mut doc.lessons {
        l.author_name = names.actor(&l.author);
    }
    for h in &mut doc.homework {
        name_homework(h, names);
    }
    for v in &mut doc.visas {
        v.teacher_name = names.person(v.teacher);
        v.by_name = names.actor(&v.by);
    }
}

/// Fills in the subject, class or group and author names of homework.
fn name_homework(h: &mut HomeworkEntry, names: &Names) {
    h.subject_name = names.subject(h.subject);
    h.class_or_group_name = names.class_or_group(h.class_or_group);
    h.author_name = names.actor(&h.author);
}

/// The directory card of a pupil; any other id is not found.
async fn pupil_card(store: &dyn ReadModelStore, pupil: Uuid) -> Result<UserCard, QueryError> {
    let dir = StoreSource { store, projection: crate::directory::NAME };
    get_as::<UserCard>(&dir, "user", &pupil.to_string())
        .await?
        .filter(|c| c.profile == Profile::Eleve)
        .ok_or_else(|| QueryError::not_found("pupil"))
}

/// Whether the actor may read the cahier of `class_or_group` in `structure`.
async fn may_read(store: &dyn ReadModelStore, actor: &Actor, structure: &str, class_or_group: Uuid) -> Result<bool, QueryError> {
    // Inspectors read the cahiers of every structure: reading them is what a visa is given on.
    if actor.is_staff_of(structure) || actor.is_inspector() {
        return Ok(true);
    }
    let Some(u) = actor.user() else { return Ok(false) };
    if u.structure != structure {
        return Ok(false);
    }
    if u.profile == Some(Profile::Enseignant) && u.teaches_class(class_or_group) {
        return Ok(true);
    }
    let mut pupils: Vec<Uuid> = u.children.iter().copied().collect();
    if u.profile == Some(Profile::Eleve) {
        pupils.push(u.user_id);
    }
    for p in pupils {
        let m = membership(store, p).await?;
        if m.class == Some(class_or_group) || m.groups.contains(&class_or_group) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The cahier of a class or group in a subject: lessons and homework, newest first.
pub async fn cahier(store: &dyn ReadModelStore, actor: &Actor, class_or_group: Uuid, subject: Uuid) -> Result<CahierDoc, QueryError> {
    let mut doc = get_as::<CahierDoc>(&src(store), CAHIERS, &cahier_key(class_or_group, subject))
        .await?
        .ok_or_else(|| QueryError::not_found("cahier"))?;
    if !may_read(store, actor, &doc.structure, class_or_group).await? {
        return Err(QueryError::not_found("cahier"));
    }
    let names = Names::load(store, &doc.structure, people_of(&doc)).await?;
    name_cahier(&mut doc, &names);
    Ok(doc)
}

/// A pupil's homework to do (not cancelled, due on or after `from`), by due date.
pub async fn homework_to_do(
    store: &dyn ReadModelStore,
    actor: &Actor,
    pupil: Uuid,
    from: NaiveDate,
) -> Result<Vec<HomeworkEntry>, QueryError> {
    let card = pupil_card(store, pupil).await?;
    let own = actor.user().is_some_and(|u| u.user_id == pupil || u.children.contains(&pupil));
    if !own && !actor.is_staff_of(&card.structure) {
        return Err(QueryError::not_found("pupil"));
    }
    let m = membership(store, pupil).await?;
    let mut homework = Vec::new();
    for cog in m.class.iter().chain(m.groups.iter()) {
        for doc in list_as::<CahierDoc>(&src(store), CAHIERS, &format!("{cog}/")).await? {
            homework.extend(doc.homework.into_iter().filter(|h| !h.cancelled && h.due_on >= from));
        }
    }
    homework.sort_by_key(|h| (h.due_on, h.given_on, h.id));
    let names = Names::load(store, &card.structure, actor_ids(homework.iter().map(|h| h.author.as_str()))).await?;
    for h in &mut homework {
        name_homework(h, &names);
    }
    Ok(homework)
}

/// A teacher's cahiers (one per assignment), for the teacher and the staff.
pub async fn teacher_cahiers(store: &dyn ReadModelStore, actor: &Actor, teacher: Uuid) -> Result<Vec<CahierDoc>, QueryError> {
    let dir = StoreSource { store, projection: crate::directory::NAME };
    let card = get_as::<UserCard>(&dir, "user", &teacher.to_string())
        .await?
        .filter(|c| c.profile == Profile::Enseignant)
        .ok_or_else(|| QueryError::not_found("teacher"))?;
    let own = actor.user().is_some_and(|u| u.user_id == teacher);
    if !own && !actor.is_staff_of(&card.structure) && !actor.is_inspector() {
        return Err(QueryError::not_found("teacher"));
    }
    let mut docs = Vec::new();
    for a in &card.assignments {
        if let Some(doc) = get_as::<CahierDoc>(&src(store), CAHIERS, &cahier_key(a.class_or_group, a.subject_id)).await? {
            docs.push(doc);
        }
    }
    let names = Names::load(store, &card.structure, docs.iter().flat_map(people_of)).await?;
    for doc in &mut docs {
        name_cahier(doc, &names);
    }
    Ok(docs)
}

/// Every version of a lesson or homework entry, oldest first, with its author and time.
pub async fn entry_history(
    feed: &dyn EventFeed,
    store: &dyn ReadModelStore,
    actor: &Actor,
    id: Uuid,
) -> Result<Vec<EntryVersion>, QueryError> {
    let entry = get_as::<EntryRef>(&src(store), ENTRIES, &id.to_string()).await?.ok_or_else(|| QueryError::not_found("entry"))?;
    if !may_read(store, actor, &entry.structure, entry.class_or_group).await? {
        return Err(QueryError::not_found("entry"));
    }
    let stream = match entry.kind.as_str() {
        "lesson" => LessonState::stream(&entry.structure, id),
        _ => HomeworkState::stream(&entry.structure, id),
    };
    let recorded = feed.read_stream(&stream.to_string()).await?;
    let names = Names::load(store, &entry.structure, actor_ids(recorded.iter().map(|r| r.actor.as_str()))).await?;
    Ok(recorded
        .into_iter()
        .map(|r| EntryVersion {
            change: r.event_type,
            at: r.recorded_at,
            author_name: names.actor(&r.actor),
            author: r.actor,
            content: r.payload,
        })
        .collect())
}

/// Every cahier de textes of every structure, for inspectors (who read the cahiers of every
/// structure, docs/domain.md "Who sees what") and platform administrators; anyone else is
/// refused (403: the list names no resource).
pub async fn cahiers_to_inspect(store: &dyn ReadModelStore, actor: &Actor) -> Result<Vec<CahierSummary>, QueryError> {
    if !actor.is_inspector() && !actor.is_platform_admin() {
        return Err(QueryError::Forbidden("the list of cahiers de textes is for inspectors".into()));
    }
    let dir = StoreSource { store, projection: crate::directory::NAME };
    let mut out = Vec::new();
    let mut structures: std::collections::HashMap<String, Names> = std::collections::HashMap::new();
    for doc in list_as::<CahierDoc>(&src(store), CAHIERS, "").await? {
        let roster = get_as::<crate::directory::ClassRoster>(&dir, "roster", &doc.class_or_group.to_string()).await?;
        let teachers = roster.map(|r| r.teachers.into_iter().filter(|t| t.subject_id == doc.subject).collect()).unwrap_or_default();
        if !structures.contains_key(&doc.structure) {
            structures.insert(doc.structure.clone(), Names::load(store, &doc.structure, []).await?);
        }
        let Some(names) = structures.get(&doc.structure) else { continue };
        out.push(CahierSummary {
            structure: doc.structure.clone(),
            class_or_group: doc.class_or_group,
            class_or_group_name: names.class_or_group(doc.class_or_group),
            subject: doc.subject,
            subject_name: names.subject(doc.subject),
            teachers,
            lessons: doc.lessons.len(),
            homework: doc.homework.len(),
            last_visa: doc.visas.iter().map(|v| v.at).max(),
        });
    }
    out.sort_by(|a, b| {
        (&a.structure, &a.class_or_group_name, &a.subject_name).cmp(&(&b.structure, &b.class_or_group_name, &b.subject_name))
    });
    Ok(out)
}
