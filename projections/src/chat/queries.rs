//! Chat queries and who may read them: the members of a room, as `is_member` decides now
//! (docs/domain.md, "Chat"); a room the caller is not a member of is answered as not found.

use ent_domain::Actor;
use ent_domain::chat::events::{ChatRoomOpened, RoomKind};
use ent_domain::chat::rooms::is_member;
use uuid::Uuid;

use super::NAME;
use super::fold::{GROUPS, PAGES, ROOMS, STRUCTURES, page_key};
use super::models::*;
use crate::error::QueryError;
use crate::names::Names;
use crate::source::{StoreSource, get_as};
use crate::store::ReadModelStore;

/// Most messages in one page of history.
pub const MAX_LIMIT: usize = 100;

fn src(store: &dyn ReadModelStore) -> StoreSource<'_> {
    StoreSource { store, projection: NAME }
}

/// The pupils of a group room's group (empty for other rooms).
async fn group_members(store: &dyn ReadModelStore, room: &ChatRoomOpened) -> Result<Vec<Uuid>, QueryError> {
    match (room.kind, room.class_or_group) {
        (RoomKind::Group, Some(g)) => {
            Ok(get_as::<GroupMembers>(&src(store), GROUPS, &g.to_string()).await?.map(|g| g.members).unwrap_or_default())
        }
        _ => Ok(Vec::new()),
    }
}

/// Whether the actor is a member of the room now.
async fn member(store: &dyn ReadModelStore, actor: &Actor, room: &ChatRoomOpened) -> Result<bool, QueryError> {
    let Some(user) = actor.user() else { return Ok(false) };
    Ok(is_member(room, user, &group_members(store, room).await?))
}

/// A room the actor is a member of (not found otherwise).
async fn readable_room(store: &dyn ReadModelStore, actor: &Actor, room: Uuid) -> Result<RoomDoc, QueryError> {
    let doc = get_as::<RoomDoc>(&src(store), ROOMS, &room.to_string()).await?.ok_or_else(|| QueryError::not_found("room"))?;
    if member(store, actor, &doc.opened).await? { Ok(doc) } else { Err(QueryError::not_found("room")) }
}

fn summary(doc: &RoomDoc, names: &Names) -> RoomSummary {
    let o = &doc.opened;
    RoomSummary {
        room_id: o.room_id,
        kind: o.kind,
        title: o.title.clone(),
        class_or_group: o.class_or_group,
        class_or_group_name: o.class_or_group.and_then(|c| names.class_or_group(c)),
        members: o.members.iter().map(|id| RoomMember { id: *id, name: names.person(*id) }).collect(),
        messages: doc.messages,
        last_at: doc.last_at,
    }
}

/// The room as a live connection needs it, after checking the actor is a member: what it
/// gathers and, for a group room, the group's pupils.
pub async fn live_room(store: &dyn ReadModelStore, actor: &Actor, room: Uuid) -> Result<(ChatRoomOpened, Vec<Uuid>), QueryError> {
    let doc = readable_room(store, actor, room).await?;
    let members = group_members(store, &doc.opened).await?;
    Ok((doc.opened, members))
}

/// The rooms the actor is a member of, the latest active first.
pub async fn my_rooms(store: &dyn ReadModelStore, actor: &Actor) -> Result<Vec<RoomSummary>, QueryError> {
    let Some(user) = actor.user() else { return Err(QueryError::Forbidden("only people of a structure have chat rooms".into())) };
    let ids = get_as::<StructureRooms>(&src(store), STRUCTURES, &user.structure).await?.unwrap_or_default().rooms;
    let mut rooms = Vec::new();
    for id in ids {
        if let Some(doc) = get_as::<RoomDoc>(&src(store), ROOMS, &id.to_string()).await?
            && member(store, actor, &doc.opened).await?
        {
            rooms.push(doc);
        }
    }
    let people = rooms.iter().flat_map(|r| r.opened.members.iter().copied()).collect::<Vec<_>>();
    let names = Names::load(store, &user.structure, people).await?;
    let mut out: Vec<RoomSummary> = rooms.iter().map(|r| summary(r, &names)).collect();
    out.sort_by(|a, b| b.last_at.cmp(&a.last_at).then_with(|| a.title.cmp(&b.title)));
    Ok(out)
}

/// A page of a room's messages: the `limit` (1..=[`MAX_LIMIT`]) latest before position `before`
/// (all when absent), oldest first, with the authors' names.
pub async fn messages(
    store: &dyn ReadModelStore,
    actor: &Actor,
    room: Uuid,
    before: Option<u64>,
    limit: usize,
) -> Result<MessagesPage, QueryError> {
    let doc = readable_room(store, actor, room).await?;
    let limit = limit.clamp(1, MAX_LIMIT);
    let before = before.unwrap_or(u64::MAX);
    // The last page that starts before `before`, then older pages until `limit` is reached.
    let mut index = doc.page_starts.partition_point(|start| *start < before);
    let mut newest_first: Vec<ChatMessage> = Vec::new();
    let mut more = false;
    while index > 0 && !more {
        index -= 1;
        let page = get_as::<MessagePage>(&src(store), PAGES, &page_key(room, index)).await?.unwrap_or_default();
        for m in page.messages.into_iter().rev().filter(|m| m.position < before) {
            if newest_first.len() == limit {
                more = true;
                break;
            }
            newest_first.push(m);
        }
    }
    let more = more || (index > 0 && newest_first.len() == limit);
    newest_first.reverse();
    let mut messages = newest_first;
    let mut people: Vec<Uuid> = messages.iter().map(|m| m.author).collect();
    people.extend(doc.opened.members.iter().copied());
    let names = Names::load(store, &doc.opened.structure, people).await?;
    for m in &mut messages {
        m.author_name = names.person(m.author);
    }
    let next_before = if more { messages.first().map(|m| m.position) } else { None };
    Ok(MessagesPage { room: summary(&doc, &names), messages, next_before })
}
