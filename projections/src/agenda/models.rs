//! Documents of the agenda read model, and the shape of a personal agenda.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use ent_domain::agenda::commands::Audience;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What an agenda entry is. Every source of entries is one kind and one arm of the fold: lessons
/// of the timetable, homework due, school events, the user's bookings, the structure's closed days
/// and the visio meetings the user takes part in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Lesson,
    Homework,
    SchoolEvent,
    Booking,
    ClosedDay,
    Meeting,
}

impl EntryKind {
    /// The snake_case name, also the first part of the entry's iCalendar UID.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Lesson => "lesson",
            EntryKind::Homework => "homework",
            EntryKind::SchoolEvent => "school_event",
            EntryKind::Booking => "booking",
            EntryKind::ClosedDay => "closed_day",
            EntryKind::Meeting => "meeting",
        }
    }
}

/// One entry of an agenda. Times are Europe/Paris wall-clock times; an all-day entry (homework
/// due, a closed day) runs from `start` (midnight) to `end` (the next midnight).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AgendaItem {
    pub kind: EntryKind,
    /// The id of the lesson, homework, school event… the entry shows.
    pub id: Uuid,
    pub structure: String,
    /// The entry's title: a school event's title, filled in by queries for the others (the
    /// subject of a lesson, "Devoir de …" for homework).
    pub title: String,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub all_day: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Uuid>,
    /// Filled in by queries (never stored), like every `*_name` here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_or_group: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_or_group_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teacher: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teacher_name: Option<String>,
    /// Cancelled entries stay (a calendar application must learn of the cancellation).
    pub cancelled: bool,
    /// Changes since the entry was created (the iCalendar `SEQUENCE`).
    pub sequence: u32,
    /// When the entry last changed.
    pub updated_at: DateTime<Utc>,
}

/// The entries of one audience in one month (`<audience>/<YYYY-MM>`), by start. An entry that
/// spans several months is in each of them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MonthDoc {
    pub items: Vec<AgendaItem>,
}

/// A school event as its structure's staff manage it, with where its entry is filed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SchoolEventDoc {
    pub event_id: Uuid,
    pub structure: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    pub audience: Audience,
    /// The names of the classes, groups or users of the audience, filled in by queries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audience_names: Vec<String>,
    pub cancelled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_reason: Option<String>,
    pub sequence: u32,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
}

/// Where the entry of a homework is filed (its class or group and due date), to move it when
/// the homework changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeworkRef {
    pub class_or_group: Uuid,
    pub due_on: NaiveDate,
}

/// A pupil's class and groups.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    pub structure: String,
    pub class: Option<Uuid>,
    pub groups: Vec<Uuid>,
}

/// One of a user's calendar feeds (never its token).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FeedDoc {
    pub feed_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A personal agenda over a range of days: whose it is and its entries by start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Agenda {
    /// The user whose agenda this is (for a parent reading a child's: the child).
    pub user: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub items: Vec<AgendaItem>,
}

/// A booking's entries as filed in its booker's agenda: one per occurrence, each with an id
/// derived from the booking's and the occurrence's rank (stable UIDs in the feed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingRef {
    pub booker: Uuid,
    pub purpose: String,
    pub items: Vec<AgendaItem>,
}

/// A declared range of closed days as filed in its structure's agendas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClosedDaysRef {
    pub item: AgendaItem,
}

/// A meeting's entry as filed in its participants' agendas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingRef {
    pub participants: Vec<Uuid>,
    pub item: AgendaItem,
}

/// A bookable resource's name, for its bookings' entries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceName {
    pub name: String,
}
