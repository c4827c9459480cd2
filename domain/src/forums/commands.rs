//! Commands of the forums.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Create a forum category in the actor's structure, for the whole structure or for one class.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateForumCategory {
    /// Id of the new category, chosen by the client; generated when absent.
    #[serde(default)]
    pub category_id: Option<Uuid>,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// The class the category belongs to; absent: the whole structure.
    #[serde(default)]
    pub class: Option<Uuid>,
    /// Teachers or staff of the structure who moderate it (besides the direction and CPEs).
    #[serde(default)]
    pub moderators: Vec<Uuid>,
}

/// Open a topic in a category, with its first post.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenTopic {
    #[serde(default)]
    pub topic_id: Option<Uuid>,
    pub category: Uuid,
    pub title: String,
    /// HTML, sanitised before it is stored.
    pub body: String,
}

/// Post in a topic that is not locked.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyToTopic {
    #[serde(default)]
    pub post_id: Option<Uuid>,
    pub topic: Uuid,
    /// HTML, sanitised before it is stored.
    pub body: String,
}

/// Change one's own post (the earlier versions stay in its history).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EditPost {
    pub topic: Uuid,
    pub post: Uuid,
    /// HTML, sanitised before it is stored.
    pub body: String,
}

/// A moderator hides a post.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HidePost {
    pub topic: Uuid,
    pub post: Uuid,
    #[serde(default)]
    pub reason: Option<String>,
}

/// A moderator locks a topic: no new posts nor edits.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LockTopic {
    pub topic: Uuid,
    #[serde(default)]
    pub reason: Option<String>,
}
