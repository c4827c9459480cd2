//! Commands of the instant messaging.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Open a chat room: the room of a class or group (`class_or_group`, no `members`: its members
/// are read from the directory whenever they are checked) or an ad hoc room between the opener
/// and `members`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenChatRoom {
    /// Id of an ad hoc room, chosen by the client; generated when absent. The room of a class or
    /// group has the class's or group's id. An id already in use is refused (422 naming it).
    #[serde(default)]
    pub room_id: Option<Uuid>,
    /// The class or group whose room this is (absent for an ad hoc room).
    #[serde(default)]
    pub class_or_group: Option<Uuid>,
    /// Title shown in the list of rooms (a class's or group's room defaults to its name).
    #[serde(default)]
    pub title: Option<String>,
    /// The other members of an ad hoc room (the opener is a member too), 1 to 50 people.
    #[serde(default)]
    pub members: Vec<Uuid>,
}

/// Post a message in a chat room the author is a member of.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PostChatMessage {
    pub room: Uuid,
    /// Id of the message, chosen by the client; generated when absent.
    #[serde(default)]
    pub message_id: Option<Uuid>,
    /// Plain text, 1 to 4000 characters.
    pub body: String,
}
