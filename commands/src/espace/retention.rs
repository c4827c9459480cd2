//! The workspace's part of the retention job: purges the files whose 30 days in the trash are
//! over, deletes the contents no file refers to any more, and sweeps orphan blobs.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use ent_domain::espace::commands::PurgeFile;
use ent_domain::espace::workspace::{WorkspaceState, due_purges};
use ent_domain::{Actor, Aggregate, StreamId};
use uuid::Uuid;

use crate::blobs::BlobStore;
use crate::command::Command;
use crate::context::load;
use crate::envelope::ParsedCommand;
use crate::error::CommandError;
use crate::handler::CommandHandler;

/// What one run did.
#[derive(Debug, Clone, Default)]
pub struct WorkspaceRetentionReport {
    pub workspaces: usize,
    pub purged: Vec<(Uuid, Uuid)>,
    /// Contents deleted from the blob store.
    pub blobs_deleted: Vec<String>,
    pub failed: Vec<(Uuid, String)>,
}

/// Runs the job as of `now`. Each purge is one idempotent command (its id derives from the
/// file). Then every blob no file refers to (the trash included) is deleted if it was already
/// unreferenced at the previous run (`suspects`, kept by the caller between runs): an upload
/// whose blob is stored but whose event is not appended yet is never swept, as long as runs are
/// further apart than an upload lasts.
pub async fn run_workspace_retention(
    handler: &CommandHandler,
    blobs: &dyn BlobStore,
    now: DateTime<Utc>,
    suspects: &mut BTreeSet<String>,
) -> Result<WorkspaceRetentionReport, CommandError> {
    let mut report = WorkspaceRetentionReport::default();
    let mut referenced = BTreeSet::new();
    let mut purged_hashes = BTreeSet::new();
    for stream in handler.store().streams_of(WorkspaceState::TYPE).await? {
        let Some(id) = StreamId::parse(&stream) else { continue };
        let Ok(owner) = Uuid::parse_str(&id.id) else { continue };
        report.workspaces += 1;
        let mut state = load::<WorkspaceState>(handler.store(), id).await?.state;
        for file in due_purges(&state, now) {
            let parsed = ParsedCommand {
                command_id: Uuid::new_v5(&file, b"scheduled-purge"),
                expected_version: None,
                command: Command::PurgeFile(PurgeFile { file, owner: Some(owner) }),
            };
            match handler.execute_at(&Actor::System, parsed, None, now).await {
                Ok(_) => {
                    if let Some(f) = state.files.remove(&file) {
                        purged_hashes.insert(f.sha256);
                    }
                    report.purged.push((owner, file));
                }
                Err(e) => report.failed.push((file, e.to_string())),
            }
        }
        referenced.extend(state.files.values().map(|f| f.sha256.clone()));
    }
    let stored = blobs.list().await.map_err(|e| CommandError::Store(crate::StoreError::Backend(e.to_string())))?;
    let mut next_suspects = BTreeSet::new();
    for sha in stored.into_iter().filter(|s| !referenced.contains(s)) {
        if purged_hashes.contains(&sha) || suspects.contains(&sha) {
            match blobs.delete(&sha).await {
                Ok(()) => report.blobs_deleted.push(sha),
                Err(e) => tracing::warn!(error = %e, %sha, "could not delete an unreferenced blob"),
            }
        } else {
            next_suspects.insert(sha);
        }
    }
    *suspects = next_suspects;
    tracing::info!(
        workspaces = report.workspaces,
        purged = report.purged.len(),
        blobs_deleted = report.blobs_deleted.len(),
        failed = report.failed.len(),
        "workspace retention run"
    );
    Ok(report)
}
