//! Documents of the cahier de textes read model.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use ent_domain::cahier_de_textes::commands::Attachment;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A lesson as listed in a cahier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LessonEntry {
    pub id: Uuid,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub title: String,
    pub content: String,
    pub attachments: Vec<Attachment>,
    pub author: String,
    /// Filled in by queries (never stored), like every `*_name` here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    pub logged_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub edits: u32,
}

/// Homework as listed in a cahier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HomeworkEntry {
    pub id: Uuid,
    pub subject: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_name: Option<String>,
    pub class_or_group: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_or_group_name: Option<String>,
    pub given_on: NaiveDate,
    pub due_on: NaiveDate,
    pub description: String,
    pub estimated_minutes: Option<u32>,
    pub author: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    pub cancelled: bool,
    pub cancel_reason: Option<String>,
    pub edits: u32,
}

/// A visa of the cahier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VisaEntry {
    pub teacher: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teacher_name: Option<String>,
    pub by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_name: Option<String>,
    pub at: DateTime<Utc>,
    pub comment: Option<String>,
}

/// `cahier/<class_or_group>/<subject>`: lessons and homework, newest first, and visas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CahierDoc {
    pub structure: String,
    pub class_or_group: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_or_group_name: Option<String>,
    pub subject: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_name: Option<String>,
    pub lessons: Vec<LessonEntry>,
    pub homework: Vec<HomeworkEntry>,
    pub visas: Vec<VisaEntry>,
}

/// `entry/<id>`: where a lesson or homework lives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EntryRef {
    /// `lesson` or `homework`.
    pub kind: String,
    pub structure: String,
    pub class_or_group: Uuid,
    pub subject: Uuid,
}

/// `membership/<pupil>`: the class and groups of a pupil (for "homework to do").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Membership {
    pub structure: String,
    pub class: Option<Uuid>,
    pub groups: Vec<Uuid>,
}

/// One version of an entry, for its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EntryVersion {
    pub change: String,
    pub at: DateTime<Utc>,
    pub author: String,
    pub author_name: Option<String>,
    pub content: serde_json::Value,
}

/// A cahier as an inspector's list shows it: where it is, who teaches it, how full it is and its
/// last visa.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CahierSummary {
    pub structure: String,
    pub class_or_group: Uuid,
    pub class_or_group_name: Option<String>,
    pub subject: Uuid,
    pub subject_name: Option<String>,
    /// The teachers of this subject in this class or group (the ones a visa can be given to).
    pub teachers: Vec<crate::directory::TeacherRef>,
    pub lessons: usize,
    pub homework: usize,
    pub last_visa: Option<DateTime<Utc>>,
}
