//! Handlers of the news: the staff of a structure publish and withdraw (docs/domain.md, "News").

use ent_domain::actualites::commands::*;
use ent_domain::actualites::news::{self as rules, NewsState};

use crate::context::{CommandContext, Plan, PlannedAppend};
use crate::error::CommandError;
use crate::loading::{load_structure, load_user_or_empty, uai_of};
use crate::store::ExpectedVersion;

fn require_staff(ctx: &CommandContext<'_>, uai: &str) -> Result<(), CommandError> {
    if ctx.actor.is_staff_of(uai) { Ok(()) } else { Err(CommandError::Forbidden(format!("only the staff of {uai} publish its news"))) }
}

pub async fn publish_news(ctx: &CommandContext<'_>, cmd: &PublishNews) -> Result<Plan, CommandError> {
    let s = load_structure(ctx, &cmd.structure).await?;
    let uai = s.state.uai.clone();
    require_staff(ctx, &uai)?;
    ctx.require_unused::<NewsState>(cmd.news_id, "news_id").await?;
    let mut users = Vec::new();
    if let Audience::Users { users: ids } = &cmd.audience {
        for id in ids.iter().take(501) {
            users.push(load_user_or_empty(ctx, *id).await?);
        }
    }
    let id = ctx.chosen_id(cmd.news_id, "news");
    let events = rules::publish_news(&s.state, cmd, id, &users)?;
    Ok(Plan::one(PlannedAppend { stream: NewsState::stream(&uai, id), expected: ExpectedVersion::NoStream, events })
        .with_created("news_id", id))
}

pub async fn withdraw_news(ctx: &CommandContext<'_>, cmd: &WithdrawNews) -> Result<Plan, CommandError> {
    let news = ctx.load_by_id::<NewsState>(cmd.news, "news").await?;
    require_staff(ctx, &uai_of(&news))?;
    let events = rules::withdraw_news(&news.state, cmd)?;
    Ok(Plan::one(news.append(events)))
}
