//! Commands of the news.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::directory::Profile;

/// Who a news item is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Audience {
    /// Everyone in the structure.
    Structure,
    /// The pupils of these classes, their parents and their teachers.
    Classes { classes: Vec<Uuid> },
    /// The pupils of these groups, their parents and their teachers.
    Groups { groups: Vec<Uuid> },
    /// These users of the structure.
    Users { users: Vec<Uuid> },
}

/// Publish a news item, shown from `publish_from` (until `publish_until`, if given).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishNews {
    #[serde(default)]
    pub news_id: Option<Uuid>,
    pub structure: String,
    pub title: String,
    /// HTML, sanitised before it is stored.
    pub body: String,
    pub audience: Audience,
    /// Only these profiles of the audience (e.g. parents only); empty: every profile.
    #[serde(default)]
    pub profiles: Vec<Profile>,
    pub publish_from: DateTime<Utc>,
    /// After `publish_from`; absent: shown until withdrawn.
    #[serde(default)]
    pub publish_until: Option<DateTime<Utc>>,
    /// Shown before the other news.
    #[serde(default)]
    pub pinned: bool,
}

/// Withdraw a news item: no feed shows it any more.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawNews {
    pub news: Uuid,
    #[serde(default)]
    pub reason: Option<String>,
}
