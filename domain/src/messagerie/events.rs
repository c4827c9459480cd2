//! Events of the messagerie.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::commands::Addressee;

/// A message was sent. Its recipients are frozen here, classes and groups expanded; the body is
/// the sanitised HTML. Stream: `<uai>/message/<message_id>` (one append whatever the fan-out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MessageSent {
    pub message_id: Uuid,
    pub structure: String,
    pub from: Uuid,
    /// The addresses as written.
    pub addressed_to: Vec<Addressee>,
    pub addressed_cc: Vec<Addressee>,
    /// The people it was delivered to, in order, without duplicates.
    pub to: Vec<Uuid>,
    pub cc: Vec<Uuid>,
    pub subject: String,
    pub body: String,
    pub reply_to: Option<Uuid>,
    /// The first message of the thread (this one when it answers nothing).
    pub thread: Uuid,
    /// The mailing list it was posted to.
    pub list: Option<Uuid>,
}

/// A draft was saved (its whole content). Stream: the owner's mailbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DraftSaved {
    pub owner: Uuid,
    pub draft_id: Uuid,
    pub to: Vec<Addressee>,
    pub cc: Vec<Addressee>,
    pub subject: String,
    pub body: String,
    pub reply_to: Option<Uuid>,
}

/// A draft was sent or thrown away. Stream: the owner's mailbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DraftDiscarded {
    pub owner: Uuid,
    pub draft_id: Uuid,
}

/// A user marked a message read. Stream: their mailbox (`<uai>/mailbox/<user>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MessageRead {
    pub user: Uuid,
    pub message: Uuid,
}

/// A user marked a message unread. Stream: their mailbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MessageUnread {
    pub user: Uuid,
    pub message: Uuid,
}

/// A user moved a message to a folder (`None`: their inbox or sent box; out of the trash).
/// Stream: their mailbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MessageMoved {
    pub user: Uuid,
    pub message: Uuid,
    pub folder: Option<Uuid>,
}

/// A user created a mail folder. Stream: their mailbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MailFolderCreated {
    pub user: Uuid,
    pub folder_id: Uuid,
    pub name: String,
}

/// A user put a message in their trash, at `at`. Stream: their mailbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MessageDeleted {
    pub user: Uuid,
    pub message: Uuid,
    pub at: DateTime<Utc>,
}

/// The retention job purged messages from a user's trash (30 days after their deletion).
/// Stream: their mailbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MessagesPurged {
    pub user: Uuid,
    pub messages: Vec<Uuid>,
}

/// A mailing list was created. Stream: `<uai>/mailing-list/<list_id>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MailingListCreated {
    pub list_id: Uuid,
    pub structure: String,
    pub name: String,
    pub bound_to: Addressee,
}
