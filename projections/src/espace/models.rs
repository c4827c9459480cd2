//! Documents of the workspace read model.

use chrono::{DateTime, Utc};
use ent_domain::espace::commands::{Grantee, Rights};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A folder of a workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FolderEntry {
    pub id: Uuid,
    /// Absent: at the root.
    pub parent: Option<Uuid>,
    pub name: String,
}

/// Someone a file is shared with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ShareEntry {
    pub with: Grantee,
    /// The user's, class's or group's name; filled in by queries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub rights: Rights,
}

/// A file of a workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FileEntry {
    pub id: Uuid,
    /// Absent: at the root.
    pub folder: Option<Uuid>,
    pub name: String,
    pub size: u64,
    /// SHA-256 of the content (also the download's ETag).
    pub sha256: String,
    pub mime: String,
    pub uploaded_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// In the trash: purged after this instant unless restored.
    pub purge_after: Option<DateTime<Utc>>,
    pub shares: Vec<ShareEntry>,
}

/// `workspace/<owner>`: a user's folders and files (the trash included) and the bytes they use.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WorkspaceDoc {
    pub structure: String,
    pub owner: Uuid,
    pub used: u64,
    pub folders: Vec<FolderEntry>,
    pub files: Vec<FileEntry>,
}

/// `file/<id>`: whose workspace a file is in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FileRef {
    pub structure: String,
    pub owner: Uuid,
}

/// `shared/<kind>:<id>`: the files shared with a user, a class or a group, as (owner, file).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SharedList {
    pub files: Vec<(Uuid, Uuid)>,
}

/// `blob/<sha256>`: how many files (the trash included) have this content.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BlobRefs {
    pub files: u64,
}

/// `membership/<user>`: the groups a pupil is a member of.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GroupMembership {
    pub groups: Vec<Uuid>,
}

/// The caller's workspace: its folders, the files outside the trash, and the quota.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WorkspaceView {
    pub owner: Uuid,
    pub folders: Vec<FolderEntry>,
    pub files: Vec<FileEntry>,
    pub quota: QuotaUsage,
}

/// Bytes used (the trash included) out of the quota.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct QuotaUsage {
    pub used: u64,
    pub quota: u64,
    /// Bytes in the trash (counted in `used` until purged).
    pub in_trash: u64,
}

/// Who may do what with a file, for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    Owner,
    Write,
    Read,
}

/// A file as someone who may read it sees it: its metadata, its owner and the caller's access.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FileView {
    #[serde(flatten)]
    pub file: FileEntry,
    pub structure: String,
    pub owner: Uuid,
    pub owner_name: Option<String>,
    pub access: Access,
}
