//! The event store port: what the command side needs from any backend.

use std::collections::BTreeMap;

use async_trait::async_trait;
use ent_domain::RecordedEvent;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use uuid::Uuid;

/// What the appender believes the stream's current version is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExpectedVersion {
    /// The stream must not exist yet (used to claim unique values).
    NoStream,
    /// The stream's last event must have exactly this version.
    Exact(u64),
    /// No check.
    Any,
}

impl ExpectedVersion {
    /// The expectation matching a loaded stream version (`None` = no stream).
    pub fn from_loaded(version: Option<u64>) -> Self {
        version.map_or(ExpectedVersion::NoStream, ExpectedVersion::Exact)
    }

    /// Whether a stream currently at `current` satisfies this expectation.
    pub fn matches(self, current: Option<u64>) -> bool {
        match self {
            ExpectedVersion::Any => true,
            ExpectedVersion::NoStream => current.is_none(),
            ExpectedVersion::Exact(n) => current == Some(n),
        }
    }
}

/// One event ready to be appended, with its metadata but before the store numbers it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub event_id: Uuid,
    pub event_type: String,
    pub schema_version: u32,
    pub payload: serde_json::Value,
    pub actor: String,
    pub structure: String,
    pub correlation_id: Uuid,
    pub causation_id: Uuid,
}

/// Events for one stream, with the version the stream must be at.
#[derive(Debug, Clone)]
pub struct StreamAppend {
    pub stream: String,
    pub expected: ExpectedVersion,
    pub events: Vec<NewEvent>,
}

/// A value kept outside the event log (password hashes, keys), written in the same transaction
/// as the events. `None` deletes it.
#[derive(Debug, Clone)]
pub struct SecretWrite {
    pub key: String,
    pub value: Option<String>,
}

/// Who asked for an append and what exactly they asked: stored with the command's result, so
/// that a `command_id` sent again is answered with that result only for the same request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestOrigin {
    /// The actor's id string (`Actor::id_string`).
    pub actor: String,
    /// Hex SHA-256 of the request (command type, canonical payload, expected version).
    pub fingerprint: String,
}

/// A committed command as kept for idempotency.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCommand {
    pub result: AppendResult,
    /// The actor who sent it; `None` only for rows older than the idempotency fingerprint whose
    /// actor could not be recovered from their events.
    pub actor: Option<String>,
    /// `None` for rows older than the fingerprint (see [`StoredCommand::answers`]).
    pub fingerprint: Option<String>,
}

impl StoredCommand {
    /// Whether `origin` may be answered with the stored result: the same actor with the same
    /// request. A row stored before fingerprints existed answers its own actor whatever the
    /// request (what was asked then is unknown), and nobody when its actor is unknown.
    pub fn answers(&self, origin: &RequestOrigin) -> bool {
        self.actor.as_deref() == Some(origin.actor.as_str()) && self.fingerprint.as_deref().is_none_or(|f| f == origin.fingerprint)
    }
}

/// One atomic append: all streams and secrets are written, or none.
#[derive(Debug, Clone)]
pub struct AppendRequest {
    pub command_id: Uuid,
    /// Who asked, and a fingerprint of the request, stored with the result.
    pub origin: RequestOrigin,
    /// The ids of the entities created, copied into the result.
    pub created: BTreeMap<String, Uuid>,
    /// The first stream is the command's primary stream, reported in the result.
    pub streams: Vec<StreamAppend>,
    pub secrets: Vec<SecretWrite>,
}

/// What an accepted command appended. Returned again, unchanged, when the command is replayed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AppendResult {
    pub command_id: Uuid,
    /// The command's primary stream.
    pub stream: String,
    /// Version of the first event appended to the primary stream.
    pub first_version: u64,
    /// Version of the last event appended to the primary stream.
    pub last_version: u64,
    /// Global position of the last event the command appended.
    pub position: u64,
    /// Ids of every event appended, in order.
    pub event_ids: Vec<Uuid>,
    /// The ids of the entities the command created, by the name of the payload field that can
    /// choose them (e.g. `{"class_id": "…"}`, `{"lessons[0].lesson_id": "…"}`); absent when it
    /// created none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub created: BTreeMap<String, Uuid>,
    /// True when this is the stored result of an earlier identical command (nothing appended).
    #[serde(skip)]
    #[schemars(skip)]
    pub replayed: bool,
}

