//! Commands of the messagerie and its mailing lists.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What an address names: one user, the members of a group, or the pupils of a class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AddresseeKind {
    User,
    Group,
    Class,
}

/// One address of a message, expanded into people when it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Addressee {
    pub kind: AddresseeKind,
    pub id: Uuid,
}

/// Send a message. Classes and groups are expanded into their members when it is sent and the
/// recipients are frozen in the event; every recipient is checked against the sender's
/// communication rules, and one refused recipient refuses the whole message.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMessage {
    /// Id of the new message, chosen by the client; generated when absent.
    #[serde(default)]
    pub message_id: Option<Uuid>,
    pub to: Vec<Addressee>,
    #[serde(default)]
    pub cc: Vec<Addressee>,
    pub subject: String,
    /// HTML; sanitised before it is stored (scripts, event handlers, `javascript:` URLs removed).
    pub body: String,
    /// Files of the workspace by id. The workspace is not available yet: a non-empty list is
    /// refused (422).
    #[serde(default)]
    pub attachments: Vec<Uuid>,
    /// The message this one answers (its thread).
    #[serde(default)]
    pub reply_to: Option<Uuid>,
    /// The draft this message sends (removed from the drafts).
    #[serde(default)]
    pub draft: Option<Uuid>,
}

/// Save (or overwrite) a draft. Nothing is checked against the rules until it is sent.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveDraft {
    /// The draft to overwrite, or the id of a new one (generated when absent).
    #[serde(default)]
    pub draft_id: Option<Uuid>,
    #[serde(default)]
    pub to: Vec<Addressee>,
    #[serde(default)]
    pub cc: Vec<Addressee>,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub reply_to: Option<Uuid>,
}

/// Throw a draft away.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiscardDraft {
    pub draft: Uuid,
}

/// Mark a message read in the actor's mailbox.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    pub message: Uuid,
}

/// Mark a message unread in the actor's mailbox.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkUnread {
    pub message: Uuid,
}

/// Move a message to one of the actor's folders (`null`: back to the inbox, or to the sent box
/// for a message the actor sent). Moving a message out of the trash restores it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveToFolder {
    pub message: Uuid,
    #[serde(default)]
    pub folder: Option<Uuid>,
}

/// Create a folder in the actor's mailbox.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMailFolder {
    #[serde(default)]
    pub folder_id: Option<Uuid>,
    pub name: String,
}

/// Put a message in the actor's trash: gone from their other views only; purged from the trash
/// by the retention job after 30 days.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteMessage {
    pub message: Uuid,
}

/// Create a mailing list bound to a class or a group of the structure.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMailingList {
    #[serde(default)]
    pub list_id: Option<Uuid>,
    pub structure: String,
    pub name: String,
    /// A class or a group (not a user).
    pub bound_to: Addressee,
}

/// Post to a mailing list: one message to every member, checked against the poster's rules.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PostToList {
    #[serde(default)]
    pub message_id: Option<Uuid>,
    pub list: Uuid,
    pub subject: String,
    pub body: String,
}

/// The retention job purges a user's trash of the messages deleted 30 days ago or more (the
/// system only).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PurgeTrash {
    pub user: Uuid,
}
