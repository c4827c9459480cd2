//! The workspace aggregate (one per user) and its rules (docs/domain.md, "Espace de travail").

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::commands::*;
use super::events::*;
use crate::directory::{StructureState, UserState};
use crate::{Aggregate, DomainError, Event, StreamId};

/// How long a deleted file stays in the trash before the retention job purges it.
pub const TRASH_DAYS: i64 = 30;
/// Longest file or folder name, in bytes.
pub const MAX_NAME_BYTES: usize = 255;
/// Default quota of a workspace: 500 MB.
pub const DEFAULT_QUOTA: u64 = 500 * 1_000_000;

/// A folder of a workspace.
#[derive(Debug, Clone, PartialEq)]
pub struct Folder {
    pub parent: Option<Uuid>,
    pub name: String,
}

/// A file of a workspace.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub folder: Option<Uuid>,
    pub name: String,
    pub size: u64,
    pub sha256: String,
    pub mime: String,
    /// In the trash until then.
    pub trashed: Option<DateTime<Utc>>,
    pub shares: BTreeMap<Grantee, Rights>,
}

/// One user's workspace: folders, files (the trash included) and the bytes they count for.
#[derive(Debug, Clone, Default)]
pub struct WorkspaceState {
    pub structure: String,
    pub owner: Option<Uuid>,
    pub folders: BTreeMap<Uuid, Folder>,
    pub files: BTreeMap<Uuid, File>,
    /// Bytes counted against the quota: every file not purged, the trash included.
    pub used: u64,
}

impl WorkspaceState {
    pub fn stream(uai: &str, owner: Uuid) -> StreamId {
        StreamId::new(uai, Self::TYPE, owner.to_string())
    }

    /// Whether `name` is taken in `folder` by a folder or a file outside the trash (`except`: a
    /// file that may keep its own name).
    fn name_taken(&self, folder: Option<Uuid>, name: &str, except: Option<Uuid>) -> bool {
        self.folders.values().any(|f| f.parent == folder && f.name == name)
            || self.files.iter().any(|(id, f)| Some(*id) != except && f.trashed.is_none() && f.folder == folder && f.name == name)
    }

    fn file(&self, id: Uuid) -> Result<&File, DomainError> {
        self.files.get(&id).ok_or_else(|| DomainError::NotFound("file".into()))
    }

    fn live_file(&self, id: Uuid) -> Result<&File, DomainError> {
        let f = self.file(id)?;
        if f.trashed.is_some() { Err(DomainError::rule("this file is in the trash")) } else { Ok(f) }
    }

    fn check_folder(&self, field: &str, folder: Option<Uuid>) -> Result<(), DomainError> {
        match folder {
            Some(id) if !self.folders.contains_key(&id) => Err(DomainError::field(field, "no such folder in this workspace")),
            _ => Ok(()),
        }
    }

    /// Bytes still free under `quota`.
    pub fn headroom(&self, quota: u64) -> u64 {
        quota.saturating_sub(self.used)
    }

    /// The rights `grantees` (a user and their classes and groups) have on a file.
    pub fn rights_of(&self, file: Uuid, grantees: &[Grantee]) -> Option<Rights> {
        let f = self.files.get(&file)?;
        let mut best = None;
        for g in grantees {
            match f.shares.get(g) {
                Some(Rights::Write) => return Some(Rights::Write),
                Some(Rights::Read) => best = Some(Rights::Read),
                None => {}
            }
        }
        best
    }
}

impl Aggregate for WorkspaceState {
    const TYPE: &'static str = "workspace";

