//! Handlers of the visio meetings: teachers and staff schedule meetings with people they may
//! write to (the same rules as the chat's ad hoc rooms); the organiser or the direction cancels.

use ent_domain::directory::{Profile, UserState};
use ent_domain::visio::commands::*;
use ent_domain::visio::meetings::{self as rules, MeetingState};

use crate::authorization::actor_structure;
use crate::context::{CommandContext, Plan, PlannedAppend};
use crate::error::CommandError;
use crate::loading::{load_structure, uai_of};
use crate::store::ExpectedVersion;

/// Teachers and staff of the structure organise meetings.
fn organiser<'a>(ctx: &'a CommandContext<'_>, uai: &str) -> Result<&'a UserState, CommandError> {
    match ctx.actor.user() {
        Some(u) if u.structure == uai && u.active && matches!(u.profile, Some(Profile::Enseignant | Profile::Personnel)) => Ok(u),
        _ => Err(CommandError::Forbidden(format!("only the teachers and staff of {uai} schedule its meetings"))),
    }
}

pub async fn schedule_meeting(ctx: &CommandContext<'_>, cmd: &ScheduleMeeting) -> Result<Plan, CommandError> {
    let uai = actor_structure(ctx.actor)?;
    let s = load_structure(ctx, &cmd.structure).await?;
    if s.state.uai != uai {
        return Err(CommandError::Forbidden(format!("only the teachers and staff of {} schedule its meetings", s.state.uai)));
    }
    let who = organiser(ctx, &uai)?;
    ctx.require_unused::<MeetingState>(cmd.meeting_id, "meeting_id").await?;
    let id = ctx.chosen_id(cmd.meeting_id, "meeting");
    let events = rules::schedule_meeting(&s.state, who, cmd, id)?;
    // Participants are checked like the recipients of a message (docs/domain.md, "Communication rules").
    crate::communication::check_recipients(ctx, &cmd.participants).await?;
    Ok(Plan::one(PlannedAppend { stream: MeetingState::stream(&uai, id), expected: ExpectedVersion::NoStream, events })
        .with_created("meeting_id", id))
}

pub async fn cancel_meeting(ctx: &CommandContext<'_>, cmd: &CancelMeeting) -> Result<Plan, CommandError> {
    let meeting = ctx.load_by_id::<MeetingState>(cmd.meeting, "meeting").await?;
    let current = meeting.state.scheduled.as_ref().ok_or_else(|| CommandError::NotFound("meeting".into()))?;
    let own = ctx.actor.user().is_some_and(|u| u.user_id == current.organiser);
    if !own && !ctx.actor.is_direction_of(&uai_of(&meeting)) {
        return Err(CommandError::Forbidden("only the organiser or the direction cancels a meeting".into()));
    }
    let events = rules::cancel_meeting(&meeting.state, cmd)?;
    Ok(Plan::one(meeting.append(events)))
}
