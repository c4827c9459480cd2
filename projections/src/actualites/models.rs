//! Documents of the news read model.

use chrono::{DateTime, Utc};
use ent_domain::actualites::commands::Audience;
use ent_domain::directory::Profile;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `news/<uai>/<id>`: a news item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewsDoc {
    pub id: Uuid,
    pub structure: String,
    pub title: String,
    /// Sanitised HTML.
    pub body: String,
    pub audience: Audience,
    pub profiles: Vec<Profile>,
    pub publish_from: DateTime<Utc>,
    pub publish_until: Option<DateTime<Utc>>,
    pub pinned: bool,
    pub author: String,
    /// Filled in by queries (never stored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    pub published_at: DateTime<Utc>,
    pub withdrawn: bool,
    pub withdrawn_reason: Option<String>,
}

/// `where/<id>`: the structure of an item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewsWhere {
    pub structure: String,
}