    fn apply(&mut self, event: &Event) {
        match event {
            Event::FolderCreated(e) => {
                self.structure = e.structure.clone();
                self.owner = Some(e.owner);
                self.folders.insert(e.folder_id, Folder { parent: e.parent, name: e.name.clone() });
            }
            Event::FileUploaded(e) => {
                self.structure = e.structure.clone();
                self.owner = Some(e.owner);
                self.used += e.size;
                self.files.insert(
                    e.file_id,
                    File {
                        folder: e.folder,
                        name: e.name.clone(),
                        size: e.size,
                        sha256: e.sha256.clone(),
                        mime: e.mime.clone(),
                        trashed: None,
                        shares: BTreeMap::new(),
                    },
                );
            }
            Event::FileRenamed(e) => {
                if let Some(f) = self.files.get_mut(&e.file_id) {
                    f.name = e.name.clone();
                }
            }
            Event::FileMoved(e) => {
                if let Some(f) = self.files.get_mut(&e.file_id) {
                    f.folder = e.folder;
                }
            }
            Event::FileDeleted(e) => {
                if let Some(f) = self.files.get_mut(&e.file_id) {
                    f.trashed = Some(e.purge_after);
                }
            }
            Event::FileRestored(e) => {
                if let Some(f) = self.files.get_mut(&e.file_id) {
                    f.trashed = None;
                }
            }
            Event::FilePurged(e) => {
                if let Some(f) = self.files.remove(&e.file_id) {
                    self.used = self.used.saturating_sub(f.size);
                }
            }
            Event::FileShared(e) => {
                if let Some(f) = self.files.get_mut(&e.file_id) {
                    f.shares.insert(e.with, e.rights);
                }
            }
            Event::ShareRevoked(e) => {
                if let Some(f) = self.files.get_mut(&e.file_id) {
                    f.shares.remove(&e.with);
                }
            }
            _ => {}
        }
    }
}

/// A file or folder name: not empty, at most 255 bytes, no `/`, `\` or control character (NUL
/// included), not `.` or `..`, no leading or trailing space. Refused, never silently fixed:
/// the error names `field` and the problem.
pub fn check_name(field: &str, name: &str) -> Result<String, DomainError> {
    if name.is_empty() {
        return Err(DomainError::field(field, "a name must not be empty"));
    }
    if name.contains('/') || name.contains('\\') {
        return Err(DomainError::field(field, "a name must not contain / or \\ (no paths)"));
    }
    if name.contains('\0') {
        return Err(DomainError::field(field, "a name must not contain the NUL character"));
    }
    if name.chars().any(char::is_control) {
        return Err(DomainError::field(field, "a name must not contain control characters"));
    }
    if name == "." || name == ".." {
        return Err(DomainError::field(field, "a name must not be . or .."));
    }
    if name.trim() != name || name.trim().is_empty() {
        return Err(DomainError::field(field, "a name must not start or end with a space"));
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(DomainError::field(field, format!("a name is at most {MAX_NAME_BYTES} bytes")));
    }
    Ok(name.to_string())
}

/// What an upload measured: the content's size, SHA-256 (lowercase hexadecimal) and type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedContent {
    pub size: u64,
    pub sha256: String,
    pub mime: String,
}

/// `CreateFolder`: a valid name, free in the parent folder, which must exist.
pub fn create_folder(ws: &WorkspaceState, structure: &str, owner: Uuid, cmd: &CreateFolder, id: Uuid) -> Result<Vec<Event>, DomainError> {
    let name = check_name("name", &cmd.name)?;
    ws.check_folder("parent", cmd.parent)?;
    if ws.folders.contains_key(&id) {
        return Err(DomainError::field("folder_id", "this id is already in use"));
    }
    if ws.name_taken(cmd.parent, &name, None) {
        return Err(DomainError::field("name", format!("{name:?} already exists in this folder")));
    }
    Ok(vec![Event::FolderCreated(FolderCreated { structure: structure.to_string(), owner, folder_id: id, parent: cmd.parent, name })])
}

