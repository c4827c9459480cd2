//! How chat events (and the directory's groups) fold into rooms and pages of messages.

use ent_domain::{Event, RecordedEvent};
use uuid::Uuid;

use super::models::*;
use super::{NAME, PAGE};
use crate::docs::DocView;
use crate::error::ApplyError;
use crate::projection::Projection;

pub(crate) const ROOMS: &str = "room";
pub(crate) const PAGES: &str = "page";
pub(crate) const GROUPS: &str = "group";
pub(crate) const STRUCTURES: &str = "structure";

pub(crate) fn page_key(room: Uuid, index: usize) -> String {
    format!("{room}/{index:08}")
}

/// Folds rooms and messages.
pub struct ChatProjection;

impl Projection for ChatProjection {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "chat rooms, their messages in pages, group members"
    }

    fn apply(&self, view: &mut DocView<'_>, r: &RecordedEvent, event: &Event) -> Result<(), ApplyError> {
        match event {
            Event::GroupCreated(e) => view.put(GROUPS, e.group_id, &GroupMembers { members: e.members.clone() }),
            Event::ChatRoomOpened(e) => {
                view.put(ROOMS, e.room_id, &RoomDoc { opened: e.clone(), messages: 0, last_at: None, page_starts: Vec::new() })?;
                view.upsert(STRUCTURES, &e.structure, StructureRooms::default, |s: &mut StructureRooms| {
                    if !s.rooms.contains(&e.room_id) {
                        s.rooms.push(e.room_id);
                    }
                })
            }
            Event::ChatMessagePosted(e) => {
                let Some(index) = view.modify(ROOMS, e.room_id, |room: &mut RoomDoc| {
                    let index = (room.messages as usize) / PAGE;
                    if index == room.page_starts.len() {
                        room.page_starts.push(r.position);
                    }
                    room.messages += 1;
                    room.last_at = Some(r.recorded_at);
                    index
                })?
                else {
                    return Ok(());
                };
                let message = ChatMessage {
                    message_id: e.message_id,
                    room_id: e.room_id,
                    position: r.position,
                    author: e.author,
                    author_name: None,
                    body: e.body.clone(),
                    at: r.recorded_at,
                };
                view.upsert(PAGES, page_key(e.room_id, index), MessagePage::default, |p: &mut MessagePage| p.messages.push(message))
            }
            _ => Ok(()),
        }
    }
}
