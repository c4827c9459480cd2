//! Events of the blogs.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Whose blog it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BlogOwner {
    Structure,
    Class { class: Uuid },
    User { user: Uuid },
}

/// A blog was created. Stream: `<uai>/blog/<blog_id>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BlogCreated {
    pub blog_id: Uuid,
    pub structure: String,
    pub owner: BlogOwner,
    pub title: String,
    pub description: Option<String>,
    pub moderated_comments: bool,
}

/// A post was written, as a draft. Stream: `<uai>/blog-post/<post_id>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BlogPostDrafted {
    pub post_id: Uuid,
    pub blog_id: Uuid,
    pub structure: String,
    pub author: Uuid,
    pub title: String,
    /// Sanitised HTML.
    pub body: String,
}

/// A draft was changed; this is its new content. Stream: the post's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BlogPostEdited {
    pub post_id: Uuid,
    pub blog_id: Uuid,
    pub title: String,
    /// Sanitised HTML.
    pub body: String,
}

/// A draft was submitted to the blog's publishers. Stream: the post's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BlogPostSubmitted {
    pub post_id: Uuid,
    pub blog_id: Uuid,
}

/// A post was published. Stream: the post's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BlogPostPublished {
    pub post_id: Uuid,
    pub blog_id: Uuid,
}

/// A submitted post went back to its author as a draft. Stream: the post's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BlogPostReturned {
    pub post_id: Uuid,
    pub blog_id: Uuid,
    pub reason: Option<String>,
}

/// A comment was added to a published post; `pending` until approved when the blog moderates
/// comments. Stream: the post's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BlogCommentAdded {
    pub post_id: Uuid,
    pub blog_id: Uuid,
    pub comment_id: Uuid,
    pub author: Uuid,
    /// Sanitised HTML.
    pub body: String,
    pub pending: bool,
}

/// A pending comment was approved. Stream: the post's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BlogCommentApproved {
    pub post_id: Uuid,
    pub blog_id: Uuid,
    pub comment_id: Uuid,
}

/// A comment was removed by a publisher. Stream: the post's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BlogCommentRejected {
    pub post_id: Uuid,
    pub blog_id: Uuid,
    pub comment_id: Uuid,
}
