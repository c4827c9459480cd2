//! Events of the news.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::commands::Audience;
use crate::directory::Profile;

/// A news item was published. It shows in the feeds of its audience from `publish_from` to
/// `publish_until` with no further event. Stream: `<uai>/news/<news_id>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NewsPublished {
    pub news_id: Uuid,
    pub structure: String,
    pub title: String,
    /// Sanitised HTML.
    pub body: String,
    pub audience: Audience,
    pub profiles: Vec<Profile>,
    pub publish_from: DateTime<Utc>,
    pub publish_until: Option<DateTime<Utc>>,
    pub pinned: bool,
}

/// A news item was withdrawn. Stream: the item's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NewsWithdrawn {
    pub news_id: Uuid,
    pub reason: Option<String>,
}
