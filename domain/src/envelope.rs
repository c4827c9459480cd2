//! The envelope every stored event travels in: metadata plus the JSON payload.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An event as committed to the log, with all of its metadata. This is the public contract
/// served by `GET /api/v1/events` and published to integrators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RecordedEvent {
    /// Unique id of the event (UUID v7, time ordered).
    pub event_id: Uuid,
    /// Stream name `<structure>/<aggregate>/<id>`.
    pub stream: String,
    /// Version of the event within its stream, from 0.
    pub version: u64,
    /// Position in the global, totally ordered log, from 1.
    pub position: u64,
    /// Past-tense event type, e.g. `ClassCreated`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// Version of the payload schema of this event type.
    pub schema_version: u32,
    /// When the store committed the event (UTC).
    pub recorded_at: DateTime<Utc>,
    /// Who caused it: a user id, or `system`.
    pub actor: String,
    /// Structure (UAI) the event belongs to, or `platform`.
    pub structure: String,
    /// Id shared by everything one user request caused.
    pub correlation_id: Uuid,
    /// Id of the command that produced the event.
    pub causation_id: Uuid,
    /// The event body, as defined by its JSON Schema.
    pub payload: serde_json::Value,
}
