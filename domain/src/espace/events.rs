//! Events of the workspace. They never carry file bytes: a file's content is named by its
//! SHA-256 and kept once in the blob store. Stream: the owner's workspace,
//! `<uai>/workspace/<owner>`.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::commands::{Grantee, Rights};

/// A folder was created (`parent` absent: at the root).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FolderCreated {
    pub structure: String,
    pub owner: Uuid,
    pub folder_id: Uuid,
    pub parent: Option<Uuid>,
    pub name: String,
}

/// A file was uploaded: its content (`size` bytes, SHA-256 `sha256`, hexadecimal) is in the
/// blob store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FileUploaded {
    pub structure: String,
    pub owner: Uuid,
    pub file_id: Uuid,
    pub folder: Option<Uuid>,
    pub name: String,
    pub size: u64,
    pub sha256: String,
    pub mime: String,
}

/// A file was renamed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FileRenamed {
    pub owner: Uuid,
    pub file_id: Uuid,
    pub name: String,
}

/// A file was moved to another folder (`folder` absent: the root).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FileMoved {
    pub owner: Uuid,
    pub file_id: Uuid,
    pub folder: Option<Uuid>,
}

/// A file was put in the trash; it is purged after `purge_after` unless restored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FileDeleted {
    pub owner: Uuid,
    pub file_id: Uuid,
    pub purge_after: DateTime<Utc>,
}

/// A file was taken back from the trash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FileRestored {
    pub owner: Uuid,
    pub file_id: Uuid,
}

/// A file of the trash was deleted for good; its content may leave the blob store when no other
/// file has the same SHA-256.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FilePurged {
    pub owner: Uuid,
    pub file_id: Uuid,
    pub sha256: String,
    pub size: u64,
}

/// A file was shared (or its share's rights changed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FileShared {
    pub owner: Uuid,
    pub file_id: Uuid,
    pub with: Grantee,
    pub rights: Rights,
}

/// A share was withdrawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ShareRevoked {
    pub owner: Uuid,
    pub file_id: Uuid,
    pub with: Grantee,
}
