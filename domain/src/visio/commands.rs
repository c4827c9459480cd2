//! Commands of the visio meetings.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Schedule a meeting with a link to an external video-conference room.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleMeeting {
    /// Id of the meeting, chosen by the client; generated when absent.
    #[serde(default)]
    pub meeting_id: Option<Uuid>,
    /// The structure (UAI) the meeting belongs to: the organiser's.
    pub structure: String,
    pub title: String,
    pub from: DateTime<Utc>,
    /// After `from`, at most 12 hours later.
    pub to: DateTime<Utc>,
    /// The people invited (the organiser is a participant too), 1 to 200.
    pub participants: Vec<Uuid>,
    /// An `https` link to the room of the external service (BigBlueButton, Jitsi…).
    pub join_url: String,
}

/// Cancel a meeting (its organiser or the direction).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelMeeting {
    pub meeting: Uuid,
    #[serde(default)]
    pub reason: Option<String>,
}
