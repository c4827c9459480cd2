//! Commands of the blogs.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Whose blog is created, in the actor's structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum BlogScope {
    /// The structure's blog, kept by its direction.
    Structure,
    /// A class's blog, kept by its teachers (and the direction).
    Class { class: Uuid },
    /// The actor's own blog.
    Personal,
}

/// Create a blog.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBlog {
    #[serde(default)]
    pub blog_id: Option<Uuid>,
    pub owner: BlogScope,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Comments wait for a publisher's approval before they are shown.
    #[serde(default)]
    pub moderated_comments: bool,
}

/// Write a post, as a draft.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WriteBlogPost {
    #[serde(default)]
    pub post_id: Option<Uuid>,
    pub blog: Uuid,
    pub title: String,
    /// HTML, sanitised before it is stored.
    pub body: String,
}

/// Change a draft; absent fields keep their value.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EditBlogPost {
    pub post: Uuid,
    #[serde(default)]
    pub title: Option<String>,
    /// HTML, sanitised before it is stored.
    #[serde(default)]
    pub body: Option<String>,
}

/// The author submits a draft to the blog's publishers.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitBlogPost {
    pub post: Uuid,
}

/// A publisher publishes a submitted post (or their own draft).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishBlogPost {
    pub post: Uuid,
}

/// A publisher sends a submitted post back to its author, as a draft.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnBlogPost {
    pub post: Uuid,
    #[serde(default)]
    pub reason: Option<String>,
}

/// Comment a published post.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentBlogPost {
    #[serde(default)]
    pub comment_id: Option<Uuid>,
    pub post: Uuid,
    /// HTML, sanitised before it is stored.
    pub body: String,
}

/// A publisher approves a pending comment.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveBlogComment {
    pub post: Uuid,
    pub comment: Uuid,
}

/// A publisher removes a comment (pending or shown).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectBlogComment {
    pub post: Uuid,
    pub comment: Uuid,
}
