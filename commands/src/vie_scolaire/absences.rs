//! `JustifyAbsence`, `AcceptJustification`, `RefuseJustification`, `RecordAbsence`,
//! `MarkNotificationsRead`.

use ent_domain::directory::{Profile, UserState};
use ent_domain::vie_scolaire::absences;
use ent_domain::vie_scolaire::commands::{AcceptJustification, JustifyAbsence, MarkNotificationsRead, RecordAbsence, RefuseJustification};
use ent_domain::vie_scolaire::events::NotificationsRead;
use ent_domain::vie_scolaire::justification::{self, JustificationStateful};
use ent_domain::{DomainError, Event, StreamId};

use super::authorization::require_vie_scolaire;
use crate::context::{CommandContext, Plan, PlannedAppend};
use crate::error::CommandError;
use crate::store::ExpectedVersion;

pub async fn justify_absence(ctx: &CommandContext<'_>, cmd: &JustifyAbsence) -> Result<Plan, CommandError> {
    let pupil = ctx.load_by_id::<UserState>(cmd.pupil, "pupil").await?;
    let is_parent = ctx.actor.user().is_some_and(|u| u.profile == Some(Profile::Parent) && u.children.contains(&cmd.pupil));
    if !is_parent {
        return Err(CommandError::Forbidden("only a parent of this pupil may justify their absences".into()));
    }
    ctx.require_unused::<JustificationStateful>(cmd.justification_id, "justification_id").await?;
    let id = ctx.chosen_id(cmd.justification_id, "justification");
    let events = justification::justify_absence(&pupil.state, cmd, id, ctx.actor_id())?;
    Ok(Plan::one(PlannedAppend {
        stream: JustificationStateful::stream(&pupil.state.structure, id),
        expected: ExpectedVersion::NoStream,
        events,
    })
    .with_created("justification_id", id))
}

async fn load_justification(
    ctx: &CommandContext<'_>,
    id: uuid::Uuid,
) -> Result<crate::context::Loaded<JustificationStateful>, CommandError> {
    let j = ctx.load_by_id::<JustificationStateful>(id, "justification").await?;
    require_vie_scolaire(ctx.actor, &j.stream.structure)?;
    Ok(j)
}

pub async fn accept_justification(ctx: &CommandContext<'_>, cmd: &AcceptJustification) -> Result<Plan, CommandError> {
    let j = load_justification(ctx, cmd.justification).await?;
    let events = justification::accept(&j.state, ctx.actor_id())?;
    Ok(Plan::one(j.append(events)))
}

pub async fn refuse_justification(ctx: &CommandContext<'_>, cmd: &RefuseJustification) -> Result<Plan, CommandError> {
    let j = load_justification(ctx, cmd.justification).await?;
    let events = justification::refuse(&j.state, ctx.actor_id(), &cmd.reason)?;
    Ok(Plan::one(j.append(events)))
}

pub async fn record_absence(ctx: &CommandContext<'_>, cmd: &RecordAbsence) -> Result<Plan, CommandError> {
    let pupil = ctx.load_by_id::<UserState>(cmd.pupil, "pupil").await?;
    require_vie_scolaire(ctx.actor, &pupil.state.structure)?;
    let absence_id = ctx.new_id("absence");
    let events = absences::record_absence(&pupil.state, cmd, absence_id, ctx.actor_id())?;
    let stream = absences::pupil_absences_stream(&pupil.state.structure, cmd.pupil);
    let version = ctx.store.stream_version(&stream.to_string()).await?;
    Ok(Plan::one(PlannedAppend { stream, expected: ExpectedVersion::from_loaded(version), events }).with_created("absence_id", absence_id))
}

pub async fn mark_notifications_read(ctx: &CommandContext<'_>, cmd: &MarkNotificationsRead) -> Result<Plan, CommandError> {
    let Some(user) = ctx.actor.user() else { return Err(CommandError::Forbidden("only users have notifications".into())) };
    if cmd.notifications.is_empty() || cmd.notifications.len() > 1000 {
        return Err(DomainError::field("notifications", "1 to 1000 ids").into());
    }
    let stream = StreamId::new(&user.structure, "inbox", user.user_id.to_string());
    let version = ctx.store.stream_version(&stream.to_string()).await?;
    let event = Event::NotificationsRead(NotificationsRead { user: user.user_id, notification_ids: cmd.notifications.clone() });
    Ok(Plan::one(PlannedAppend { stream, expected: ExpectedVersion::from_loaded(version), events: vec![event] }))
}
