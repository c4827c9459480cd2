//! Handlers of the blogs: writers draft and submit, publishers publish, send back and moderate
//! comments, readers comment (docs/domain.md, "Blogs").

use ent_domain::Actor;
use ent_domain::blogs::commands::*;
use ent_domain::blogs::events::BlogCreated;
use ent_domain::blogs::posts::{self as rules, BlogPostState, BlogState};
use ent_domain::directory::Profile;
use ent_domain::reach::Reach;

use crate::authorization::actor_structure;
use crate::context::{CommandContext, Loaded, Plan, PlannedAppend};
use crate::error::CommandError;
use crate::loading::{load_structure, load_user_opt, uai_of};
use crate::store::ExpectedVersion;

/// The classes of the actor's pupils: their own as a pupil, their children's as a parent.
pub(crate) async fn reach(ctx: &CommandContext<'_>) -> Result<Reach, CommandError> {
    let mut reach = Reach::default();
    let Some(u) = ctx.actor.user() else { return Ok(reach) };
    if u.profile == Some(Profile::Eleve)
        && let Some((c, _)) = u.class
    {
        reach.classes.insert(c);
    }
    for child in &u.children {
        if let Some((c, _)) = load_user_opt(ctx, *child).await?.and_then(|p| p.class) {
            reach.classes.insert(c);
        }
    }
    Ok(reach)
}

pub async fn create_blog(ctx: &CommandContext<'_>, cmd: &CreateBlog) -> Result<Plan, CommandError> {
    let uai = actor_structure(ctx.actor)?;
    if !rules::may_create(ctx.actor, &uai, cmd.owner) {
        return Err(CommandError::Forbidden("the direction creates the structure's blog, a class's teachers its blog".into()));
    }
    let s = load_structure(ctx, &uai).await?;
    ctx.require_unused::<BlogState>(cmd.blog_id, "blog_id").await?;
    let id = ctx.chosen_id(cmd.blog_id, "blog");
    let events = rules::create_blog(&s.state, cmd, id, ctx.actor_id())?;
    Ok(Plan::one(PlannedAppend { stream: BlogState::stream(&uai, id), expected: ExpectedVersion::NoStream, events })
        .with_created("blog_id", id))
}

fn blog_of(blog: &BlogState) -> Result<&BlogCreated, CommandError> {
    blog.created.as_ref().ok_or_else(|| CommandError::NotFound("blog".into()))
}

fn require(allowed: bool, message: &str) -> Result<(), CommandError> {
    if allowed { Ok(()) } else { Err(CommandError::Forbidden(message.into())) }
}

/// A post and its blog.
async fn load_post(ctx: &CommandContext<'_>, post: uuid::Uuid) -> Result<(Loaded<BlogPostState>, BlogState), CommandError> {
    let p = ctx.load_by_id::<BlogPostState>(post, "post").await?;
    let (d, _) = rules::drafted(&p.state)?;
    let b = ctx.load::<BlogState>(BlogState::stream(&uai_of(&p), d.blog_id)).await?;
    Ok((p, b.state))
}

fn author_only(post: &BlogPostState, actor: &Actor) -> Result<(), CommandError> {
    let (d, _) = rules::drafted(post)?;
    require(actor.user().is_some_and(|u| u.user_id == d.author), "only the author of this post may do this")
}

pub async fn write_blog_post(ctx: &CommandContext<'_>, cmd: &WriteBlogPost) -> Result<Plan, CommandError> {
    let blog = ctx.load_by_id::<BlogState>(cmd.blog, "blog").await?;
    require(rules::may_write(blog_of(&blog.state)?, ctx.actor), "only the writers of this blog may write in it")?;
    ctx.require_unused::<BlogPostState>(cmd.post_id, "post_id").await?;
    let id = ctx.chosen_id(cmd.post_id, "blog-post");
    let events = rules::write_post(&blog.state, cmd, id, ctx.actor_id())?;
    Ok(Plan::one(PlannedAppend { stream: BlogPostState::stream(&uai_of(&blog), id), expected: ExpectedVersion::NoStream, events })
        .with_created("post_id", id))
}

