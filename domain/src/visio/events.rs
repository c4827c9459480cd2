//! Events of the visio meetings.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A meeting was scheduled. Stream: `<uai>/meeting/<meeting_id>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MeetingScheduled {
    pub meeting_id: Uuid,
    pub structure: String,
    pub organiser: Uuid,
    pub title: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Every participant, the organiser first.
    pub participants: Vec<Uuid>,
    pub join_url: String,
}

/// A meeting was cancelled. Stream: the meeting's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MeetingCancelled {
    pub meeting_id: Uuid,
    pub structure: String,
    pub participants: Vec<Uuid>,
    pub reason: Option<String>,
}
