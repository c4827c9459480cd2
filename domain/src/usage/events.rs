//! Events of the usage indicators. Field names are part of the public contract.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::service::Service;
use crate::directory::Profile;

/// Reads of one service by one profile of one structure during one minute, tallied in memory
/// and appended periodically. Several events may cover the same cell (one per flush): readers
/// add their counts and merge their sketches. Stream: `<structure>/usage/<YYYY-MM-DD>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UsageRecorded {
    /// UAI of the readers' structure, or `platform` for platform-level users.
    pub structure: String,
    pub service: Service,
    pub profile: Profile,
    /// Start of the minute (UTC, seconds zero).
    pub minute: DateTime<Utc>,
    /// Successful reads (GET) in that minute.
    pub count: u64,
    /// HyperLogLog sketch of the distinct readers (base64; see `docs/events.md`). Never a user id.
    pub distinct_users_hll: String,
}

/// A user logged in. Stream: `<structure>/usage/<YYYY-MM-DD>`; the actor is the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UserLoggedIn {
    pub user: Uuid,
    /// UAI of the user's structure, or `platform`.
    pub structure: String,
    pub profile: Profile,
}
