//! The integrators' contract: one JSON Schema per command and per event, keyed by file name.

use ent_domain::Event;
use ent_domain::RecordedEvent;

use crate::command::Command;
use crate::envelope::CommandEnvelope;
use crate::store::AppendResult;

/// Every schema file of `schemas/`, as (relative path, pretty JSON).
pub fn all() -> Vec<(String, String)> {
    let mut files = Vec::new();
    for (name, schema) in Command::payload_schemas() {
        files.push((format!("commands/{name}.json"), pretty(&schema)));
    }
    for (name, version, schema) in Event::payload_schemas() {
        files.push((format!("events/{name}.v{version}.json"), pretty(&schema)));
    }
    files.push(("envelope/CommandEnvelope.json".into(), pretty(&schemars::schema_for!(CommandEnvelope))));
    files.push(("envelope/CommandResult.json".into(), pretty(&schemars::schema_for!(AppendResult))));
    files.push(("envelope/RecordedEvent.json".into(), pretty(&schemars::schema_for!(RecordedEvent))));
    files.sort();
    files
}

fn pretty(schema: &schemars::Schema) -> String {
    let mut s = serde_json::to_string_pretty(schema).unwrap_or_default();
    s.push('\n');
    s
}
