//! Blog aggregates — a blog (`<uai>/blog/<id>`) and a post with its comments
//! (`<uai>/blog-post/<id>`) —, who writes, publishes and reads, and the workflow
//! `draft → submitted → published` (docs/domain.md, "Blogs").

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::commands::*;
use super::events::*;
use crate::directory::{Profile, StructureState, UserState, validate_text};
use crate::html::rich_text;
use crate::reach::Reach;
use crate::{Actor, Aggregate, DomainError, Event, StreamId};

/// Longest post, once sanitised.
pub const MAX_BODY: usize = 50_000;
/// Longest comment, once sanitised.
pub const MAX_COMMENT: usize = 5_000;

/// Where a post stands in its workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PostStatus {
    Draft,
    Submitted,
    Published,
}

/// State of a blog.
#[derive(Debug, Clone, Default)]
pub struct BlogState {
    pub created: Option<BlogCreated>,
}

impl BlogState {
    pub fn stream(uai: &str, id: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, id.to_string())
    }
}

impl Aggregate for BlogState {
    const TYPE: &'static str = "blog";

    fn apply(&mut self, event: &Event) {
        if let Event::BlogCreated(e) = event {
            self.created = Some(e.clone());
        }
    }
}

/// A comment, as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentState {
    pub author: Uuid,
    pub pending: bool,
}

/// State of a post and its comments.
#[derive(Debug, Clone, Default)]
pub struct BlogPostState {
    pub drafted: Option<BlogPostDrafted>,
    pub status: Option<PostStatus>,
    pub comments: BTreeMap<Uuid, CommentState>,
}

impl BlogPostState {
    pub fn stream(uai: &str, id: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, id.to_string())
    }
}

impl Aggregate for BlogPostState {
    const TYPE: &'static str = "blog-post";

    fn apply(&mut self, event: &Event) {
        match event {
            Event::BlogPostDrafted(e) => {
                self.drafted = Some(e.clone());
                self.status = Some(PostStatus::Draft);
            }
            Event::BlogPostEdited(e) => {
                if let Some(d) = &mut self.drafted {
                    d.title = e.title.clone();
                    d.body = e.body.clone();
                }
            }
            Event::BlogPostSubmitted(_) => self.status = Some(PostStatus::Submitted),
            Event::BlogPostPublished(_) => self.status = Some(PostStatus::Published),
            Event::BlogPostReturned(_) => self.status = Some(PostStatus::Draft),
            Event::BlogCommentAdded(e) => {
                self.comments.insert(e.comment_id, CommentState { author: e.author, pending: e.pending });
            }
            Event::BlogCommentApproved(e) => {
                if let Some(c) = self.comments.get_mut(&e.comment_id) {
                    c.pending = false;
                }
            }
            Event::BlogCommentRejected(e) => {
                self.comments.remove(&e.comment_id);
            }
            _ => {}
        }
    }
}

fn member<'a>(actor: &'a Actor, uai: &str) -> Option<&'a UserState> {
    actor.user().filter(|u| u.active && u.structure == uai)
}

fn teaches(actor: &Actor, uai: &str, class: Uuid) -> bool {
    member(actor, uai).is_some_and(|u| u.profile == Some(Profile::Enseignant) && u.teaches_class(class))
}

/// Who may create a blog: the structure's, its direction; a class's, its teachers and the
/// direction; a personal blog, any pupil, teacher or staff member (not parents).
pub fn may_create(actor: &Actor, uai: &str, scope: BlogScope) -> bool {
    match scope {
        BlogScope::Structure => actor.is_direction_of(uai),
        BlogScope::Class { class } => actor.is_direction_of(uai) || teaches(actor, uai, class),
        BlogScope::Personal => {
            member(actor, uai).is_some_and(|u| matches!(u.profile, Some(Profile::Eleve | Profile::Enseignant | Profile::Personnel)))
        }
    }
}

/// Who publishes (and moderates comments): the structure's blog, its direction; a class's, its
/// teachers and the direction; a personal blog, its owner.
pub fn may_publish(blog: &BlogCreated, actor: &Actor) -> bool {
    let uai = blog.structure.as_str();
    match blog.owner {
        BlogOwner::Structure => actor.is_direction_of(uai),
        BlogOwner::Class { class } => actor.is_direction_of(uai) || teaches(actor, uai, class),
        BlogOwner::User { user } => member(actor, uai).is_some_and(|u| u.user_id == user),
    }
}

