//! Documents of the blogs read model.

use chrono::{DateTime, Utc};
use ent_domain::blogs::events::BlogOwner;
use ent_domain::blogs::posts::PostStatus;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `blog/<uai>/<id>`: a blog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BlogDoc {
    pub id: Uuid,
    pub structure: String,
    pub owner: BlogOwner,
    /// The class's or the user's name (filled in by queries, never stored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_name: Option<String>,
    pub title: String,
    pub description: Option<String>,
    pub moderated_comments: bool,
    pub created_at: DateTime<Utc>,
    pub published_posts: u32,
    /// What the reader may do (filled in by queries).
    #[serde(default)]
    pub reader_writes: bool,
    #[serde(default)]
    pub reader_publishes: bool,
}

/// A comment of a post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CommentEntry {
    pub id: Uuid,
    pub author: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    /// Sanitised HTML.
    pub body: String,
    pub at: DateTime<Utc>,
    /// Waiting for a publisher's approval (shown to the publishers and its author only).
    pub pending: bool,
}

/// `post/<blog>/<id>`: a post and its comments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BlogPostDoc {
    pub id: Uuid,
    pub blog: Uuid,
    pub structure: String,
    pub author: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    pub title: String,
    /// Sanitised HTML.
    pub body: String,
    pub status: PostStatus,
    pub written_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub returned_reason: Option<String>,
    pub edits: u32,
    pub comments: Vec<CommentEntry>,
}

/// A blog with the posts the reader sees: published ones, newest first, then their own drafts
/// and, for publishers, the submitted posts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BlogPage {
    pub blog: BlogDoc,
    pub posts: Vec<BlogPostDoc>,
}

/// `where/<id>`: the structure and blog of a blog or a post, to find it by id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BlogWhere {
    pub structure: String,
    pub blog: Uuid,
}
