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
use crate::source::{StoreSource, get_as, list_as};
use crate::store::ReadModelStore;

fn src(store: &dyn ReadModelStore) -> StoreSource<'_> {
    StoreSource { store, projection: NAME }
}

async fn membership(store: &dyn ReadModelStore, pupil: Uuid) -> Result<Membership, QueryError> {
    Ok(get_as::<Membership>(&src(store), MEMBERSHIPS, &pupil.to_string()).await?.unwrap_or_default())
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
    let doc = get_as::<CahierDoc>(&src(store), CAHIERS, &cahier_key(class_or_group, subject))
        .await?
        .ok_or_else(|| QueryError::not_found("cahier"))?;
    if may_read(store, actor, &doc.structure, class_or_group).await? { Ok(doc) } else { Err(QueryError::not_found("cahier")) }
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
    Ok(feed
        .read_stream(&stream.to_string())
        .await?
        .into_iter()
        .map(|r| EntryVersion { change: r.event_type, at: r.recorded_at, author: r.actor, content: r.payload })
        .collect())
}
