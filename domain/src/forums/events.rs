//! Events of the forums. Posts carry their whole body, so a post's history is its events.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A category was created. Stream: `<uai>/forum-category/<category_id>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ForumCategoryCreated {
    pub category_id: Uuid,
    pub structure: String,
    pub name: String,
    pub description: Option<String>,
    /// The class it belongs to; `None`: the whole structure.
    pub class: Option<Uuid>,
    pub moderators: Vec<Uuid>,
}

/// A topic was opened with its first post. Stream: `<uai>/forum-topic/<topic_id>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ForumTopicOpened {
    pub topic_id: Uuid,
    pub category_id: Uuid,
    pub structure: String,
    pub title: String,
    pub post_id: Uuid,
    pub author: Uuid,
    /// Sanitised HTML.
    pub body: String,
}

/// A post was added to a topic. Stream: the topic's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ForumPostAdded {
    pub topic_id: Uuid,
    pub category_id: Uuid,
    pub post_id: Uuid,
    pub author: Uuid,
    /// Sanitised HTML.
    pub body: String,
}

/// A post was changed by its author; this is its new body. Stream: the topic's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ForumPostEdited {
    pub topic_id: Uuid,
    pub category_id: Uuid,
    pub post_id: Uuid,
    /// Sanitised HTML.
    pub body: String,
}

/// A moderator hid a post. Stream: the topic's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ForumPostHidden {
    pub topic_id: Uuid,
    pub category_id: Uuid,
    pub post_id: Uuid,
    pub reason: Option<String>,
}

/// A moderator locked a topic. Stream: the topic's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ForumTopicLocked {
    pub topic_id: Uuid,
    pub category_id: Uuid,
    pub reason: Option<String>,
}
