//! Why a command was not accepted; each variant is one HTTP status at the edge.

use ent_domain::DomainError;
use serde::Serialize;

use crate::store::StoreError;

/// One invalid field of a command, named by its JSON path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// A refused or failed command. Nothing was appended.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// Malformed envelope or payload (400).
    #[error("invalid command")]
    Malformed(Vec<FieldError>),
    /// The actor may not do this (403).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The target does not exist (404).
    #[error("{0} not found")]
    NotFound(String),
    /// Optimistic concurrency failure (409), with the stream's current version.
    #[error("version conflict on {stream}: current version is {current:?}")]
    Conflict { stream: String, current: Option<u64> },
    /// A field broke a domain rule (422 with the field).
    #[error("{field}: {message}")]
    InvalidField { field: String, message: String },
    /// Several fields broke domain rules (422 listing each).
    #[error("{} invalid fields", .0.len())]
    InvalidFields(Vec<FieldError>),
    /// A business rule is broken (422).
    #[error("{0}")]
    Rule(String),
    /// The store failed (500/503).
    #[error(transparent)]
    Store(StoreError),
    /// Recipients the sender may not write to, every one named (403); nothing was delivered to
    /// anyone (docs/domain.md, "Communication rules").
    #[error("recipients refused")]
    RecipientsRefused(Vec<RefusedRecipient>),
}

/// A recipient refused by the communication rules: their id, their name when they are a person
/// of the structure, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct RefusedRecipient {
    pub id: uuid::Uuid,
    pub name: Option<String>,
    pub reason: String,
}

impl From<DomainError> for CommandError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::InvalidField { field, message } => CommandError::InvalidField { field, message },
            DomainError::InvalidFields(errors) => {
                CommandError::InvalidFields(errors.into_iter().map(|(field, message)| FieldError { field, message }).collect())
            }
            DomainError::Rule(m) => CommandError::Rule(m),
            DomainError::NotFound(what) => CommandError::NotFound(what),
            DomainError::RecipientsRefused(refused) => CommandError::RecipientsRefused(
                refused.into_iter().map(|r| RefusedRecipient { id: r.id, name: r.name, reason: r.reason }).collect(),
            ),
        }
    }
}

impl From<StoreError> for CommandError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { stream, current, .. } => CommandError::Conflict { stream, current },
            StoreError::CommandIdReused(_) => CommandError::command_id_reused(),
            other => CommandError::Store(other),
        }
    }
}

impl CommandError {
    /// A 400 naming one field.
    pub fn malformed(field: impl Into<String>, message: impl Into<String>) -> Self {
        CommandError::Malformed(vec![FieldError { field: field.into(), message: message.into() }])
    }

    /// The answer to a `command_id` already used for another request, or by another actor: the
    /// same 422 naming `command_id` in both cases, with nothing of the stored command (a client
    /// cannot tell someone else's id from a collision).
    pub fn command_id_reused() -> Self {
        CommandError::InvalidField {
            field: "command_id".into(),
            message: "this command_id was already used for a different request; send each new request with a fresh command_id".into(),
        }
    }

    /// Short outcome label for metrics.
    pub fn outcome(&self) -> &'static str {
        match self {
            CommandError::Malformed(_) => "malformed",
            CommandError::Forbidden(_) => "forbidden",
            CommandError::NotFound(_) => "not_found",
            CommandError::Conflict { .. } => "conflict",
            CommandError::InvalidField { .. } | CommandError::InvalidFields(_) | CommandError::Rule(_) => "rejected",
            CommandError::Store(_) => "error",
            CommandError::RecipientsRefused(_) => "forbidden",
        }
    }
}
