//! The JSON envelope of a command as posted to `POST /api/v1/commands`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::command::Command;
use crate::error::{CommandError, FieldError};

/// `{"command_id": uuid, "type": "CreateClass", "expected_version": n?, "payload": {...}}`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CommandEnvelope {
    /// Client-chosen id; sending the same id again returns the first result.
    pub command_id: Uuid,
    /// The command type, e.g. `CreateClass`.
    #[serde(rename = "type")]
    pub command_type: String,
    /// Version the client saw of the command's primary stream; 409 when it moved since.
    #[serde(default)]
    pub expected_version: Option<u64>,
    /// The command's fields, as given by its JSON Schema.
    pub payload: Value,
}

/// A decoded command ready for the pipeline.
#[derive(Debug, Clone)]
pub struct ParsedCommand {
    pub command_id: Uuid,
    pub expected_version: Option<u64>,
    pub command: Command,
}

impl CommandEnvelope {
    /// Decodes an envelope from arbitrary JSON, naming every bad field.
    pub fn parse(body: Value) -> Result<ParsedCommand, CommandError> {
        let Value::Object(map) = body else {
            return Err(CommandError::malformed("body", "expected a JSON object"));
        };
        let mut errors = Vec::new();
        let command_id = match map.get("command_id") {
            Some(Value::String(s)) => Uuid::parse_str(s).map_err(|e| errors.push(fe("command_id", e))).ok(),
            Some(_) => {
                errors.push(fe("command_id", "expected a UUID string"));
                None
            }
            None => {
                errors.push(fe("command_id", "missing"));
                None
            }
        };
        let command_type = match map.get("type") {
            Some(Value::String(s)) => Some(s.clone()),
            _ => {
                errors.push(fe("type", "expected the command type as a string"));
                None
            }
        };
        let expected_version = match map.get("expected_version") {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_u64() {
                Some(n) => Some(n),
                None => {
                    errors.push(fe("expected_version", "expected a non-negative integer"));
                    None
                }
            },
        };
        let payload = match map.get("payload") {
            Some(p @ Value::Object(_)) => Some(p.clone()),
            _ => {
                errors.push(fe("payload", "expected a JSON object"));
                None
            }
        };
        for key in map.keys() {
            if !matches!(key.as_str(), "command_id" | "type" | "expected_version" | "payload") {
                errors.push(fe(key, "unknown field"));
            }
        }
        match (command_id, command_type, payload) {
            (Some(command_id), Some(command_type), Some(payload)) if errors.is_empty() => {
                let command = Command::parse(&command_type, payload)?;
                Ok(ParsedCommand { command_id, expected_version, command })
            }
            _ => Err(CommandError::Malformed(errors)),
        }
    }
}

fn fe(field: &str, message: impl ToString) -> FieldError {
    FieldError { field: field.to_string(), message: message.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn envelope_errors_name_each_bad_field() {
        let err = CommandEnvelope::parse(json!({"command_id": "nope", "type": 3, "payload": []})).unwrap_err();
        let CommandError::Malformed(errors) = err else { panic!() };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["command_id", "type", "payload"]);
    }

    #[test]
    fn valid_envelope_decodes_its_command() {
        let parsed = CommandEnvelope::parse(json!({
            "command_id": Uuid::new_v4(), "type": "CreateSubject", "expected_version": 3,
            "payload": {"structure": "0751234A", "code": "MATHS", "name": "Mathématiques"}
        }))
        .unwrap();
        assert_eq!(parsed.expected_version, Some(3));
        assert_eq!(parsed.command.command_type(), "CreateSubject");
    }
}