/// Who writes posts: the publishers; in the structure's blog, its teachers and staff too; in a
/// class's blog, the pupils of that class too.
pub fn may_write(blog: &BlogCreated, actor: &Actor) -> bool {
    if may_publish(blog, actor) {
        return true;
    }
    let Some(u) = member(actor, &blog.structure) else { return false };
    match blog.owner {
        BlogOwner::Structure => matches!(u.profile, Some(Profile::Enseignant | Profile::Personnel)),
        BlogOwner::Class { class } => u.profile == Some(Profile::Eleve) && u.class.is_some_and(|(c, _)| c == class),
        BlogOwner::User { .. } => false,
    }
}

/// Who reads the published posts (and comments them): the writers; every member of the
/// structure for the structure's blog and personal blogs; for a class's blog, the staff and the
/// pupils of the class and their parents (`reach`: the actor's classes through pupils).
pub fn may_read(blog: &BlogCreated, actor: &Actor, reach: &Reach) -> bool {
    if may_write(blog, actor) {
        return true;
    }
    let Some(u) = member(actor, &blog.structure) else { return false };
    match blog.owner {
        BlogOwner::Structure | BlogOwner::User { .. } => true,
        BlogOwner::Class { class } => u.profile == Some(Profile::Personnel) || reach.classes.contains(&class),
    }
}

fn optional_text(field: &str, text: Option<&str>, max: usize) -> Result<Option<String>, DomainError> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => validate_text(field, t, max).map(Some),
    }
}

/// `CreateBlog`: a title; a class blog names a class of the structure.
pub fn create_blog(structure: &StructureState, cmd: &CreateBlog, id: Uuid, actor_id: Uuid) -> Result<Vec<Event>, DomainError> {
    if !structure.exists() {
        return Err(DomainError::NotFound("structure".into()));
    }
    let owner = match cmd.owner {
        BlogScope::Structure => BlogOwner::Structure,
        BlogScope::Class { class } if structure.classes.contains_key(&class) => BlogOwner::Class { class },
        BlogScope::Class { .. } => return Err(DomainError::NotFound("owner.class".into())),
        BlogScope::Personal => BlogOwner::User { user: actor_id },
    };
    Ok(vec![Event::BlogCreated(BlogCreated {
        blog_id: id,
        structure: structure.uai.clone(),
        owner,
        title: validate_text("title", &cmd.title, 200)?,
        description: optional_text("description", cmd.description.as_deref(), 2_000)?,
        moderated_comments: cmd.moderated_comments,
    })])
}

fn created(blog: &BlogState) -> Result<&BlogCreated, DomainError> {
    blog.created.as_ref().ok_or_else(|| DomainError::NotFound("blog".into()))
}

/// The post as drafted (404 naming `post`) and its status.
pub fn drafted(post: &BlogPostState) -> Result<(&BlogPostDrafted, PostStatus), DomainError> {
    match (&post.drafted, post.status) {
        (Some(d), Some(s)) => Ok((d, s)),
        _ => Err(DomainError::NotFound("post".into())),
    }
}

/// `WriteBlogPost`: a title and a body (sanitised, not empty); the post starts as a draft.
pub fn write_post(blog: &BlogState, cmd: &WriteBlogPost, id: Uuid, author: Uuid) -> Result<Vec<Event>, DomainError> {
    let b = created(blog)?;
    Ok(vec![Event::BlogPostDrafted(BlogPostDrafted {
        post_id: id,
        blog_id: b.blog_id,
        structure: b.structure.clone(),
        author,
        title: validate_text("title", &cmd.title, 200)?,
        body: rich_text("body", &cmd.body, MAX_BODY)?,
    })])
}

/// `EditBlogPost`: only a draft changes, and something must change.
pub fn edit_post(post: &BlogPostState, cmd: &EditBlogPost) -> Result<Vec<Event>, DomainError> {
    let (d, status) = drafted(post)?;
    if status != PostStatus::Draft {
        return Err(DomainError::rule("only a draft can be changed"));
    }
    let title = match &cmd.title {
        Some(t) => validate_text("title", t, 200)?,
        None => d.title.clone(),
    };
    let body = match &cmd.body {
        Some(b) => rich_text("body", b, MAX_BODY)?,
        None => d.body.clone(),
    };
    if title == d.title && body == d.body {
        return Err(DomainError::rule("nothing to change"));
    }
    Ok(vec![Event::BlogPostEdited(BlogPostEdited { post_id: d.post_id, blog_id: d.blog_id, title, body })])
}