/// Failures of the event store.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("stream {stream} is at version {current:?}, expected {expected:?}")]
    Conflict { stream: String, expected: ExpectedVersion, current: Option<u64> },
    /// The `command_id` is already stored for another request or another actor. Deliberately
    /// carries nothing of the stored command.
    #[error("command id {0} was already used for a different request")]
    CommandIdReused(Uuid),
    #[error("invalid append: {0}")]
    Invalid(String),
    #[error("event store failure: {0}")]
    Backend(String),
}

/// The event store: streams with optimistic concurrency, a global ordered log, idempotent
/// appends, and a small table of secrets kept beside (never inside) the log.
#[async_trait]
pub trait EventStore: Send + Sync + 'static {
    /// Appends atomically; a `command_id` already committed returns its first result when the
    /// stored command [answers](StoredCommand::answers) the request's origin, and
    /// [`StoreError::CommandIdReused`] otherwise.
    async fn append(&self, request: AppendRequest) -> Result<AppendResult, StoreError>;
    /// Every event of one stream, by version.
    async fn read_stream(&self, stream: &str) -> Result<Vec<RecordedEvent>, StoreError>;
    /// The events of one stream from version `from` on (inclusive), by version.
    async fn read_stream_from(&self, stream: &str, from: u64) -> Result<Vec<RecordedEvent>, StoreError>;
    /// The version of the stream's last event, `None` when the stream does not exist.
    async fn stream_version(&self, stream: &str) -> Result<Option<u64>, StoreError>;
    /// Events with a global position greater than `after`, in position order.
    async fn read_all(&self, after: u64, limit: usize) -> Result<Vec<RecordedEvent>, StoreError>;
    /// The highest committed global position (0 when empty).
    async fn head(&self) -> Result<u64, StoreError>;
    /// The stream of the aggregate of this type and id, whatever structure it belongs to.
    async fn locate(&self, aggregate: &str, id: &str) -> Result<Option<String>, StoreError>;
    /// Every stream of an aggregate type (e.g. all `discipline` streams), by name.
    async fn streams_of(&self, aggregate: &str) -> Result<Vec<String>, StoreError>;
    /// The stored result of a command already committed, with who sent it and its fingerprint.
    async fn command_result(&self, command_id: Uuid) -> Result<Option<StoredCommand>, StoreError>;
    /// A secret written with an append.
    async fn secret(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// Stores `value` under `key` unless a value is already there; returns the value kept.
    async fn init_secret(&self, key: &str, value: &str) -> Result<String, StoreError>;
    /// Notified with the head position after every commit of this process (and of others,
    /// where the backend can tell).
    fn watch_head(&self) -> watch::Receiver<u64>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(actor: Option<&str>, fingerprint: Option<&str>) -> StoredCommand {
        StoredCommand {
            result: AppendResult {
                command_id: Uuid::nil(),
                stream: "s/a/1".into(),
                first_version: 0,
                last_version: 0,
                position: 1,
                event_ids: vec![],
                created: BTreeMap::new(),
                replayed: false,
            },
            actor: actor.map(str::to_string),
            fingerprint: fingerprint.map(str::to_string),
        }
    }

    fn origin(actor: &str, fingerprint: &str) -> RequestOrigin {
        RequestOrigin { actor: actor.into(), fingerprint: fingerprint.into() }
    }

    #[test]
    fn a_stored_command_answers_only_its_actor_with_its_request() {
        let s = stored(Some("user:a"), Some("f"));
        assert!(s.answers(&origin("user:a", "f")));
        assert!(!s.answers(&origin("user:a", "g")));
        assert!(!s.answers(&origin("user:b", "f")));
    }

    #[test]
    fn a_row_older_than_fingerprints_answers_its_actor_only() {
        assert!(stored(Some("user:a"), None).answers(&origin("user:a", "anything")));
        assert!(!stored(Some("user:a"), None).answers(&origin("user:b", "anything")));
        assert!(!stored(None, None).answers(&origin("user:a", "anything")));
    }
}
