//! The error a business rule returns when a command must be refused.

/// Why the domain refused a command. Each variant maps to one HTTP status at the edge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A field of the command is invalid on its own (format, range): HTTP 400/422 naming the field.
    #[error("{field}: {message}")]
    InvalidField { field: String, message: String },
    /// Several fields of the command are invalid (e.g. rows of a whole-class entry): HTTP 422
    /// naming each one, as (field, message).
    #[error("{}", .0.iter().map(|(f, m)| format!("{f}: {m}")).collect::<Vec<_>>().join("; "))]
    InvalidFields(Vec<(String, String)>),
    /// A business rule is broken (the command is well formed but not allowed now): HTTP 422.
    #[error("{0}")]
    Rule(String),
    /// The target of the command does not exist: HTTP 404.
    #[error("{0} not found")]
    NotFound(String),
    /// Recipients the sender may not write to (docs/domain.md, "Communication rules"): HTTP 403
    /// naming every one of them; nothing is delivered to anyone.
    #[error("recipients refused: {}", .0.iter().map(|r| r.id.to_string()).collect::<Vec<_>>().join(", "))]
    RecipientsRefused(Vec<RefusedRecipient>),
}

/// A recipient the communication rules refuse, with their display name when they are a person of
/// the structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedRecipient {
    pub id: uuid::Uuid,
    pub name: Option<String>,
    pub reason: String,
}

/// One invalid field among several: (field, message).
pub type FieldIssue = (String, String);

impl DomainError {
    /// Shorthand for [`DomainError::InvalidField`].
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::InvalidField { field: field.into(), message: message.into() }
    }

    /// Shorthand for [`DomainError::Rule`].
    pub fn rule(message: impl Into<String>) -> Self {
        Self::Rule(message.into())
    }
}
