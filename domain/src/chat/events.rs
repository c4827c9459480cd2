//! Events of the instant messaging.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a room gathers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoomKind {
    /// The pupils of a class, its teachers, and the direction and CPE of the structure.
    Class,
    /// The pupils of a group, its teachers, and the direction and CPE of the structure.
    Group,
    /// An explicit list of people.
    AdHoc,
}

/// A chat room was opened. Stream: `<uai>/chat-room/<room_id>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ChatRoomOpened {
    pub room_id: Uuid,
    pub structure: String,
    pub kind: RoomKind,
    /// The class or group of a class or group room.
    pub class_or_group: Option<Uuid>,
    pub title: String,
    /// The members of an ad hoc room, the opener first (empty for class and group rooms).
    pub members: Vec<Uuid>,
}

/// A message was posted in a room. Stream: the room's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ChatMessagePosted {
    pub room_id: Uuid,
    pub structure: String,
    pub message_id: Uuid,
    pub author: Uuid,
    pub body: String,
}
