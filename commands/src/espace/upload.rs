//! Uploads: checked before their bytes are read ([`check`]), then appended with what the blob
//! store measured ([`append`]), deciding again on the workspace as it is then (a concurrent
//! upload may have taken the name or the room).

use chrono::Utc;
use ent_domain::Actor;
use ent_domain::espace::commands::UploadFile;
use ent_domain::espace::workspace::{self as rules, UploadedContent, WorkspaceState};
use uuid::Uuid;

use crate::authorization::actor_structure;
use crate::context::{Plan, PlannedAppend, load};
use crate::error::CommandError;
use crate::handler::CommandHandler;
use crate::store::{AppendResult, ExpectedVersion};

/// How many times an upload is decided again after losing a race on its workspace.
const RETRIES: u32 = 8;

/// The dry run of an upload, before a byte is read: the name, the folder, and room under
/// `quota`. Returns the bytes still free, the most the upload may bring.
pub async fn check(handler: &CommandHandler, actor: &Actor, cmd: &UploadFile, quota: u64) -> Result<u64, CommandError> {
    let uai = actor_structure(actor)?;
    let owner = actor.user().map(|u| u.user_id).ok_or_else(|| CommandError::Forbidden("only users have a workspace".into()))?;
    let ws = load::<WorkspaceState>(handler.store(), WorkspaceState::stream(&uai, owner)).await?;
    Ok(rules::check_upload(&ws.state, cmd, quota)?)
}

/// Appends `FileUploaded` for content already in the blob store. The same `command_id` twice
/// returns the first result (to the same actor).
pub async fn append(
    handler: &CommandHandler,
    actor: &Actor,
    command_id: Uuid,
    cmd: &UploadFile,
    content: &UploadedContent,
    quota: u64,
) -> Result<AppendResult, CommandError> {
    if let Some(stored) = handler.store().command_result(command_id).await? {
        if stored.actor.as_deref() == Some(actor.id_string().as_str()) {
            return Ok(AppendResult { replayed: true, ..stored.result });
        }
        return Err(CommandError::command_id_reused());
    }
    let uai = actor_structure(actor)?;
    let owner = actor.user().map(|u| u.user_id).ok_or_else(|| CommandError::Forbidden("only users have a workspace".into()))?;
    let stream = WorkspaceState::stream(&uai, owner);
    let id = cmd.file_id.unwrap_or_else(|| Uuid::new_v5(&command_id, b"file"));
    let mut attempt = 0;
    loop {
        let ws = load::<WorkspaceState>(handler.store(), stream.clone()).await?;
        let events = rules::upload_file(&ws.state, &uai, owner, cmd, id, content, quota)?;
        let plan = Plan::one(PlannedAppend { stream: stream.clone(), expected: ExpectedVersion::from_loaded(ws.version), events })
            .with_created("file_id", id);
        match handler.append_plan(actor, command_id, command_id, plan).await {
            Err(CommandError::Conflict { .. }) if attempt < RETRIES => {
                attempt += 1;
                tracing::debug!(attempt, at = %Utc::now(), "upload lost a race on its workspace, deciding again");
            }
            other => return other,
        }
    }
}
