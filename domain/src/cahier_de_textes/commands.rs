//! Commands of the cahier de textes (lesson log and homework).

use chrono::{NaiveDate, NaiveTime};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A document attached to a lesson (a link, or a file of the workspace by its URL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    pub name: String,
    pub url: String,
}

/// Log what was done in a lesson of a class or group.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogLesson {
    /// Id of the new lesson entry, chosen by the client (e.g. one that works offline); generated when
    /// absent. An id already in use is refused (422 naming this field).
    #[serde(default)]
    pub lesson_id: Option<Uuid>,
    pub class_or_group: Uuid,
    pub subject: Uuid,
    pub date: NaiveDate,
    /// Start of the slot (`HH:MM`).
    pub start: NaiveTime,
    /// End of the slot (`HH:MM`).
    pub end: NaiveTime,
    pub title: String,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

/// Change a logged lesson; absent fields keep their value.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EditLesson {
    pub lesson: Uuid,
    #[serde(default)]
    pub date: Option<NaiveDate>,
    #[serde(default)]
    pub start: Option<NaiveTime>,
    #[serde(default)]
    pub end: Option<NaiveTime>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub attachments: Option<Vec<Attachment>>,
}

/// Give homework to a class or group.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignHomework {
    /// Id of the new homework, chosen by the client (e.g. one that works offline); generated when
    /// absent. An id already in use is refused (422 naming this field).
    #[serde(default)]
    pub homework_id: Option<Uuid>,
    pub class_or_group: Uuid,
    pub subject: Uuid,
    pub given_on: NaiveDate,
    /// On or after `given_on`.
    pub due_on: NaiveDate,
    pub description: String,
    /// Expected work time, 0..=600 minutes.
    #[serde(default)]
    pub estimated_minutes: Option<u32>,
}

/// Change homework; absent fields keep their value.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EditHomework {
    pub homework: Uuid,
    #[serde(default)]
    pub due_on: Option<NaiveDate>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub estimated_minutes: Option<u32>,
}

/// Withdraw homework (it stays in the history).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelHomework {
    pub homework: Uuid,
    #[serde(default)]
    pub reason: Option<String>,
}

/// The direction (or an inspector) stamps a teacher's cahier de textes for a class and subject.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VisaCahier {
    pub teacher: Uuid,
    pub class_or_group: Uuid,
    pub subject: Uuid,
    #[serde(default)]
    pub comment: Option<String>,
}