/// The check of an upload before its bytes are read (a dry run of [`upload_file`]): a valid name,
/// free in a folder that exists, and room left under the quota. Returns the bytes still free.
pub fn check_upload(ws: &WorkspaceState, cmd: &UploadFile, quota: u64) -> Result<u64, DomainError> {
    let name = check_name("name", &cmd.name)?;
    ws.check_folder("folder", cmd.folder)?;
    if let Some(id) = cmd.file_id
        && ws.files.contains_key(&id)
    {
        return Err(DomainError::field("file_id", "this id is already in use"));
    }
    if ws.name_taken(cmd.folder, &name, None) {
        return Err(DomainError::field("name", format!("{name:?} already exists in this folder")));
    }
    let headroom = ws.headroom(quota);
    if headroom == 0 {
        return Err(DomainError::field("quota", format!("the workspace is full ({} of {quota} bytes used)", ws.used)));
    }
    Ok(headroom)
}

/// `UploadFile` (`FileUploaded`): the checks of [`check_upload`] again, on the workspace as it is
/// when the event is appended, and the content must fit in what is left of the quota.
pub fn upload_file(
    ws: &WorkspaceState,
    structure: &str,
    owner: Uuid,
    cmd: &UploadFile,
    id: Uuid,
    content: &UploadedContent,
    quota: u64,
) -> Result<Vec<Event>, DomainError> {
    let headroom = check_upload(ws, &UploadFile { file_id: Some(id), ..cmd.clone() }, quota)?;
    if content.size > headroom {
        return Err(DomainError::field("quota", format!("{} bytes do not fit in the {headroom} bytes left of the quota", content.size)));
    }
    let valid_hash = content.sha256.len() == 64 && content.sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !valid_hash {
        return Err(DomainError::field("sha256", "expected 64 lowercase hexadecimal digits"));
    }
    Ok(vec![Event::FileUploaded(FileUploaded {
        structure: structure.to_string(),
        owner,
        file_id: id,
        folder: cmd.folder,
        name: check_name("name", &cmd.name)?,
        size: content.size,
        sha256: content.sha256.clone(),
        mime: content.mime.clone(),
    })])
}

/// `RenameFile`: a file outside the trash, a valid new name, free in its folder.
pub fn rename_file(ws: &WorkspaceState, owner: Uuid, cmd: &RenameFile) -> Result<Vec<Event>, DomainError> {
    let f = ws.live_file(cmd.file)?;
    let name = check_name("name", &cmd.name)?;
    if f.name == name {
        return Err(DomainError::rule("nothing to change"));
    }
    if ws.name_taken(f.folder, &name, Some(cmd.file)) {
        return Err(DomainError::field("name", format!("{name:?} already exists in this folder")));
    }
    Ok(vec![Event::FileRenamed(FileRenamed { owner, file_id: cmd.file, name })])
}

/// `MoveFile`: a file outside the trash, to another folder of the workspace where its name is free.
pub fn move_file(ws: &WorkspaceState, owner: Uuid, cmd: &MoveFile) -> Result<Vec<Event>, DomainError> {
    let f = ws.live_file(cmd.file)?;
    ws.check_folder("folder", cmd.folder)?;
    if f.folder == cmd.folder {
        return Err(DomainError::field("folder", "the file is already in this folder"));
    }
    if ws.name_taken(cmd.folder, &f.name, Some(cmd.file)) {
        return Err(DomainError::field("folder", format!("{:?} already exists in that folder", f.name)));
    }
    Ok(vec![Event::FileMoved(FileMoved { owner, file_id: cmd.file, folder: cmd.folder })])
}

/// `DeleteFile`: a file outside the trash goes to the trash for [`TRASH_DAYS`] days.
pub fn delete_file(ws: &WorkspaceState, owner: Uuid, cmd: &DeleteFile, now: DateTime<Utc>) -> Result<Vec<Event>, DomainError> {
    ws.live_file(cmd.file)?;
    Ok(vec![Event::FileDeleted(FileDeleted { owner, file_id: cmd.file, purge_after: now + Duration::days(TRASH_DAYS) })])
}

