//! `SetSubjectAppreciation`, `SetCouncilAppreciation`, `SetSubjectCoefficient`,
//! `PublishBulletins`.

use ent_domain::directory::normalize_uai;
use ent_domain::notes::bulletin::{self as rules, pupil_class_in_period};
use ent_domain::notes::commands::{PublishBulletins, SetCouncilAppreciation, SetSubjectAppreciation, SetSubjectCoefficient};
use ent_domain::notes::settings::set_subject_coefficient as coefficient_rule;
use ent_domain::notes::{BulletinState, NotesSettingsState};

use crate::authorization::{actor_structure, require_direction, require_subject_teacher_of_pupil, require_teacher_of_pupil};
use crate::context::{CommandContext, Plan};
use crate::error::CommandError;
use crate::loading::{load_structure, load_user};

pub async fn set_subject_appreciation(ctx: &CommandContext<'_>, cmd: &SetSubjectAppreciation) -> Result<Plan, CommandError> {
    let pupil = load_user(ctx, cmd.pupil, "pupil").await?;
    let s = load_structure(ctx, &pupil.structure).await?;
    let period = s.state.period(cmd.period).ok_or_else(|| CommandError::NotFound("period".into()))?;
    let class = pupil_class_in_period(&pupil, period)?;
    require_subject_teacher_of_pupil(ctx.actor, &s.state, class, pupil.user_id, cmd.subject)?;
    let bulletin = ctx.load::<BulletinState>(BulletinState::stream(&s.state.uai, class, cmd.period)).await?;
    let events = rules::set_subject_appreciation(&bulletin.state, &s.state, &pupil, cmd)?;
    Ok(Plan::one(bulletin.append(events)))
}

pub async fn set_council_appreciation(ctx: &CommandContext<'_>, cmd: &SetCouncilAppreciation) -> Result<Plan, CommandError> {
    let pupil = load_user(ctx, cmd.pupil, "pupil").await?;
    let s = load_structure(ctx, &pupil.structure).await?;
    let period = s.state.period(cmd.period).ok_or_else(|| CommandError::NotFound("period".into()))?;
    let class = pupil_class_in_period(&pupil, period)?;
    require_teacher_of_pupil(ctx.actor, &s.state, Some(class), pupil.user_id)?;
    let bulletin = ctx.load::<BulletinState>(BulletinState::stream(&s.state.uai, class, cmd.period)).await?;
    let events = rules::set_council_appreciation(&bulletin.state, &s.state, &pupil, cmd)?;
    Ok(Plan::one(bulletin.append(events)))
}

pub async fn set_subject_coefficient(ctx: &CommandContext<'_>, cmd: &SetSubjectCoefficient) -> Result<Plan, CommandError> {
    let uai = normalize_uai(&cmd.structure)?;
    require_direction(ctx.actor, &uai)?;
    let s = load_structure(ctx, &uai).await?;
    let settings = ctx.load::<NotesSettingsState>(NotesSettingsState::stream(&uai)).await?;
    let events = coefficient_rule(&s.state, cmd)?;
    Ok(Plan::one(settings.append(events)))
}

pub async fn publish_bulletins(ctx: &CommandContext<'_>, cmd: &PublishBulletins) -> Result<Plan, CommandError> {
    let uai = actor_structure(ctx.actor)?;
    require_direction(ctx.actor, &uai)?;
    let s = load_structure(ctx, &uai).await?;
    let bulletin = ctx.load::<BulletinState>(BulletinState::stream(&uai, cmd.class, cmd.period)).await?;
    let events = rules::publish_bulletins(&bulletin.state, &s.state, cmd)?;
    Ok(Plan::one(bulletin.append(events)))
}
