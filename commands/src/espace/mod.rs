//! Handlers of the workspace (espace de travail): a user acts on their own workspace; a user a
//! file is shared with in `write` may rename it; the system purges the trash (retention).
//! Uploads do not go through `POST /api/v1/commands`: [`upload`] runs them with the size and
//! SHA-256 the upload routes measured while streaming the bytes into the blob store.

mod retention;
pub mod upload;

use ent_domain::Actor;
use ent_domain::espace::commands::*;
use ent_domain::espace::workspace::{self as rules, WorkspaceState};
use uuid::Uuid;

use crate::authorization::actor_structure;
use crate::context::{CommandContext, Loaded, Plan};
use crate::error::CommandError;
use crate::loading::{load_structure, load_user_opt};

pub use retention::{WorkspaceRetentionReport, run_workspace_retention};

/// The caller's own workspace (any user of a structure has one).
pub(crate) async fn own_workspace(ctx: &CommandContext<'_>) -> Result<(Loaded<WorkspaceState>, String, Uuid), CommandError> {
    let uai = actor_structure(ctx.actor)?;
    let owner = ctx.actor_id();
    let ws = ctx.load::<WorkspaceState>(WorkspaceState::stream(&uai, owner)).await?;
    Ok((ws, uai, owner))
}

/// The grantees a user is: themself, their class, their groups (given), the classes and groups
/// they teach.
pub fn grantees_of(actor: &Actor, groups: &[Uuid]) -> Vec<Grantee> {
    let Some(u) = actor.user() else { return Vec::new() };
    let mut out = vec![Grantee { kind: GranteeKind::User, id: u.user_id }];
    if let Some((class, _)) = u.class {
        out.push(Grantee { kind: GranteeKind::Class, id: class });
    }
    for a in &u.assignments {
        out.push(Grantee { kind: GranteeKind::Class, id: a.class_or_group });
        out.push(Grantee { kind: GranteeKind::Group, id: a.class_or_group });
    }
    out.extend(groups.iter().map(|g| Grantee { kind: GranteeKind::Group, id: *g }));
    out
}

pub async fn create_folder(ctx: &CommandContext<'_>, cmd: &CreateFolder) -> Result<Plan, CommandError> {
    let (ws, uai, owner) = own_workspace(ctx).await?;
    let id = ctx.chosen_id(cmd.folder_id, "folder");
    let events = rules::create_folder(&ws.state, &uai, owner, cmd, id)?;
    Ok(Plan::one(ws.append(events)).with_created("folder_id", id))
}

pub async fn rename_file(ctx: &CommandContext<'_>, cmd: &RenameFile) -> Result<Plan, CommandError> {
    let me = ctx.actor_id();
    let ws = match cmd.owner {
        Some(owner) if owner != me => {
            let ws = ctx.load_by_id::<WorkspaceState>(owner, "owner").await?;
            let uai = crate::loading::uai_of(&ws);
            let s = load_structure(ctx, &uai).await?;
            let groups: Vec<Uuid> = s.state.groups.iter().filter(|(_, g)| g.members.contains(&me)).map(|(id, _)| *id).collect();
            // Someone who may not even read the file is answered as if it did not exist.
            match ws.state.rights_of(cmd.file, &grantees_of(ctx.actor, &groups)) {
                Some(Rights::Write) if ctx.actor.user().is_some_and(|u| u.structure == uai) => {}
                Some(Rights::Read) => return Err(CommandError::Forbidden("this file is shared with you to read only".into())),
                _ => return Err(CommandError::NotFound("file".into())),
            }
            ws
        }
        _ => own_workspace(ctx).await?.0,
    };
    let owner = owner_of(&ws)?;
    let events = rules::rename_file(&ws.state, owner, cmd)?;
    Ok(Plan::one(ws.append(events)))
}

fn owner_of(ws: &Loaded<WorkspaceState>) -> Result<Uuid, CommandError> {
    Uuid::parse_str(&ws.stream.id).map_err(|_| CommandError::NotFound("file".into()))
}

pub async fn move_file(ctx: &CommandContext<'_>, cmd: &MoveFile) -> Result<Plan, CommandError> {
    let (ws, _, owner) = own_workspace(ctx).await?;
    let events = rules::move_file(&ws.state, owner, cmd)?;
    Ok(Plan::one(ws.append(events)))
}

pub async fn delete_file(ctx: &CommandContext<'_>, cmd: &DeleteFile) -> Result<Plan, CommandError> {
    let (ws, _, owner) = own_workspace(ctx).await?;
    let events = rules::delete_file(&ws.state, owner, cmd, ctx.now)?;
    Ok(Plan::one(ws.append(events)))
}

pub async fn restore_file(ctx: &CommandContext<'_>, cmd: &RestoreFile) -> Result<Plan, CommandError> {
    let (ws, _, owner) = own_workspace(ctx).await?;
    let events = rules::restore_file(&ws.state, owner, cmd)?;
    Ok(Plan::one(ws.append(events)))
}

/// The owner empties their trash at any time; the system (the retention job) purges any
/// workspace's trash once a file's 30 days are over.
pub async fn purge_file(ctx: &CommandContext<'_>, cmd: &PurgeFile) -> Result<Plan, CommandError> {
    let (ws, by_owner) = match (ctx.actor, cmd.owner) {
        (Actor::System, Some(owner)) => (ctx.load_by_id::<WorkspaceState>(owner, "owner").await?, false),
        (Actor::System, None) => return Err(CommandError::malformed("payload.owner", "the system names the workspace")),
        _ => (own_workspace(ctx).await?.0, true),
    };
    let owner = owner_of(&ws)?;
    let events = rules::purge_file(&ws.state, owner, cmd.file, by_owner, ctx.now)?;
    Ok(Plan::one(ws.append(events)))
}

pub async fn share_file(ctx: &CommandContext<'_>, cmd: &ShareFile) -> Result<Plan, CommandError> {
    let (ws, uai, owner) = own_workspace(ctx).await?;
    let s = load_structure(ctx, &uai).await?;
    let grantee = match cmd.with.kind {
        GranteeKind::User => load_user_opt(ctx, cmd.with.id).await?,
        _ => None,
    };
    let events = rules::share_file(&ws.state, &s.state, owner, grantee.as_ref(), cmd)?;
    Ok(Plan::one(ws.append(events)))
}

pub async fn revoke_share(ctx: &CommandContext<'_>, cmd: &RevokeShare) -> Result<Plan, CommandError> {
    let (ws, _, owner) = own_workspace(ctx).await?;
    let events = rules::revoke_share(&ws.state, owner, cmd)?;
    Ok(Plan::one(ws.append(events)))
}