/// `RestoreFile`: a file of the trash comes back to its folder, if its name is still free there.
pub fn restore_file(ws: &WorkspaceState, owner: Uuid, cmd: &RestoreFile) -> Result<Vec<Event>, DomainError> {
    let f = ws.file(cmd.file)?;
    if f.trashed.is_none() {
        return Err(DomainError::rule("this file is not in the trash"));
    }
    if ws.name_taken(f.folder, &f.name, Some(cmd.file)) {
        return Err(DomainError::field("file", format!("{:?} exists again in its folder: rename that one first", f.name)));
    }
    Ok(vec![Event::FileRestored(FileRestored { owner, file_id: cmd.file })])
}

/// `PurgeFile`: a file of the trash; by the retention job (`by_owner` false) only once its time
/// in the trash is over.
pub fn purge_file(ws: &WorkspaceState, owner: Uuid, file: Uuid, by_owner: bool, now: DateTime<Utc>) -> Result<Vec<Event>, DomainError> {
    let f = ws.file(file)?;
    let Some(purge_after) = f.trashed else { return Err(DomainError::rule("only a file in the trash can be purged")) };
    if !by_owner && now < purge_after {
        return Err(DomainError::rule(format!("this file stays in the trash until {purge_after}")));
    }
    Ok(vec![Event::FilePurged(FilePurged { owner, file_id: file, sha256: f.sha256.clone(), size: f.size })])
}

/// The files of the trash whose time is over at `now`.
pub fn due_purges(ws: &WorkspaceState, now: DateTime<Utc>) -> Vec<Uuid> {
    ws.files.iter().filter(|(_, f)| f.trashed.is_some_and(|t| t <= now)).map(|(id, _)| *id).collect()
}

/// `ShareFile`: a file outside the trash, with a user (not the owner), a group or a class of the
/// owner's structure; sharing again with other rights changes them.
pub fn share_file(
    ws: &WorkspaceState,
    structure: &StructureState,
    owner: Uuid,
    grantee_user: Option<&UserState>,
    cmd: &ShareFile,
) -> Result<Vec<Event>, DomainError> {
    let f = ws.live_file(cmd.file)?;
    match cmd.with.kind {
        GranteeKind::User => {
            let known = grantee_user.is_some_and(|u| u.exists() && u.user_id == cmd.with.id && u.structure == structure.uai);
            if !known {
                return Err(DomainError::field("with.id", "no such user in this structure"));
            }
            if cmd.with.id == owner {
                return Err(DomainError::field("with.id", "a file is not shared with its owner"));
            }
        }
        GranteeKind::Class if !structure.classes.contains_key(&cmd.with.id) => {
            return Err(DomainError::field("with.id", "no such class in this structure"));
        }
        GranteeKind::Group if !structure.groups.contains_key(&cmd.with.id) => {
            return Err(DomainError::field("with.id", "no such group in this structure"));
        }
        _ => {}
    }
    if f.shares.get(&cmd.with) == Some(&cmd.rights) {
        return Err(DomainError::rule("already shared so"));
    }
    Ok(vec![Event::FileShared(FileShared { owner, file_id: cmd.file, with: cmd.with, rights: cmd.rights })])
}

/// A file of `owner`'s workspace published as a resource to classes and groups
/// (docs/domain.md, "Ressources numériques & parcours"): the file must be one of the workspace's,
/// out of the trash, and it is shared to read with each class or group of the audience that
/// cannot read it yet, in the same append as the publication, so the download rights follow it.
pub fn share_for_publication(
    ws: &WorkspaceState,
    structure: &StructureState,
    owner: Uuid,
    file: Uuid,
    audience: &[Uuid],
) -> Result<Vec<Event>, DomainError> {
    let f = match ws.files.get(&file) {
        Some(f) if f.trashed.is_none() => f,
        Some(_) => return Err(DomainError::field("file", "this file is in the trash")),
        None => return Err(DomainError::field("file", "not a file of your workspace")),
    };
    let mut events = Vec::new();
    for (i, id) in audience.iter().enumerate() {
        let kind = if structure.classes.contains_key(id) {
            GranteeKind::Class
        } else if structure.groups.contains_key(id) {
            GranteeKind::Group
        } else {
            return Err(DomainError::field(format!("published_to[{i}]"), "no such class or group in this structure"));
        };
        let with = Grantee { kind, id: *id };
        if !f.shares.contains_key(&with) {
            events.push(Event::FileShared(FileShared { owner, file_id: file, with, rights: Rights::Read }));
        }
    }
    Ok(events)
}

