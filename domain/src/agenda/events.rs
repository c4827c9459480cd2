//! Events of the agenda. Updates carry the event's whole new content and its sequence number
//! (the iCalendar `SEQUENCE`), so that the history of an event is the list of its events.

use chrono::{DateTime, NaiveDateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::commands::Audience;

/// A school event was put in the structure's calendar. Stream: `<uai>/school-event/<event_id>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SchoolEventCreated {
    pub event_id: Uuid,
    pub structure: String,
    pub title: String,
    pub description: Option<String>,
    /// Start, Europe/Paris wall-clock time.
    pub from: NaiveDateTime,
    /// End, Europe/Paris wall-clock time.
    pub to: NaiveDateTime,
    pub location: Option<String>,
    pub audience: Audience,
}

/// A school event was changed; this is its new content. Stream: the event's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SchoolEventUpdated {
    pub event_id: Uuid,
    pub structure: String,
    pub title: String,
    pub description: Option<String>,
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
    pub location: Option<String>,
    pub audience: Audience,
    /// How many times the event has changed, this change included (iCalendar `SEQUENCE`).
    pub sequence: u32,
}

/// A school event was cancelled; it stays in the agenda, marked cancelled. Stream: the event's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SchoolEventCancelled {
    pub event_id: Uuid,
    pub structure: String,
    pub reason: Option<String>,
    /// How many times the event has changed, the cancellation included (iCalendar `SEQUENCE`).
    pub sequence: u32,
}

/// A user created a personal calendar feed. The token is not in the log: only its hash, kept
/// beside the log in the secrets table. Stream: `<uai>/calendar-feeds/<user>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CalendarFeedCreated {
    pub feed_id: Uuid,
    pub user: Uuid,
    pub structure: String,
    pub label: Option<String>,
    pub at: DateTime<Utc>,
}

/// A calendar feed was revoked; its URL stopped working in the same transaction (its hash was
/// deleted). Stream: the owner's feeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CalendarFeedRevoked {
    pub feed_id: Uuid,
    pub user: Uuid,
    pub structure: String,
}
