//! Handlers of the ressources service: teachers publish to the classes and groups they teach
//! (the direction to any of its structure), create learning paths for them; pupils mark the steps
//! of their paths as done (docs/domain.md, "Ressources numériques & parcours").

use ent_domain::Actor;
use ent_domain::directory::Profile;
use ent_domain::ressources::catalogue::{self as catalogue, ResourceState};
use ent_domain::ressources::commands::*;
use ent_domain::ressources::paths::{self as paths, LearningPathState, PathProgressState};
use uuid::Uuid;

use crate::authorization::actor_structure;
use crate::context::{CommandContext, Plan, PlannedAppend};
use crate::error::CommandError;
use crate::loading::{load_structure, uai_of};
use crate::store::ExpectedVersion;

/// Publishing to (or creating a path for) classes and groups of `uai`: the direction, for any of
/// them; a teacher of the structure, only for classes and groups they teach.
pub fn require_publisher(actor: &Actor, uai: &str, audience: &[Uuid]) -> Result<(), CommandError> {
    if actor.is_direction_of(uai) {
        return Ok(());
    }
    let teacher = actor.user().filter(|u| u.structure == uai && u.profile == Some(Profile::Enseignant));
    match teacher {
        Some(t) if audience.iter().all(|c| t.teaches_class(*c)) => Ok(()),
        Some(_) => Err(CommandError::Forbidden("a teacher publishes only to the classes and groups they teach".into())),
        None => Err(CommandError::Forbidden("only the teachers and the direction of the structure publish resources".into())),
    }
}

/// A file source is a file of the publisher's own workspace, out of the trash; publishing shares
/// it to read with the resource's classes and groups in the same append, so its download rights
/// follow the publication (docs/domain.md, "Ressources numériques & parcours").
async fn share_workspace_file(
    ctx: &CommandContext<'_>,
    structure: &ent_domain::directory::StructureState,
    file: Uuid,
    audience: &[Uuid],
) -> Result<Option<PlannedAppend>, CommandError> {
    let (ws, _, owner) = crate::espace::own_workspace(ctx).await?;
    let events = ent_domain::espace::workspace::share_for_publication(&ws.state, structure, owner, file, audience)?;
    Ok((!events.is_empty()).then(|| ws.append(events)))
}

pub async fn publish_resource(ctx: &CommandContext<'_>, cmd: &PublishResource) -> Result<Plan, CommandError> {
    let s = load_structure(ctx, &cmd.structure).await?;
    let uai = s.state.uai.clone();
    require_publisher(ctx.actor, &uai, &cmd.published_to)?;
    ctx.require_unused::<ResourceState>(cmd.resource_id, "resource_id").await?;
    let id = ctx.chosen_id(cmd.resource_id, "resource");
    let events = catalogue::publish_resource(&s.state, cmd, id)?;
    let mut plan = Plan::one(PlannedAppend { stream: ResourceState::stream(&uai, id), expected: ExpectedVersion::NoStream, events })
        .with_created("resource_id", id);
    if let Some(file) = cmd.file
        && let Some(shares) = share_workspace_file(ctx, &s.state, file, &cmd.published_to).await?
    {
        plan.appends.push(shares);
    }
    Ok(plan)
}

/// Withdrawn by whoever may publish to every class and group it is published to.
pub async fn unpublish_resource(ctx: &CommandContext<'_>, cmd: &UnpublishResource) -> Result<Plan, CommandError> {
    let resource = ctx.load_by_id::<ResourceState>(cmd.resource, "resource").await?;
    let current = resource.state.published.as_ref().ok_or_else(|| CommandError::NotFound("resource".into()))?;
    require_publisher(ctx.actor, &uai_of(&resource), &current.published_to)?;
    let events = catalogue::unpublish_resource(&resource.state, cmd)?;
    Ok(Plan::one(resource.append(events)))
}

pub async fn create_learning_path(ctx: &CommandContext<'_>, cmd: &CreateLearningPath) -> Result<Plan, CommandError> {
    let uai = actor_structure(ctx.actor)?;
    require_publisher(ctx.actor, &uai, &[cmd.assigned_to])?;
    let s = load_structure(ctx, &uai).await?;
    ctx.require_unused::<LearningPathState>(cmd.path_id, "path_id").await?;
    let mut resources = Vec::new();
    for step in &cmd.steps {
        if let StepInput::Resource { resource } = step
            && !resources.iter().any(|(r, _)| r == resource)
        {
            match ctx.load_by_id::<ResourceState>(*resource, "resource").await {
                Ok(loaded) => resources.push((*resource, loaded.state)),
                // The rule names the step whose resource is unknown.
                Err(CommandError::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
    let id = ctx.chosen_id(cmd.path_id, "learning_path");
    let events = paths::create_learning_path(&s.state, cmd, id, &resources)?;
    Ok(Plan::one(PlannedAppend { stream: LearningPathState::stream(&uai, id), expected: ExpectedVersion::NoStream, events })
        .with_created("path_id", id))
}

/// Only pupils complete steps, their own.
pub async fn complete_step(ctx: &CommandContext<'_>, cmd: &CompleteStep) -> Result<Plan, CommandError> {
    let pupil = match ctx.actor.user() {
        Some(u) if u.profile == Some(Profile::Eleve) => u.clone(),
        _ => return Err(CommandError::Forbidden("only pupils mark the steps of their learning paths as done".into())),
    };
    let path = ctx.load_by_id::<LearningPathState>(cmd.path, "path").await?;
    let uai = uai_of(&path);
    if uai != pupil.structure {
        return Err(CommandError::NotFound("path".into()));
    }
    let s = load_structure(ctx, &uai).await?;
    let progress = ctx.load::<PathProgressState>(PathProgressState::stream(&uai, cmd.path, pupil.user_id)).await?;
    let events = paths::complete_step(&path.state, &progress.state, &s.state, &pupil, cmd, ctx.today())?;
    Ok(Plan::one(progress.append(events)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ent_domain::directory::user::Assignment;
    use ent_domain::directory::{Role, UserState};

    fn user(profile: Profile, role: Option<Role>) -> UserState {
        UserState { profile: Some(profile), role, structure: "0751234A".into(), active: true, ..Default::default() }
    }

    #[test]
    fn teachers_publish_only_to_the_classes_they_teach_the_direction_to_any() {
        let (taught, other) = (Uuid::new_v4(), Uuid::new_v4());
        let mut teacher = user(Profile::Enseignant, None);
        teacher.assignments.insert(Assignment { subject_id: Uuid::new_v4(), class_or_group: taught });
        let teacher = Actor::User(Box::new(teacher));
        assert!(require_publisher(&teacher, "0751234A", &[taught]).is_ok());
        assert!(matches!(require_publisher(&teacher, "0751234A", &[taught, other]), Err(CommandError::Forbidden(_))));
        assert!(require_publisher(&teacher, "0759999Z", &[taught]).is_err(), "another structure");
        let head = Actor::User(Box::new(user(Profile::Personnel, Some(Role::Direction))));
        assert!(require_publisher(&head, "0751234A", &[taught, other]).is_ok());
        let pupil = Actor::User(Box::new(user(Profile::Eleve, None)));
        assert!(require_publisher(&pupil, "0751234A", &[taught]).is_err());
        let cpe = Actor::User(Box::new(user(Profile::Personnel, Some(Role::Cpe))));
        assert!(require_publisher(&cpe, "0751234A", &[taught]).is_err());
    }
}
