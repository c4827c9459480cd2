//! Commands of the workspace.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Who a file is shared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GranteeKind {
    User,
    Group,
    Class,
}

/// A user, a group or a class of the owner's structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Grantee {
    pub kind: GranteeKind,
    pub id: Uuid,
}

/// What a share allows: `read` (see and download), `write` (also rename).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rights {
    Read,
    Write,
}

/// Create a folder in one's workspace (at the root when `parent` is absent).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateFolder {
    /// Id of the new folder, chosen by the client; generated when absent.
    #[serde(default)]
    pub folder_id: Option<Uuid>,
    #[serde(default)]
    pub parent: Option<Uuid>,
    pub name: String,
}

/// Add a file to one's workspace. Not sent to `POST /api/v1/commands`: the upload routes
/// (`PUT /api/v1/files`, `POST /api/v1/files`) stream the bytes into the blob store and run it
/// with the content's size and SHA-256 they measured.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadFile {
    #[serde(default)]
    pub file_id: Option<Uuid>,
    #[serde(default)]
    pub folder: Option<Uuid>,
    pub name: String,
}

/// Rename a file (its owner, or a user it is shared with in `write`: then `owner` names whose
/// workspace it is in).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RenameFile {
    pub file: Uuid,
    pub name: String,
    /// The workspace's owner, when it is not the caller.
    #[serde(default)]
    pub owner: Option<Uuid>,
}

/// Move a file to another folder of its workspace (the root when `folder` is absent).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveFile {
    pub file: Uuid,
    #[serde(default)]
    pub folder: Option<Uuid>,
}

/// Put a file in the trash (restorable for 30 days).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteFile {
    pub file: Uuid,
}

/// Take a file back from the trash.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RestoreFile {
    pub file: Uuid,
}

/// Delete a file of the trash for good: its owner at any time, the retention job once its
/// 30 days are over (then `owner` names the workspace).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PurgeFile {
    pub file: Uuid,
    #[serde(default)]
    pub owner: Option<Uuid>,
}

/// Share a file with a user, a group or a class of the structure.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareFile {
    pub file: Uuid,
    pub with: Grantee,
    pub rights: Rights,
}

/// Stop sharing a file with a user, a group or a class.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeShare {
    pub file: Uuid,
    pub with: Grantee,
}
