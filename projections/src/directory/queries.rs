//! Directory queries, with who may read what (BRIEF §1): members see their structure's tree;
//! staff and the class's teachers see rosters; a card is seen by its owner, the staff of its
//! structure, the parents of a pupil and the pupil's teachers. Rights are checked against the
//! structure of the resource read; what the caller may not read is answered as not found.

use ent_domain::Actor;
use ent_domain::directory::Profile;
use uuid::Uuid;

use super::NAME;
use super::fold::{ROSTERS, STRUCTURES, USERS};
use super::models::*;
use crate::error::QueryError;
use crate::store::ReadModelStore;

async fn get<T: serde::de::DeserializeOwned>(store: &dyn ReadModelStore, collection: &str, key: &str) -> Result<Option<T>, QueryError> {
    match store.get(NAME, collection, key).await? {
        Some(doc) => Ok(Some(serde_json::from_value(doc)?)),
        None => Ok(None),
    }
}

/// The structure tree of `uai`, for any member of that structure.
pub async fn structure_tree(store: &dyn ReadModelStore, actor: &Actor, uai: &str) -> Result<StructureTree, QueryError> {
    let uai = uai.to_ascii_uppercase();
    if !actor.belongs_to(&uai) {
        return Err(QueryError::not_found("structure"));
    }
    get(store, STRUCTURES, &uai).await?.ok_or_else(|| QueryError::not_found("structure"))
}

/// The roster of a class or group, for its structure's staff and its teachers.
pub async fn class_roster(store: &dyn ReadModelStore, actor: &Actor, id: Uuid) -> Result<ClassRoster, QueryError> {
    let roster: ClassRoster = get(store, ROSTERS, &id.to_string()).await?.ok_or_else(|| QueryError::not_found("class"))?;
    let teaches = actor.user().is_some_and(|u| u.structure == roster.structure && u.teaches_class(id));
    if actor.is_staff_of(&roster.structure) || teaches { Ok(roster) } else { Err(QueryError::not_found("class")) }
}

/// The card of user `id`.
pub async fn user_card(store: &dyn ReadModelStore, actor: &Actor, id: Uuid) -> Result<UserCard, QueryError> {
    let card: UserCard = get(store, USERS, &id.to_string()).await?.ok_or_else(|| QueryError::not_found("user"))?;
    let allowed = actor.is_staff_of(&card.structure)
        || actor.user().is_some_and(|u| {
            u.user_id == id
                || u.children.contains(&id)
                || (u.profile == Some(Profile::Enseignant) && card.class.as_ref().is_some_and(|c| u.teaches_class(c.id)))
        });
    if allowed { Ok(card) } else { Err(QueryError::not_found("user")) }
}

/// The caller's own card.
pub async fn me(store: &dyn ReadModelStore, actor: &Actor) -> Result<UserCard, QueryError> {
    let user = actor.user().ok_or_else(|| QueryError::NotFound("user".into()))?;
    get(store, USERS, &user.user_id.to_string()).await?.ok_or_else(|| QueryError::NotReady("your card is not projected yet".into()))
}

/// "My children": the pupils linked to the calling parent.
pub async fn my_children(store: &dyn ReadModelStore, actor: &Actor) -> Result<Vec<ChildRef>, QueryError> {
    if actor.user().and_then(|u| u.profile) != Some(Profile::Parent) {
        return Err(QueryError::Forbidden("only parents have children here".into()));
    }
    Ok(me(store, actor).await?.children)
}

/// "My classes": the calling teacher's assignments.
pub async fn my_classes(store: &dyn ReadModelStore, actor: &Actor) -> Result<Vec<AssignmentRef>, QueryError> {
    if actor.user().and_then(|u| u.profile) != Some(Profile::Enseignant) {
        return Err(QueryError::Forbidden("only teachers have classes here".into()));
    }
    Ok(me(store, actor).await?.assignments)
}
