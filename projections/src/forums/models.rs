//! Documents of the forums read model.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `category/<uai>/<id>`: a category and its counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CategoryDoc {
    pub id: Uuid,
    pub structure: String,
    pub name: String,
    pub description: Option<String>,
    /// The class it belongs to; `None`: the whole structure.
    pub class: Option<Uuid>,
    /// Filled in by queries (never stored), like every `*_name` here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
    pub moderators: Vec<Uuid>,
    pub topics: u32,
    pub posts: u32,
    pub last_post_at: Option<DateTime<Utc>>,
    /// Whether the reader moderates it (filled in by queries).
    #[serde(default)]
    pub moderated_by_reader: bool,
}

/// A post of a topic. A hidden post's body is shown to moderators only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PostEntry {
    pub id: Uuid,
    pub author: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    /// Sanitised HTML; empty for a hidden post shown to someone who does not moderate.
    pub body: String,
    pub posted_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub edits: u32,
    pub hidden: bool,
    pub hidden_reason: Option<String>,
}

/// `topic/<category>/<id>`: a topic and its posts, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TopicDoc {
    pub id: Uuid,
    pub category: Uuid,
    pub structure: String,
    pub title: String,
    pub author: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    pub opened_at: DateTime<Utc>,
    pub last_post_at: DateTime<Utc>,
    pub locked: bool,
    pub locked_reason: Option<String>,
    pub posts: Vec<PostEntry>,
}

/// A topic as listed in its category (no posts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TopicSummary {
    pub id: Uuid,
    pub title: String,
    pub author: Uuid,
    pub author_name: Option<String>,
    pub opened_at: DateTime<Utc>,
    pub last_post_at: DateTime<Utc>,
    pub locked: bool,
    pub posts: usize,
}

/// A category with its topics, newest activity first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CategoryTopics {
    pub category: CategoryDoc,
    pub topics: Vec<TopicSummary>,
}

/// `where/<id>`: the category (and structure) of a topic or a category, to find it by id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Where {
    pub structure: String,
    pub category: Uuid,
}

/// One version of a post, for its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PostVersion {
    /// `ForumTopicOpened`, `ForumPostAdded`, `ForumPostEdited` or `ForumPostHidden`.
    pub change: String,
    pub at: DateTime<Utc>,
    pub by: String,
    pub by_name: Option<String>,
    /// The body of this version (none for a hiding, nor for a reader who does not moderate a
    /// hidden post).
    pub body: Option<String>,
}
