//! How workspace events (and the directory's groups) fold into the read model.

use chrono::{DateTime, Utc};
use ent_domain::espace::commands::Grantee;
use ent_domain::{Event, RecordedEvent};
use uuid::Uuid;

use super::NAME;
use super::models::*;
use crate::docs::{DocKey, DocView};
use crate::error::ApplyError;
use crate::projection::Projection;

pub(crate) const WORKSPACES: &str = "workspace";
pub(crate) const FILES: &str = "file";
pub(crate) const SHARED: &str = "shared";
pub(crate) const BLOBS: &str = "blob";
pub(crate) const MEMBERSHIPS: &str = "membership";

pub(crate) fn grantee_key(g: &Grantee) -> String {
    let kind = match g.kind {
        ent_domain::espace::commands::GranteeKind::User => "user",
        ent_domain::espace::commands::GranteeKind::Group => "group",
        ent_domain::espace::commands::GranteeKind::Class => "class",
    };
    format!("{kind}:{}", g.id)
}

/// Folds the workspace's events into one document per workspace and its indexes.
pub struct EspaceProjection;

impl Projection for EspaceProjection {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "workspaces (folder tree, files, trash, bytes used), shares per user, class and group, content references"
    }

    fn apply(&self, view: &mut DocView<'_>, r: &RecordedEvent, event: &Event) -> Result<(), ApplyError> {
        let at = r.recorded_at;
        match event {
            Event::FolderCreated(e) => workspace(view, &e.structure, e.owner, |w| {
                w.folders.push(FolderEntry { id: e.folder_id, parent: e.parent, name: e.name.clone() });
                w.folders.sort_by(|a, b| a.name.cmp(&b.name));
            }),
            Event::FileUploaded(e) => {
                view.put(FILES, e.file_id, &FileRef { structure: e.structure.clone(), owner: e.owner })?;
                view.upsert(BLOBS, &e.sha256, BlobRefs::default, |b: &mut BlobRefs| b.files += 1)?;
                workspace(view, &e.structure, e.owner, |w| {
                    w.used += e.size;
                    w.files.push(FileEntry {
                        id: e.file_id,
                        folder: e.folder,
                        name: e.name.clone(),
                        size: e.size,
                        sha256: e.sha256.clone(),
                        mime: e.mime.clone(),
                        uploaded_at: at,
                        updated_at: at,
                        purge_after: None,
                        shares: Vec::new(),
                    });
                    w.files.sort_by(|a, b| a.name.cmp(&b.name));
                })
            }
            Event::FileRenamed(e) => file(view, e.owner, e.file_id, at, |f| f.name = e.name.clone()),
            Event::FileMoved(e) => file(view, e.owner, e.file_id, at, |f| f.folder = e.folder),
            Event::FileDeleted(e) => file(view, e.owner, e.file_id, at, |f| f.purge_after = Some(e.purge_after)),
            Event::FileRestored(e) => file(view, e.owner, e.file_id, at, |f| f.purge_after = None),
            Event::FilePurged(e) => {
                view.delete(FILES, e.file_id)?;
                let left = view.modify(BLOBS, &e.sha256, |b: &mut BlobRefs| {
                    b.files = b.files.saturating_sub(1);
                    b.files
                })?;
                if left == Some(0) {
                    view.delete(BLOBS, &e.sha256)?;
                }
                let shared: Vec<Grantee> = view
                    .read(WORKSPACES, e.owner, |w: &WorkspaceDoc| {
                        w.files.iter().find(|f| f.id == e.file_id).map(|f| f.shares.iter().map(|s| s.with).collect()).unwrap_or_default()
                    })?
                    .unwrap_or_default();
                for g in shared {
                    unshare(view, &g, e.owner, e.file_id)?;
                }
                view.update(WORKSPACES, e.owner, |w: &mut WorkspaceDoc| {
                    w.used = w.used.saturating_sub(e.size);
                    w.files.retain(|f| f.id != e.file_id);
                })
            }
            Event::FileShared(e) => {
                view.upsert(SHARED, grantee_key(&e.with), SharedList::default, |l: &mut SharedList| {
                    if !l.files.contains(&(e.owner, e.file_id)) {
                        l.files.push((e.owner, e.file_id));
                    }
                })?;
                file(view, e.owner, e.file_id, at, |f| match f.shares.iter_mut().find(|s| s.with == e.with) {
                    Some(s) => s.rights = e.rights,
                    None => f.shares.push(ShareEntry { with: e.with, name: None, rights: e.rights }),
                })
            }
            Event::ShareRevoked(e) => {
                unshare(view, &e.with, e.owner, e.file_id)?;
                file(view, e.owner, e.file_id, at, |f| f.shares.retain(|s| s.with != e.with))
            }
            Event::GroupCreated(e) => {
                view.prefetch(e.members.iter().map(|p| DocKey::new(MEMBERSHIPS, p)))?;
                for member in &e.members {
                    view.upsert(MEMBERSHIPS, member, GroupMembership::default, |m: &mut GroupMembership| {
                        if !m.groups.contains(&e.group_id) {
                            m.groups.push(e.group_id);
                        }
                    })?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

fn unshare(view: &mut DocView<'_>, g: &Grantee, owner: Uuid, file: Uuid) -> Result<(), ApplyError> {
    view.update(SHARED, grantee_key(g), |l: &mut SharedList| l.files.retain(|x| *x != (owner, file)))
}

fn workspace(view: &mut DocView<'_>, structure: &str, owner: Uuid, f: impl FnOnce(&mut WorkspaceDoc)) -> Result<(), ApplyError> {
    view.upsert(WORKSPACES, owner, || WorkspaceDoc { structure: structure.to_string(), owner, ..WorkspaceDoc::default() }, f)
}

fn file(view: &mut DocView<'_>, owner: Uuid, id: Uuid, at: DateTime<Utc>, f: impl FnOnce(&mut FileEntry)) -> Result<(), ApplyError> {
    view.update(WORKSPACES, owner, |w: &mut WorkspaceDoc| {
        if let Some(entry) = w.files.iter_mut().find(|e| e.id == id) {
            f(entry);
            entry.updated_at = at;
        }
        w.files.sort_by(|a, b| a.name.cmp(&b.name));
    })
}
