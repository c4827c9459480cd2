//! Documents of the chat read model.

use chrono::{DateTime, Utc};
use ent_domain::chat::events::{ChatRoomOpened, RoomKind};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A room as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoomDoc {
    pub opened: ChatRoomOpened,
    pub messages: u64,
    pub last_at: Option<DateTime<Utc>>,
    /// The position of the first message of each page, in order.
    pub page_starts: Vec<u64>,
}

/// One page of a room's messages, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MessagePage {
    pub messages: Vec<ChatMessage>,
}

/// The pupils of a group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupMembers {
    pub members: Vec<Uuid>,
}

/// The rooms of a structure, by id (the list a reader's rooms are picked from).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StructureRooms {
    pub rooms: Vec<Uuid>,
}

/// A message of a room.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChatMessage {
    pub message_id: Uuid,
    pub room_id: Uuid,
    /// Position of the message in the global log: what history pages by.
    pub position: u64,
    pub author: Uuid,
    /// Filled in by queries (never stored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    pub body: String,
    pub at: DateTime<Utc>,
}

/// A member of an ad hoc room.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RoomMember {
    pub id: Uuid,
    pub name: Option<String>,
}

/// A room as a reader sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RoomSummary {
    pub room_id: Uuid,
    pub kind: RoomKind,
    pub title: String,
    pub class_or_group: Option<Uuid>,
    pub class_or_group_name: Option<String>,
    /// The members of an ad hoc room (a class or group room's come from the directory).
    pub members: Vec<RoomMember>,
    pub messages: u64,
    pub last_at: Option<DateTime<Utc>>,
}

/// A page of a room's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MessagesPage {
    pub room: RoomSummary,
    /// Oldest first.
    pub messages: Vec<ChatMessage>,
    /// The `before` of the previous page, when there are older messages.
    pub next_before: Option<u64>,
}