/// `SubmitBlogPost`: draft → submitted.
pub fn submit_post(post: &BlogPostState) -> Result<Vec<Event>, DomainError> {
    let (d, status) = drafted(post)?;
    match status {
        PostStatus::Draft => Ok(vec![Event::BlogPostSubmitted(BlogPostSubmitted { post_id: d.post_id, blog_id: d.blog_id })]),
        PostStatus::Submitted => Err(DomainError::rule("this post is already submitted")),
        PostStatus::Published => Err(DomainError::rule("this post is already published")),
    }
}

/// `PublishBlogPost`: submitted → published; a publisher's own draft may skip submission.
pub fn publish_post(post: &BlogPostState, publisher: Uuid) -> Result<Vec<Event>, DomainError> {
    let (d, status) = drafted(post)?;
    match status {
        PostStatus::Submitted => {}
        PostStatus::Draft if d.author == publisher => {}
        PostStatus::Draft => return Err(DomainError::rule("a draft is published once its author has submitted it")),
        PostStatus::Published => return Err(DomainError::rule("this post is already published")),
    }
    Ok(vec![Event::BlogPostPublished(BlogPostPublished { post_id: d.post_id, blog_id: d.blog_id })])
}

/// `ReturnBlogPost`: submitted → draft.
pub fn return_post(post: &BlogPostState, cmd: &ReturnBlogPost) -> Result<Vec<Event>, DomainError> {
    let (d, status) = drafted(post)?;
    if status != PostStatus::Submitted {
        return Err(DomainError::rule("only a submitted post can be sent back"));
    }
    Ok(vec![Event::BlogPostReturned(BlogPostReturned {
        post_id: d.post_id,
        blog_id: d.blog_id,
        reason: optional_text("reason", cmd.reason.as_deref(), 500)?,
    })])
}

/// `CommentBlogPost`: on a published post; pending when the blog moderates comments and the
/// commenter is not one of its publishers.
pub fn comment(
    blog: &BlogState,
    post: &BlogPostState,
    cmd: &CommentBlogPost,
    id: Uuid,
    author: Uuid,
    publisher: bool,
) -> Result<Vec<Event>, DomainError> {
    let b = created(blog)?;
    let (d, status) = drafted(post)?;
    if status != PostStatus::Published {
        return Err(DomainError::rule("only a published post can be commented"));
    }
    Ok(vec![Event::BlogCommentAdded(BlogCommentAdded {
        post_id: d.post_id,
        blog_id: d.blog_id,
        comment_id: id,
        author,
        body: rich_text("body", &cmd.body, MAX_COMMENT)?,
        pending: b.moderated_comments && !publisher,
    })])
}

/// `ApproveBlogComment`: a pending comment.
pub fn approve_comment(post: &BlogPostState, cmd: &ApproveBlogComment) -> Result<Vec<Event>, DomainError> {
    let (d, _) = drafted(post)?;
    let c = post.comments.get(&cmd.comment).ok_or_else(|| DomainError::NotFound("comment".into()))?;
    if !c.pending {
        return Err(DomainError::rule("this comment is not waiting for approval"));
    }
    Ok(vec![Event::BlogCommentApproved(BlogCommentApproved { post_id: d.post_id, blog_id: d.blog_id, comment_id: cmd.comment })])
}