/// `RevokeShare`: a share that exists.
pub fn revoke_share(ws: &WorkspaceState, owner: Uuid, cmd: &RevokeShare) -> Result<Vec<Event>, DomainError> {
    let f = ws.file(cmd.file)?;
    if !f.shares.contains_key(&cmd.with) {
        return Err(DomainError::field("with", "the file is not shared with them"));
    }
    Ok(vec![Event::ShareRevoked(ShareRevoked { owner, file_id: cmd.file, with: cmd.with })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::fixtures::fixture;

    const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    fn owner() -> Uuid {
        Uuid::from_u128(7)
    }

    fn content(size: u64) -> UploadedContent {
        UploadedContent { size, sha256: HASH.into(), mime: "text/plain".into() }
    }

    fn upload(ws: &WorkspaceState, folder: Option<Uuid>, name: &str, size: u64) -> Result<(Uuid, WorkspaceState), DomainError> {
        let id = Uuid::new_v4();
        let cmd = UploadFile { file_id: None, folder, name: name.into() };
        let events = upload_file(ws, "0751234A", owner(), &cmd, id, &content(size), DEFAULT_QUOTA)?;
        Ok((id, events.iter().fold(ws.clone(), |s, e| s.evolve(e))))
    }

    fn folder(ws: &WorkspaceState, name: &str) -> (Uuid, WorkspaceState) {
        let id = Uuid::new_v4();
        let events =
            create_folder(ws, "0751234A", owner(), &CreateFolder { folder_id: None, parent: None, name: name.into() }, id).unwrap();
        (id, events.iter().fold(ws.clone(), |s, e| s.evolve(e)))
    }

    fn field_of(err: DomainError) -> String {
        match err {
            DomainError::InvalidField { field, .. } => field,
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn malicious_and_empty_names_are_refused_naming_the_problem() {
        for bad in ["", "../x", "a/b", "a\\b", "a\0b", ".", "..", " x", "x ", "a\nb"] {
            let err = check_name("name", bad).unwrap_err();
            assert_eq!(field_of(err), "name", "{bad:?}");
        }
        assert!(matches!(check_name("name", "a/b"), Err(DomainError::InvalidField { message, .. }) if message.contains('/')));
        assert!(matches!(check_name("name", "a\0b"), Err(DomainError::InvalidField { message, .. }) if message.contains("NUL")));
        assert!(check_name("name", &"é".repeat(128)).is_err(), "256 bytes");
        assert_eq!(check_name("name", "Cours de maths (v2).pdf").unwrap(), "Cours de maths (v2).pdf");
    }

    #[test]
    fn a_name_is_unique_in_its_folder() {
        let ws = WorkspaceState::default();
        let (_, ws) = upload(&ws, None, "a.txt", 10).unwrap();
        assert_eq!(field_of(upload(&ws, None, "a.txt", 10).unwrap_err()), "name");
        let (dir, ws) = folder(&ws, "Cours");
        assert!(upload(&ws, Some(dir), "a.txt", 10).is_ok(), "another folder");
        let cmd = CreateFolder { folder_id: None, parent: None, name: "a.txt".into() };
        assert_eq!(field_of(create_folder(&ws, "0751234A", owner(), &cmd, Uuid::new_v4()).unwrap_err()), "name");
    }

    #[test]
    fn upload_into_an_unknown_folder_is_refused() {
        let ws = WorkspaceState::default();
        assert_eq!(field_of(upload(&ws, Some(Uuid::new_v4()), "a.txt", 1).unwrap_err()), "folder");
    }

    #[test]
    fn uploads_beyond_the_quota_are_refused_and_the_trash_counts() {
        let ws = WorkspaceState::default();
        let (id, ws) = upload(&ws, None, "big.bin", DEFAULT_QUOTA - 10).unwrap();
        assert_eq!(check_upload(&ws, &UploadFile { file_id: None, folder: None, name: "b".into() }, DEFAULT_QUOTA).unwrap(), 10);
        assert_eq!(field_of(upload(&ws, None, "b", 11).unwrap_err()), "quota");
        let now = Utc::now();
        let ws = delete_file(&ws, owner(), &DeleteFile { file: id }, now).unwrap().iter().fold(ws, |s, e| s.evolve(e));
        assert_eq!(field_of(upload(&ws, None, "b", 11).unwrap_err()), "quota", "the trash still counts");
        let ws = purge_file(&ws, owner(), id, true, now).unwrap().iter().fold(ws, |s, e| s.evolve(e));
        assert_eq!(ws.used, 0);
        assert!(upload(&ws, None, "b", 11).is_ok());
        let (_, full) = upload(&WorkspaceState::default(), None, "all", DEFAULT_QUOTA).unwrap();
        let err = check_upload(&full, &UploadFile { file_id: None, folder: None, name: "c".into() }, DEFAULT_QUOTA).unwrap_err();
        assert_eq!(field_of(err), "quota");
    }

    #[test]
    fn rename_needs_a_valid_free_name() {
        let (a, ws) = upload(&WorkspaceState::default(), None, "a.txt", 1).unwrap();
        let (_, ws) = upload(&ws, None, "b.txt", 1).unwrap();
        let rename = |name: &str| rename_file(&ws, owner(), &RenameFile { file: a, name: name.into(), owner: None });
        assert_eq!(field_of(rename("b.txt").unwrap_err()), "name");
        assert_eq!(field_of(rename("../b.txt").unwrap_err()), "name");
        assert!(matches!(rename("a.txt"), Err(DomainError::Rule(_))));
        assert!(matches!(&rename("c.txt").unwrap()[0], Event::FileRenamed(e) if e.name == "c.txt"));
    }

    #[test]
    fn move_goes_to_an_existing_folder_where_the_name_is_free() {
        let (a, ws) = upload(&WorkspaceState::default(), None, "a.txt", 1).unwrap();
        let (dir, ws) = folder(&ws, "Cours");
        let (_, ws) = upload(&ws, Some(dir), "a.txt", 1).unwrap();
        assert_eq!(field_of(move_file(&ws, owner(), &MoveFile { file: a, folder: Some(dir) }).unwrap_err()), "folder");
        assert_eq!(field_of(move_file(&ws, owner(), &MoveFile { file: a, folder: None }).unwrap_err()), "folder");
        assert_eq!(field_of(move_file(&ws, owner(), &MoveFile { file: a, folder: Some(Uuid::new_v4()) }).unwrap_err()), "folder");
        let (other, ws) = folder(&ws, "Autre");
        assert!(move_file(&ws, owner(), &MoveFile { file: a, folder: Some(other) }).is_ok());
    }

    #[test]
    fn deleted_files_go_to_the_trash_for_thirty_days_and_come_back() {
        let (a, ws) = upload(&WorkspaceState::default(), None, "a.txt", 1).unwrap();
        let now = Utc::now();
        let events = delete_file(&ws, owner(), &DeleteFile { file: a }, now).unwrap();
        assert!(matches!(&events[0], Event::FileDeleted(e) if e.purge_after == now + Duration::days(30)));
        let ws = events.iter().fold(ws, |s, e| s.evolve(e));
        assert!(delete_file(&ws, owner(), &DeleteFile { file: a }, now).is_err(), "already in the trash");
        assert!(rename_file(&ws, owner(), &RenameFile { file: a, name: "b".into(), owner: None }).is_err());
        // Its name is free meanwhile; restoring then needs it back.
        let (b, taken) = upload(&ws, None, "a.txt", 1).unwrap();
        assert_eq!(field_of(restore_file(&taken, owner(), &RestoreFile { file: a }).unwrap_err()), "file");
        let _ = b;
        let ws = restore_file(&ws, owner(), &RestoreFile { file: a }).unwrap().iter().fold(ws, |s, e| s.evolve(e));
        assert!(ws.files[&a].trashed.is_none());
        assert!(restore_file(&ws, owner(), &RestoreFile { file: a }).is_err(), "not in the trash");
    }

    #[test]
    fn the_retention_job_purges_only_after_thirty_days() {
        let (a, ws) = upload(&WorkspaceState::default(), None, "a.txt", 5).unwrap();
        let now = Utc::now();
        assert!(purge_file(&ws, owner(), a, true, now).is_err(), "not in the trash");
        let ws = delete_file(&ws, owner(), &DeleteFile { file: a }, now).unwrap().iter().fold(ws, |s, e| s.evolve(e));
        assert!(purge_file(&ws, owner(), a, false, now + Duration::days(29)).is_err());
        assert!(due_purges(&ws, now + Duration::days(29)).is_empty());
        assert_eq!(due_purges(&ws, now + Duration::days(30)), vec![a]);
        let events = purge_file(&ws, owner(), a, false, now + Duration::days(30)).unwrap();
        assert!(matches!(&events[0], Event::FilePurged(e) if e.sha256 == HASH && e.size == 5));
        assert!(purge_file(&ws, owner(), a, true, now).is_ok(), "the owner empties the trash at once");
    }

    #[test]
    fn shares_name_someone_of_the_structure_and_can_be_revoked() {
        let f = fixture();
        let (a, ws) = upload(&WorkspaceState::default(), None, "a.txt", 1).unwrap();
        let class = ShareFile { file: a, with: Grantee { kind: GranteeKind::Class, id: f.class }, rights: Rights::Read };
        let events = share_file(&ws, &f.structure, owner(), None, &class).unwrap();
        let ws = events.iter().fold(ws, |s, e| s.evolve(e));
        assert!(matches!(share_file(&ws, &f.structure, owner(), None, &class), Err(DomainError::Rule(_))));
        let write = ShareFile { rights: Rights::Write, ..class.clone() };
        assert!(share_file(&ws, &f.structure, owner(), None, &write).is_ok(), "rights can change");
        let unknown = ShareFile { with: Grantee { kind: GranteeKind::Group, id: f.class }, ..class.clone() };
        assert_eq!(field_of(share_file(&ws, &f.structure, owner(), None, &unknown).unwrap_err()), "with.id");
        let pupil = ShareFile { with: Grantee { kind: GranteeKind::User, id: f.pupil.user_id }, ..class.clone() };
        assert!(share_file(&ws, &f.structure, owner(), Some(&f.pupil), &pupil).is_ok());
        assert_eq!(field_of(share_file(&ws, &f.structure, owner(), None, &pupil).unwrap_err()), "with.id");
        assert_eq!(ws.rights_of(a, &[Grantee { kind: GranteeKind::User, id: f.pupil.user_id }, class.with]), Some(Rights::Read));
        let revoke = RevokeShare { file: a, with: class.with };
        let ws = revoke_share(&ws, owner(), &revoke).unwrap().iter().fold(ws, |s, e| s.evolve(e));
        assert_eq!(ws.rights_of(a, &[class.with]), None);
        assert_eq!(field_of(revoke_share(&ws, owner(), &revoke).unwrap_err()), "with");
    }

    #[test]
    fn a_published_file_is_shared_to_read_with_its_audience_once() {
        let f = fixture();
        let (a, ws) = upload(&WorkspaceState::default(), None, "a.txt", 1).unwrap();
        let events = share_for_publication(&ws, &f.structure, owner(), a, &[f.class]).unwrap();
        assert_eq!(events.len(), 1);
        let ws = events.iter().fold(ws, |s, e| s.evolve(e));
        assert_eq!(ws.rights_of(a, &[Grantee { kind: GranteeKind::Class, id: f.class }]), Some(Rights::Read));
        assert!(share_for_publication(&ws, &f.structure, owner(), a, &[f.class]).unwrap().is_empty(), "already readable");
        assert_eq!(field_of(share_for_publication(&ws, &f.structure, owner(), Uuid::new_v4(), &[f.class]).unwrap_err()), "file");
        assert_eq!(field_of(share_for_publication(&ws, &f.structure, owner(), a, &[Uuid::new_v4()]).unwrap_err()), "published_to[0]");
        let ws = delete_file(&ws, owner(), &DeleteFile { file: a }, Utc::now()).unwrap().iter().fold(ws, |s, e| s.evolve(e));
        assert_eq!(field_of(share_for_publication(&ws, &f.structure, owner(), a, &[f.class]).unwrap_err()), "file");
    }

    #[test]
    fn a_file_in_the_trash_cannot_be_shared() {
        let f = fixture();
        let (a, ws) = upload(&WorkspaceState::default(), None, "a.txt", 1).unwrap();
        let ws = delete_file(&ws, owner(), &DeleteFile { file: a }, Utc::now()).unwrap().iter().fold(ws, |s, e| s.evolve(e));
        let class = ShareFile { file: a, with: Grantee { kind: GranteeKind::Class, id: f.class }, rights: Rights::Read };
        assert!(share_file(&ws, &f.structure, owner(), None, &class).is_err());
    }

    #[test]
    fn upload_records_size_hash_and_type_never_bytes() {
        let (a, ws) = upload(&WorkspaceState::default(), None, "a.txt", 42).unwrap();
        let f = &ws.files[&a];
        assert_eq!((f.size, f.sha256.as_str(), f.mime.as_str()), (42, HASH, "text/plain"));
        let bad = UploadedContent { sha256: "ABC".into(), ..content(1) };
        let cmd = UploadFile { file_id: None, folder: None, name: "z".into() };
        assert_eq!(field_of(upload_file(&ws, "0751234A", owner(), &cmd, Uuid::new_v4(), &bad, DEFAULT_QUOTA).unwrap_err()), "sha256");
    }

    proptest::proptest! {
        /// Whatever the sequence of uploads, deletions, restorations and purges, the bytes counted
        /// are the sizes of the files not purged, never beyond the quota, and no two files outside
        /// the trash share a name in a folder.
        #[test]
        fn quota_counts_every_file_not_purged_and_names_stay_unique(
            ops in proptest::collection::vec((0u8..4, 0usize..4, 1u64..400), 1..60)
        ) {
            let quota = 1_000;
            let now = Utc::now();
            let names = ["a", "b", "c", "d"];
            let mut ws = WorkspaceState::default();
            let mut ids: Vec<Uuid> = Vec::new();
            for (op, pick, size) in ops {
                let target = ids.get(pick % ids.len().max(1)).copied();
                let events = match (op, target) {
                    (0, _) | (_, None) => {
                        let id = Uuid::new_v4();
                        let cmd = UploadFile { file_id: None, folder: None, name: names[pick].into() };
                        let r = upload_file(&ws, "0751234A", owner(), &cmd, id, &content(size), quota);
                        if r.is_ok() { ids.push(id); }
                        r
                    }
                    (1, Some(f)) => delete_file(&ws, owner(), &DeleteFile { file: f }, now),
                    (2, Some(f)) => restore_file(&ws, owner(), &RestoreFile { file: f }),
                    (_, Some(f)) => purge_file(&ws, owner(), f, true, now),
                };
                if let Ok(events) = events {
                    ws = events.iter().fold(ws, |s, e| s.evolve(e));
                }
                proptest::prop_assert_eq!(ws.used, ws.files.values().map(|f| f.size).sum::<u64>());
                proptest::prop_assert!(ws.used <= quota);
                let mut live: Vec<&str> = ws.files.values().filter(|f| f.trashed.is_none()).map(|f| f.name.as_str()).collect();
                let n = live.len();
                live.sort_unstable();
                live.dedup();
                proptest::prop_assert_eq!(live.len(), n);
            }
        }
    }
}
