//! `CreateStructure`, `CreateClass`, `CreateGroup`, `CreateSubject`, `DefinePeriods`.

use ent_domain::directory::commands::{CreateClass, CreateGroup, CreateStructure, CreateSubject, DefinePeriods};
use ent_domain::directory::{StructureState, UserState, normalize_uai, structure as rules};

use crate::authorization::{require_directory_admin, require_platform_admin};
use crate::context::{CommandContext, Plan, id_in_use};
use crate::error::CommandError;
use crate::loading::load_structure;

pub async fn create_structure(ctx: &CommandContext<'_>, cmd: &CreateStructure) -> Result<Plan, CommandError> {
    require_platform_admin(ctx.actor)?;
    let uai = normalize_uai(&cmd.uai)?;
    let loaded = ctx.load::<StructureState>(StructureState::stream(&uai)).await?;
    let events = rules::create_structure(&loaded.state, cmd)?;
    Ok(Plan::one(loaded.append(events)))
}

pub async fn create_class(ctx: &CommandContext<'_>, cmd: &CreateClass) -> Result<Plan, CommandError> {
    let s = load_structure(ctx, &cmd.structure).await?;
    require_directory_admin(ctx.actor, &s.state.uai)?;
    let id = ctx.chosen_id(cmd.class_id, "class");
    // Classes and groups share one id space (`class_or_group`).
    if cmd.class_id.is_some() && (s.state.classes.contains_key(&id) || s.state.groups.contains_key(&id)) {
        return Err(id_in_use("class_id"));
    }
    let events = rules::create_class(&s.state, cmd, id)?;
    Ok(Plan::one(s.append(events)).with_created("class_id", id))
}

pub async fn create_group(ctx: &CommandContext<'_>, cmd: &CreateGroup) -> Result<Plan, CommandError> {
    let s = load_structure(ctx, &cmd.structure).await?;
    require_directory_admin(ctx.actor, &s.state.uai)?;
    let mut members = Vec::with_capacity(cmd.members.len());
    for (i, id) in cmd.members.iter().enumerate() {
        match ctx.load_by_id::<UserState>(*id, "member").await {
            Ok(m) => members.push(m.state),
            Err(CommandError::NotFound(_)) => {
                return Err(CommandError::InvalidField { field: format!("members[{i}]"), message: "no such user".into() });
            }
            Err(e) => return Err(e),
        }
    }
    let id = ctx.chosen_id(cmd.group_id, "group");
    if cmd.group_id.is_some() && (s.state.classes.contains_key(&id) || s.state.groups.contains_key(&id)) {
        return Err(id_in_use("group_id"));
    }
    let events = rules::create_group(&s.state, cmd, id, &members)?;
    Ok(Plan::one(s.append(events)).with_created("group_id", id))
}

pub async fn create_subject(ctx: &CommandContext<'_>, cmd: &CreateSubject) -> Result<Plan, CommandError> {
    let s = load_structure(ctx, &cmd.structure).await?;
    require_directory_admin(ctx.actor, &s.state.uai)?;
    let id = ctx.chosen_id(cmd.subject_id, "subject");
    if cmd.subject_id.is_some() && s.state.subjects.contains_key(&id) {
        return Err(id_in_use("subject_id"));
    }
    let events = rules::create_subject(&s.state, cmd, id)?;
    Ok(Plan::one(s.append(events)).with_created("subject_id", id))
}

pub async fn define_periods(ctx: &CommandContext<'_>, cmd: &DefinePeriods) -> Result<Plan, CommandError> {
    let s = load_structure(ctx, &cmd.structure).await?;
    require_directory_admin(ctx.actor, &s.state.uai)?;
    let events = rules::define_periods(&s.state, cmd)?;
    Ok(Plan::one(s.append(events)))
}
