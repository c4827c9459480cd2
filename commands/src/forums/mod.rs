//! Handlers of the forums: members take part in the categories open to them, authors edit their
//! posts, moderators hide posts and lock topics (docs/domain.md, "Forums").

use ent_domain::forums::commands::*;
use ent_domain::forums::topics::{self as rules, CategoryState, TopicState};

use crate::authorization::actor_structure;
use crate::context::{CommandContext, Loaded, Plan, PlannedAppend};
use crate::error::CommandError;
use crate::loading::{load_structure, load_user, uai_of};
use crate::store::ExpectedVersion;

pub async fn create_forum_category(ctx: &CommandContext<'_>, cmd: &CreateForumCategory) -> Result<Plan, CommandError> {
    let uai = actor_structure(ctx.actor)?;
    if !rules::may_create_category(ctx.actor, &uai, cmd.class) {
        return Err(CommandError::Forbidden("only the direction, the CPEs or a teacher of the class may create a category".into()));
    }
    let s = load_structure(ctx, &uai).await?;
    ctx.require_unused::<CategoryState>(cmd.category_id, "category_id").await?;
    let mut moderators = Vec::with_capacity(cmd.moderators.len());
    for (i, id) in cmd.moderators.iter().enumerate() {
        moderators.push(load_user(ctx, *id, &format!("moderators[{i}]")).await?);
    }
    let id = ctx.chosen_id(cmd.category_id, "forum-category");
    let events = rules::create_category(&s.state, cmd, id, &moderators)?;
    Ok(Plan::one(PlannedAppend { stream: CategoryState::stream(&uai, id), expected: ExpectedVersion::NoStream, events })
        .with_created("category_id", id))
}

/// A topic and the category it belongs to.
async fn load_topic(ctx: &CommandContext<'_>, topic: uuid::Uuid) -> Result<(Loaded<TopicState>, CategoryState), CommandError> {
    let t = ctx.load_by_id::<TopicState>(topic, "topic").await?;
    let category_id = t.state.opened.as_ref().ok_or_else(|| CommandError::NotFound("topic".into()))?.category_id;
    let c = ctx.load::<CategoryState>(CategoryState::stream(&uai_of(&t), category_id)).await?;
    Ok((t, c.state))
}

fn take_part(category: &CategoryState, ctx: &CommandContext<'_>) -> Result<(), CommandError> {
    match &category.created {
        Some(c) if rules::may_take_part(c, ctx.actor) => Ok(()),
        _ => Err(CommandError::Forbidden("only the members of this category may post in it".into())),
    }
}

fn moderate(category: &CategoryState, ctx: &CommandContext<'_>) -> Result<(), CommandError> {
    match &category.created {
        Some(c) if rules::may_moderate(c, ctx.actor) => Ok(()),
        _ => Err(CommandError::Forbidden("only a moderator of this category may do this".into())),
    }
}

pub async fn open_topic(ctx: &CommandContext<'_>, cmd: &OpenTopic) -> Result<Plan, CommandError> {
    let category = ctx.load_by_id::<CategoryState>(cmd.category, "category").await?;
    take_part(&category.state, ctx)?;
    ctx.require_unused::<TopicState>(cmd.topic_id, "topic_id").await?;
    let id = ctx.chosen_id(cmd.topic_id, "forum-topic");
    let post_id = ctx.new_id("forum-post");
    let events = rules::open_topic(&category.state, cmd, id, post_id, ctx.actor_id())?;
    Ok(Plan::one(PlannedAppend { stream: TopicState::stream(&uai_of(&category), id), expected: ExpectedVersion::NoStream, events })
        .with_created("topic_id", id)
        .with_created("post_id", post_id))
}

pub async fn reply_to_topic(ctx: &CommandContext<'_>, cmd: &ReplyToTopic) -> Result<Plan, CommandError> {
    let (topic, category) = load_topic(ctx, cmd.topic).await?;
    take_part(&category, ctx)?;
    if cmd.post_id.is_some_and(|id| topic.state.posts.contains_key(&id)) {
        return Err(crate::context::id_in_use("post_id"));
    }
    let id = ctx.chosen_id(cmd.post_id, "forum-post");
    let events = rules::reply(&topic.state, cmd, id, ctx.actor_id())?;
    Ok(Plan::one(topic.append(events)).with_created("post_id", id))
}

pub async fn edit_post(ctx: &CommandContext<'_>, cmd: &EditPost) -> Result<Plan, CommandError> {
    let (topic, category) = load_topic(ctx, cmd.topic).await?;
    take_part(&category, ctx)?;
    if rules::post(&topic.state, cmd.post)?.author != ctx.actor_id() {
        return Err(CommandError::Forbidden("only its author edits a post".into()));
    }
    let events = rules::edit_post(&topic.state, cmd)?;
    Ok(Plan::one(topic.append(events)))
}

pub async fn hide_post(ctx: &CommandContext<'_>, cmd: &HidePost) -> Result<Plan, CommandError> {
    let (topic, category) = load_topic(ctx, cmd.topic).await?;
    moderate(&category, ctx)?;
    let events = rules::hide_post(&topic.state, cmd)?;
    Ok(Plan::one(topic.append(events)))
}

pub async fn lock_topic(ctx: &CommandContext<'_>, cmd: &LockTopic) -> Result<Plan, CommandError> {
    let (topic, category) = load_topic(ctx, cmd.topic).await?;
    moderate(&category, ctx)?;
    let events = rules::lock_topic(&topic.state, cmd)?;
    Ok(Plan::one(topic.append(events)))
}
