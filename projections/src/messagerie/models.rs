//! Documents of the messagerie read model.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use ent_domain::messagerie::commands::Addressee;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Entries per page of a mailbox.
pub const PAGE_SIZE: u64 = 64;

/// `message/<id>`: a message as sent, once for all its recipients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MessageDoc {
    pub id: Uuid,
    pub structure: String,
    pub from: Uuid,
    pub addressed_to: Vec<Addressee>,
    pub addressed_cc: Vec<Addressee>,
    pub to: Vec<Uuid>,
    pub cc: Vec<Uuid>,
    pub subject: String,
    pub body: String,
    pub sent_at: DateTime<Utc>,
    pub reply_to: Option<Uuid>,
    pub thread: Uuid,
    pub list: Option<Uuid>,
    /// The normalised search terms of subject and body (`ent_domain::messagerie::search`).
    pub terms: Vec<String>,
    /// Each participant's entry number in their mailbox.
    pub slots: BTreeMap<Uuid, u64>,
}

/// The number of messages and of unread ones in a folder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FolderCount {
    pub total: u64,
    pub unread: u64,
}

/// A folder a user created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FolderDoc {
    pub id: Uuid,
    pub name: String,
}

/// A draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DraftDoc {
    pub id: Uuid,
    pub to: Vec<Addressee>,
    pub cc: Vec<Addressee>,
    pub subject: String,
    pub body: String,
    pub reply_to: Option<Uuid>,
    pub saved_at: DateTime<Utc>,
}

/// `mailbox/<user>`: a user's folders with their counts (by folder key: `inbox`, `sent`,
/// `trash` or a folder id), drafts, and the number of entries ever filed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MailboxDoc {
    pub user: Uuid,
    pub structure: String,
    pub next: u64,
    pub folders: Vec<FolderDoc>,
    pub counts: BTreeMap<String, FolderCount>,
    pub drafts: Vec<DraftDoc>,
}

/// One message in a user's mailbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EntryDoc {
    pub seq: u64,
    pub message: Uuid,
    pub from: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_name: Option<String>,
    pub subject: String,
    pub at: DateTime<Utc>,
    /// `inbox` for a message received, `sent` for one sent.
    pub base: String,
    /// Where it is now: `inbox`, `sent`, `trash` or a folder id.
    pub folder: String,
    pub read: bool,
    pub deleted_at: Option<DateTime<Utc>>,
    pub thread: Uuid,
    pub list: Option<Uuid>,
}

/// `page/<user>/<n>`: entries `n * PAGE_SIZE ..` of a mailbox, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PageDoc {
    pub entries: Vec<EntryDoc>,
}

/// `thread/<first message>`: the messages of a thread, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ThreadDoc {
    pub messages: Vec<Uuid>,
}

/// `list/<id>`: a mailing list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MailingListDoc {
    pub id: Uuid,
    pub structure: String,
    pub name: String,
    pub bound_to: Addressee,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bound_to_name: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A folder as a mailbox shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FolderView {
    /// `inbox`, `sent`, `trash` or the folder's id.
    pub key: String,
    pub name: String,
    pub total: u64,
    pub unread: u64,
}

/// A user's mailbox: the folders with their counts, and the drafts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MailboxView {
    pub user: Uuid,
    pub folders: Vec<FolderView>,
    pub drafts: Vec<DraftDoc>,
}

/// One page of a folder, newest first; `before` continues it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FolderPage {
    pub folder: String,
    pub entries: Vec<EntryDoc>,
    /// Pass as `before` for the next, older page; absent at the end.
    pub before: Option<u64>,
}

/// A person named in a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Person {
    pub id: Uuid,
    pub name: Option<String>,
}

/// A message as its reader sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MessageView {
    pub id: Uuid,
    pub from: Person,
    pub to: Vec<Person>,
    pub cc: Vec<Person>,
    pub subject: String,
    /// Sanitised HTML.
    pub body: String,
    pub sent_at: DateTime<Utc>,
    pub reply_to: Option<Uuid>,
    pub thread: Uuid,
    pub list: Option<Uuid>,
    /// Where it is in the reader's mailbox and whether they read it.
    pub folder: String,
    pub read: bool,
}