pub async fn edit_blog_post(ctx: &CommandContext<'_>, cmd: &EditBlogPost) -> Result<Plan, CommandError> {
    let (post, blog) = load_post(ctx, cmd.post).await?;
    require(rules::may_write(blog_of(&blog)?, ctx.actor), "only the writers of this blog may write in it")?;
    author_only(&post.state, ctx.actor)?;
    let events = rules::edit_post(&post.state, cmd)?;
    Ok(Plan::one(post.append(events)))
}

pub async fn submit_blog_post(ctx: &CommandContext<'_>, cmd: &SubmitBlogPost) -> Result<Plan, CommandError> {
    let (post, blog) = load_post(ctx, cmd.post).await?;
    require(rules::may_write(blog_of(&blog)?, ctx.actor), "only the writers of this blog may write in it")?;
    author_only(&post.state, ctx.actor)?;
    let events = rules::submit_post(&post.state)?;
    Ok(Plan::one(post.append(events)))
}

pub async fn publish_blog_post(ctx: &CommandContext<'_>, cmd: &PublishBlogPost) -> Result<Plan, CommandError> {
    let (post, blog) = load_post(ctx, cmd.post).await?;
    require(rules::may_publish(blog_of(&blog)?, ctx.actor), "only the publishers of this blog may publish")?;
    let events = rules::publish_post(&post.state, ctx.actor_id())?;
    Ok(Plan::one(post.append(events)))
}

pub async fn return_blog_post(ctx: &CommandContext<'_>, cmd: &ReturnBlogPost) -> Result<Plan, CommandError> {
    let (post, blog) = load_post(ctx, cmd.post).await?;
    require(rules::may_publish(blog_of(&blog)?, ctx.actor), "only the publishers of this blog may send a post back")?;
    let events = rules::return_post(&post.state, cmd)?;
    Ok(Plan::one(post.append(events)))
}

pub async fn comment_blog_post(ctx: &CommandContext<'_>, cmd: &CommentBlogPost) -> Result<Plan, CommandError> {
    let (post, blog) = load_post(ctx, cmd.post).await?;
    let b = blog_of(&blog)?;
    let reach = reach(ctx).await?;
    require(rules::may_read(b, ctx.actor, &reach), "only the readers of this blog may comment")?;
    let publisher = rules::may_publish(b, ctx.actor);
    if cmd.comment_id.is_some_and(|id| post.state.comments.contains_key(&id)) {
        return Err(crate::context::id_in_use("comment_id"));
    }
    let id = ctx.chosen_id(cmd.comment_id, "blog-comment");
    let events = rules::comment(&blog, &post.state, cmd, id, ctx.actor_id(), publisher)?;
    Ok(Plan::one(post.append(events)).with_created("comment_id", id))
}

pub async fn approve_blog_comment(ctx: &CommandContext<'_>, cmd: &ApproveBlogComment) -> Result<Plan, CommandError> {
    let (post, blog) = load_post(ctx, cmd.post).await?;
    require(rules::may_publish(blog_of(&blog)?, ctx.actor), "only the publishers of this blog moderate its comments")?;
    let events = rules::approve_comment(&post.state, cmd)?;
    Ok(Plan::one(post.append(events)))
}

pub async fn reject_blog_comment(ctx: &CommandContext<'_>, cmd: &RejectBlogComment) -> Result<Plan, CommandError> {
    let (post, blog) = load_post(ctx, cmd.post).await?;
    require(rules::may_publish(blog_of(&blog)?, ctx.actor), "only the publishers of this blog moderate its comments")?;
    let events = rules::reject_comment(&post.state, cmd)?;
    Ok(Plan::one(post.append(events)))
}
