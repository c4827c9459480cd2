//! How blog events fold into blogs and posts.

use ent_domain::blogs::posts::PostStatus;
use ent_domain::{Event, RecordedEvent};
use uuid::Uuid;

use super::NAME;
use super::models::*;
use crate::docs::DocView;
use crate::error::ApplyError;
use crate::projection::Projection;

pub(crate) const BLOGS: &str = "blog";
pub(crate) const POSTS: &str = "post";
pub(crate) const WHERE: &str = "where";

pub(crate) fn blog_key(uai: &str, id: Uuid) -> String {
    format!("{uai}/{id}")
}

pub(crate) fn post_key(blog: Uuid, id: Uuid) -> String {
    format!("{blog}/{id}")
}

/// Folds blogs and posts.
pub struct BlogsProjection;

impl Projection for BlogsProjection {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "blogs, their posts through the workflow, comments"
    }

    fn apply(&self, view: &mut DocView<'_>, r: &RecordedEvent, event: &Event) -> Result<(), ApplyError> {
        match event {
            Event::BlogCreated(e) => {
                view.put(WHERE, e.blog_id, &BlogWhere { structure: e.structure.clone(), blog: e.blog_id })?;
                view.put(
                    BLOGS,
                    blog_key(&e.structure, e.blog_id),
                    &BlogDoc {
                        id: e.blog_id,
                        structure: e.structure.clone(),
                        owner: e.owner,
                        owner_name: None,
                        title: e.title.clone(),
                        description: e.description.clone(),
                        moderated_comments: e.moderated_comments,
                        created_at: r.recorded_at,
                        published_posts: 0,
                        reader_writes: false,
                        reader_publishes: false,
                    },
                )
            }
            Event::BlogPostDrafted(e) => {
                view.put(WHERE, e.post_id, &BlogWhere { structure: e.structure.clone(), blog: e.blog_id })?;
                view.put(
                    POSTS,
                    post_key(e.blog_id, e.post_id),
                    &BlogPostDoc {
                        id: e.post_id,
                        blog: e.blog_id,
                        structure: e.structure.clone(),
                        author: e.author,
                        author_name: None,
                        title: e.title.clone(),
                        body: e.body.clone(),
                        status: PostStatus::Draft,
                        written_at: r.recorded_at,
                        submitted_at: None,
                        published_at: None,
                        returned_reason: None,
                        edits: 0,
                        comments: Vec::new(),
                    },
                )
            }
            Event::BlogPostEdited(e) => post(view, e.blog_id, e.post_id, |p| {
                p.title = e.title.clone();
                p.body = e.body.clone();
                p.edits += 1;
            }),
            Event::BlogPostSubmitted(e) => post(view, e.blog_id, e.post_id, |p| {
                p.status = PostStatus::Submitted;
                p.submitted_at = Some(r.recorded_at);
                p.returned_reason = None;
            }),
            Event::BlogPostReturned(e) => post(view, e.blog_id, e.post_id, |p| {
                p.status = PostStatus::Draft;
                p.returned_reason = e.reason.clone();
            }),
            Event::BlogPostPublished(e) => {
                post(view, e.blog_id, e.post_id, |p| {
                    p.status = PostStatus::Published;
                    p.published_at = Some(r.recorded_at);
                })?;
                view.update::<BlogDoc>(BLOGS, blog_key(&r.structure, e.blog_id), |b| b.published_posts += 1)
            }
            Event::BlogCommentAdded(e) => post(view, e.blog_id, e.post_id, |p| {
                p.comments.push(CommentEntry {
                    id: e.comment_id,
                    author: e.author,
                    author_name: None,
                    body: e.body.clone(),
                    at: r.recorded_at,
                    pending: e.pending,
                });
            }),
            Event::BlogCommentApproved(e) => post(view, e.blog_id, e.post_id, |p| {
                if let Some(c) = p.comments.iter_mut().find(|c| c.id == e.comment_id) {
                    c.pending = false;
                }
            }),
            Event::BlogCommentRejected(e) => post(view, e.blog_id, e.post_id, |p| p.comments.retain(|c| c.id != e.comment_id)),
            _ => Ok(()),
        }
    }
}

fn post(view: &mut DocView<'_>, blog: Uuid, id: Uuid, f: impl FnOnce(&mut BlogPostDoc)) -> Result<(), ApplyError> {
    view.update::<BlogPostDoc>(POSTS, post_key(blog, id), f)
}
