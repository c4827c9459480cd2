//! Events of the cahier de textes. Edits carry the entry's whole new content, so that the
//! history of an entry is the list of its events.

use chrono::{NaiveDate, NaiveTime};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::commands::Attachment;

/// A lesson was logged. Stream: `<uai>/lesson/<lesson_id>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LessonLogged {
    pub lesson_id: Uuid,
    pub structure: String,
    pub class_or_group: Uuid,
    pub subject: Uuid,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub title: String,
    pub content: String,
    pub attachments: Vec<Attachment>,
}

/// A lesson entry was changed; this is its new content. Stream: the lesson's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LessonEdited {
    pub lesson_id: Uuid,
    pub class_or_group: Uuid,
    pub subject: Uuid,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub title: String,
    pub content: String,
    pub attachments: Vec<Attachment>,
}

/// Homework was given. Stream: `<uai>/homework/<homework_id>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HomeworkAssigned {
    pub homework_id: Uuid,
    pub structure: String,
    pub class_or_group: Uuid,
    pub subject: Uuid,
    pub given_on: NaiveDate,
    pub due_on: NaiveDate,
    pub description: String,
    pub estimated_minutes: Option<u32>,
}

/// Homework was changed; this is its new content. Stream: the homework's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HomeworkEdited {
    pub homework_id: Uuid,
    pub class_or_group: Uuid,
    pub subject: Uuid,
    pub given_on: NaiveDate,
    pub due_on: NaiveDate,
    pub description: String,
    pub estimated_minutes: Option<u32>,
}

/// Homework was withdrawn. Stream: the homework's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HomeworkCancelled {
    pub homework_id: Uuid,
    pub class_or_group: Uuid,
    pub subject: Uuid,
    pub reason: Option<String>,
}

/// A teacher's cahier de textes for a class and subject was stamped (visa) by the direction or
/// an inspector (the actor of the event). Stream: `<uai>/cahier/<class_or_group>_<subject>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CahierVisaed {
    pub structure: String,
    pub teacher: Uuid,
    pub class_or_group: Uuid,
    pub subject: Uuid,
    pub comment: Option<String>,
}
