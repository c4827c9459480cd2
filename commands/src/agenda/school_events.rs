//! `CreateSchoolEvent`, `UpdateSchoolEvent`, `CancelSchoolEvent`: the staff of the structure
//! (direction, CPE and other personnel, its administrators).

use ent_domain::Actor;
use ent_domain::agenda::commands::{Audience, CancelSchoolEvent, CreateSchoolEvent, UpdateSchoolEvent};
use ent_domain::agenda::school_event::{self as rules, SchoolEventState};
use ent_domain::directory::UserState;

use crate::context::{CommandContext, Plan, PlannedAppend};
use crate::error::CommandError;
use crate::loading::{load_structure, load_user_or_empty, uai_of};
use crate::store::ExpectedVersion;

fn require_staff(actor: &Actor, uai: &str) -> Result<(), CommandError> {
    if actor.is_staff_of(uai) { Ok(()) } else { Err(CommandError::Forbidden(format!("only the staff of {uai} manage its school events"))) }
}

/// The users an audience of users names, as loaded (an unknown one as an empty state, which the
/// rule refuses naming its field).
async fn audience_users(ctx: &CommandContext<'_>, audience: Option<&Audience>) -> Result<Vec<UserState>, CommandError> {
    let mut users = Vec::new();
    if let Some(Audience::Users(ids)) = audience {
        for id in ids.iter().take(rules::MAX_AUDIENCE) {
            let mut u = load_user_or_empty(ctx, *id).await?;
            u.user_id = *id;
            users.push(u);
        }
    }
    Ok(users)
}

pub async fn create_school_event(ctx: &CommandContext<'_>, cmd: &CreateSchoolEvent) -> Result<Plan, CommandError> {
    let s = load_structure(ctx, &cmd.structure).await?;
    let uai = s.state.uai.clone();
    require_staff(ctx.actor, &uai)?;
    ctx.require_unused::<SchoolEventState>(cmd.event_id, "event_id").await?;
    let id = ctx.chosen_id(cmd.event_id, "school-event");
    let users = audience_users(ctx, Some(&cmd.audience)).await?;
    let events = rules::create_school_event(&s.state, &users, cmd, id)?;
    Ok(Plan::one(PlannedAppend { stream: SchoolEventState::stream(&uai, id), expected: ExpectedVersion::NoStream, events })
        .with_created("event_id", id))
}

pub async fn update_school_event(ctx: &CommandContext<'_>, cmd: &UpdateSchoolEvent) -> Result<Plan, CommandError> {
    let event = ctx.load_by_id::<SchoolEventState>(cmd.event, "event").await?;
    let uai = uai_of(&event);
    require_staff(ctx.actor, &uai)?;
    let s = load_structure(ctx, &uai).await?;
    let users = audience_users(ctx, cmd.audience.as_ref()).await?;
    let events = rules::update_school_event(&event.state, &s.state, &users, cmd)?;
    Ok(Plan::one(event.append(events)))
}

pub async fn cancel_school_event(ctx: &CommandContext<'_>, cmd: &CancelSchoolEvent) -> Result<Plan, CommandError> {
    let event = ctx.load_by_id::<SchoolEventState>(cmd.event, "event").await?;
    require_staff(ctx.actor, &uai_of(&event))?;
    let events = rules::cancel_school_event(&event.state, cmd)?;
    Ok(Plan::one(event.append(events)))
}
