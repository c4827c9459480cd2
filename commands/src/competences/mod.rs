//! Handlers of the livret de compétences: a teacher of the pupil (or the direction) positions,
//! validates and assesses; the direction or an ADML defines frameworks.

use ent_domain::competences::booklet as rules;
use ent_domain::competences::commands::*;
use ent_domain::competences::framework::{define_framework, resolve};
use ent_domain::competences::{BookletState, FrameworkDef, FrameworkState};
use ent_domain::directory::{StructureState, UserState, normalize_uai};
use ent_domain::notes::EvaluationState;

use crate::authorization::{require_directory_admin, require_teacher_of_pupil};
use crate::context::{CommandContext, Loaded, Plan};
use crate::error::CommandError;
use crate::loading::{load_structure, load_user};

pub async fn define_competency_framework(ctx: &CommandContext<'_>, cmd: &DefineCompetencyFramework) -> Result<Plan, CommandError> {
    let uai = normalize_uai(&cmd.structure)?;
    require_directory_admin(ctx.actor, &uai)?;
    let s = load_structure(ctx, &uai).await?;
    let framework = ctx.load::<FrameworkState>(FrameworkState::stream(&uai, cmd.code.trim())).await?;
    let events = define_framework(&s.state, cmd)?;
    Ok(Plan::one(framework.append(events)))
}

/// The pupil, their structure and booklet, after checking the actor follows that pupil.
async fn pupil_booklet(
    ctx: &CommandContext<'_>,
    pupil: uuid::Uuid,
) -> Result<(UserState, Loaded<StructureState>, Loaded<BookletState>), CommandError> {
    let pupil = load_user(ctx, pupil, "pupil").await?;
    let s = load_structure(ctx, &pupil.structure).await?;
    require_teacher_of_pupil(ctx.actor, &s.state, pupil.class.map(|(c, _)| c), pupil.user_id)?;
    let booklet = ctx.load::<BookletState>(BookletState::stream(&s.state.uai, pupil.user_id)).await?;
    Ok((pupil, s, booklet))
}

async fn framework(ctx: &CommandContext<'_>, uai: &str, code: &str) -> Result<FrameworkDef, CommandError> {
    let defined = ctx.load::<FrameworkState>(FrameworkState::stream(uai, code)).await?;
    Ok(resolve(code, &defined.state)?)
}

pub async fn position_competency(ctx: &CommandContext<'_>, cmd: &PositionCompetency) -> Result<Plan, CommandError> {
    let (pupil, s, booklet) = pupil_booklet(ctx, cmd.pupil).await?;
    let framework = framework(ctx, &s.state.uai, &cmd.framework).await?;
    let evidence = match cmd.evidence {
        Some(id) => match ctx.load_by_id::<EvaluationState>(id, "evidence").await {
            Ok(e) if e.stream.structure == s.state.uai => Some(e.state),
            Ok(_) | Err(CommandError::NotFound(_)) => None,
            Err(e) => return Err(e),
        },
        None => None,
    };
    let events = rules::position_competency(&framework, &s.state, &pupil, cmd, evidence.as_ref())?;
    Ok(Plan::one(booklet.append(events)))
}

pub async fn validate_certification_item(ctx: &CommandContext<'_>, cmd: &ValidateCertificationItem) -> Result<Plan, CommandError> {
    let (pupil, s, booklet) = pupil_booklet(ctx, cmd.pupil).await?;
    let framework = framework(ctx, &s.state.uai, &cmd.framework).await?;
    let events = rules::validate_certification_item(&booklet.state, &framework, &s.state, &pupil, cmd)?;
    Ok(Plan::one(booklet.append(events)))
}

pub async fn set_end_of_cycle_assessment(ctx: &CommandContext<'_>, cmd: &SetEndOfCycleAssessment) -> Result<Plan, CommandError> {
    let (pupil, s, booklet) = pupil_booklet(ctx, cmd.pupil).await?;
    let events = rules::set_end_of_cycle_assessment(&s.state, &pupil, cmd)?;
    Ok(Plan::one(booklet.append(events)))
}