/// `RejectBlogComment`: an existing comment.
pub fn reject_comment(post: &BlogPostState, cmd: &RejectBlogComment) -> Result<Vec<Event>, DomainError> {
    let (d, _) = drafted(post)?;
    if !post.comments.contains_key(&cmd.comment) {
        return Err(DomainError::NotFound("comment".into()));
    }
    Ok(vec![Event::BlogCommentRejected(BlogCommentRejected { post_id: d.post_id, blog_id: d.blog_id, comment_id: cmd.comment })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::Role;
    use crate::forums::topics::tests::{person, teacher_of};
    use crate::notes::fixtures::{Fixture, fixture};

    fn actor(u: &UserState) -> Actor {
        Actor::User(Box::new(u.clone()))
    }

    fn blog(f: &Fixture, owner: BlogScope, moderated: bool, actor_id: Uuid) -> BlogState {
        let cmd = CreateBlog { blog_id: None, owner, title: "Blog de la 6A".into(), description: None, moderated_comments: moderated };
        BlogState::from_history(&create_blog(&f.structure, &cmd, Uuid::new_v4(), actor_id).unwrap())
    }

    fn draft(b: &BlogState, author: Uuid) -> BlogPostState {
        let cmd = WriteBlogPost { post_id: None, blog: Uuid::nil(), title: "Sortie".into(), body: "<p>Au musée</p>".into() };
        BlogPostState::from_history(&write_post(b, &cmd, Uuid::new_v4(), author).unwrap())
    }

    fn after(post: BlogPostState, events: Result<Vec<Event>, DomainError>) -> BlogPostState {
        events.unwrap().iter().fold(post, |p, e| p.evolve(e))
    }

    #[test]
    fn draft_is_submitted_then_published() {
        let f = fixture();
        let b = blog(&f, BlogScope::Class { class: f.class }, false, Uuid::new_v4());
        let p = draft(&b, f.pupil.user_id);
        assert_eq!(p.status, Some(PostStatus::Draft));
        let p = after(p.clone(), submit_post(&p));
        assert_eq!(p.status, Some(PostStatus::Submitted));
        let p = after(p.clone(), publish_post(&p, Uuid::new_v4()));
        assert_eq!(p.status, Some(PostStatus::Published));
    }

    #[test]
    fn someone_elses_draft_is_not_published_before_it_is_submitted() {
        let f = fixture();
        let b = blog(&f, BlogScope::Class { class: f.class }, false, Uuid::new_v4());
        let p = draft(&b, f.pupil.user_id);
        assert!(matches!(publish_post(&p, Uuid::new_v4()), Err(DomainError::Rule(_))));
    }

    #[test]
    fn a_publishers_own_draft_is_published_directly() {
        let f = fixture();
        let teacher = Uuid::new_v4();
        let b = blog(&f, BlogScope::Class { class: f.class }, false, teacher);
        let p = draft(&b, teacher);
        assert!(publish_post(&p, teacher).is_ok());
    }

    #[test]
    fn a_published_post_is_not_submitted_published_returned_nor_edited_again() {
        let f = fixture();
        let b = blog(&f, BlogScope::Structure, false, Uuid::new_v4());
        let p = draft(&b, f.pupil.user_id);
        let p = after(p.clone(), publish_post(&p, f.pupil.user_id));
        assert!(matches!(submit_post(&p), Err(DomainError::Rule(_))));
        assert!(matches!(publish_post(&p, f.pupil.user_id), Err(DomainError::Rule(_))));
        assert!(matches!(return_post(&p, &ReturnBlogPost { post: Uuid::nil(), reason: None }), Err(DomainError::Rule(_))));
        let edit = EditBlogPost { post: Uuid::nil(), title: Some("Autre".into()), body: None };
        assert!(matches!(edit_post(&p, &edit), Err(DomainError::Rule(_))));
    }

    #[test]
    fn a_submitted_post_is_not_submitted_again_nor_edited_but_can_be_returned_to_draft() {
        let f = fixture();
        let b = blog(&f, BlogScope::Class { class: f.class }, false, Uuid::new_v4());
        let p = draft(&b, f.pupil.user_id);
        let p = after(p.clone(), submit_post(&p));
        assert!(matches!(submit_post(&p), Err(DomainError::Rule(_))));
        let edit = EditBlogPost { post: Uuid::nil(), title: None, body: Some("<p>Au musée d'Orsay</p>".into()) };
        assert!(matches!(edit_post(&p, &edit), Err(DomainError::Rule(_))));
        let p = after(p.clone(), return_post(&p, &ReturnBlogPost { post: Uuid::nil(), reason: Some("à relire".into()) }));
        assert_eq!(p.status, Some(PostStatus::Draft));
        assert!(matches!(return_post(&p, &ReturnBlogPost { post: Uuid::nil(), reason: None }), Err(DomainError::Rule(_))));
        let p = after(p.clone(), edit_post(&p, &edit));
        assert_eq!(p.drafted.as_ref().map(|d| d.body.as_str()), Some("<p>Au musée d'Orsay</p>"));
    }

    #[test]
    fn only_a_published_post_is_commented() {
        let f = fixture();
        let b = blog(&f, BlogScope::Structure, false, Uuid::new_v4());
        let p = draft(&b, f.pupil.user_id);
        let cmd = CommentBlogPost { comment_id: None, post: Uuid::nil(), body: "Bravo".into() };
        assert!(matches!(comment(&b, &p, &cmd, Uuid::new_v4(), f.pupil.user_id, false), Err(DomainError::Rule(_))));
    }

    #[test]
    fn comments_wait_for_approval_when_the_blog_moderates_them() {
        let f = fixture();
        let cmd = CommentBlogPost { comment_id: None, post: Uuid::nil(), body: "<p>Bravo<script>x</script></p>".into() };
        let moderated = blog(&f, BlogScope::Class { class: f.class }, true, Uuid::new_v4());
        let p = draft(&moderated, f.pupil.user_id);
        let p = after(p.clone(), submit_post(&p));
        let p = after(p.clone(), publish_post(&p, Uuid::new_v4()));
        let id = Uuid::new_v4();
        let events = comment(&moderated, &p, &cmd, id, f.pupil.user_id, false).unwrap();
        assert!(matches!(&events[0], Event::BlogCommentAdded(c) if c.pending && c.body == "<p>Bravo</p>"));
        let by_publisher = comment(&moderated, &p, &cmd, Uuid::new_v4(), Uuid::new_v4(), true).unwrap();
        assert!(matches!(&by_publisher[0], Event::BlogCommentAdded(c) if !c.pending));
        let p = after(p, Ok(events));
        let approve = ApproveBlogComment { post: Uuid::nil(), comment: id };
        let p = after(p.clone(), approve_comment(&p, &approve));
        assert!(matches!(approve_comment(&p, &approve), Err(DomainError::Rule(_))));
        let p = after(p.clone(), reject_comment(&p, &RejectBlogComment { post: Uuid::nil(), comment: id }));
        assert!(p.comments.is_empty());
        assert!(matches!(reject_comment(&p, &RejectBlogComment { post: Uuid::nil(), comment: id }), Err(DomainError::NotFound(_))));

        let open = blog(&f, BlogScope::Structure, false, Uuid::new_v4());
        let q = draft(&open, f.pupil.user_id);
        let q = after(q.clone(), publish_post(&q, f.pupil.user_id));
        assert!(
            matches!(&comment(&open, &q, &cmd, Uuid::new_v4(), f.pupil.user_id, false).unwrap()[0], Event::BlogCommentAdded(c) if !c.pending)
        );
    }

    #[test]
    fn class_blog_rights_teachers_and_direction_publish_pupils_write_parents_read() {
        let f = fixture();
        let b = blog(&f, BlogScope::Class { class: f.class }, false, Uuid::new_v4());
        let b = b.created.as_ref().unwrap();
        let teacher = teacher_of(&f, f.class);
        let head = person(&f, Profile::Personnel, Some(Role::Direction));
        assert!(may_publish(b, &actor(&teacher)) && may_publish(b, &actor(&head)));
        assert!(!may_publish(b, &actor(&f.pupil)) && may_write(b, &actor(&f.pupil)));
        assert!(!may_write(b, &actor(&f.pupil_in_other_class())));
        assert!(!may_read(b, &actor(&f.pupil_in_other_class()), &Reach::default()));
        let parent = person(&f, Profile::Parent, None);
        let reach = Reach { classes: [f.class].into(), groups: Default::default() };
        assert!(may_read(b, &actor(&parent), &reach) && !may_write(b, &actor(&parent)));
        assert!(!may_read(b, &actor(&parent), &Reach::default()));
    }

    #[test]
    fn who_creates_which_blog() {
        let f = fixture();
        let uai = f.structure.uai.as_str();
        assert!(may_create(&actor(&person(&f, Profile::Personnel, Some(Role::Direction))), uai, BlogScope::Structure));
        assert!(!may_create(&actor(&teacher_of(&f, f.class)), uai, BlogScope::Structure));
        assert!(may_create(&actor(&teacher_of(&f, f.class)), uai, BlogScope::Class { class: f.class }));
        assert!(!may_create(&actor(&teacher_of(&f, f.other_class)), uai, BlogScope::Class { class: f.class }));
        assert!(may_create(&actor(&f.pupil), uai, BlogScope::Personal));
        assert!(!may_create(&actor(&person(&f, Profile::Parent, None)), uai, BlogScope::Personal));
    }

    #[test]
    fn a_personal_blog_is_published_by_its_owner_only() {
        let f = fixture();
        let b = blog(&f, BlogScope::Personal, false, f.pupil.user_id);
        let b = b.created.as_ref().unwrap();
        assert!(may_publish(b, &actor(&f.pupil)));
        assert!(!may_write(b, &actor(&teacher_of(&f, f.class))));
        assert!(may_read(b, &actor(&teacher_of(&f, f.class)), &Reach::default()));
    }
}
