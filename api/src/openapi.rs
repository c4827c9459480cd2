//! The OpenAPI 3.1 document, built from the same schemars types as `schemas/`.

use ent_commands::{AppendResult, Command, CommandEnvelope};
use ent_domain::{Event, RecordedEvent};
use schemars::generate::SchemaSettings;
use serde_json::{Value, json};

fn problem_schema() -> Value {
    json!({
        "type": "object",
        "description": "RFC 9457 problem details",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}},
            "current_version": {"type": ["integer", "null"]}
        }
    })
}

fn problem_responses() -> Value {
    let p = json!({"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}});
    json!({
        "400": {"description": "malformed request (names the field)", "content": p},
        "401": {"description": "no or bad token", "content": p},
        "403": {"description": "not allowed", "content": p},
        "404": {"description": "unknown target", "content": p},
    })
}

fn get_op(summary: &str, schema: Value, params: &[(&str, &str)]) -> Value {
    let parameters: Vec<Value> = params
        .iter()
        .map(|(name, place)| json!({"name": name, "in": place, "required": *place == "path", "schema": {"type": "string"}}))
        .collect();
    let mut responses = problem_responses();
    responses["200"] = json!({"description": "OK", "content": {"application/json": {"schema": schema}}});
    json!({"get": {"summary": summary, "parameters": parameters, "security": [{"bearer": []}], "responses": responses}})
}

/// The whole document.
pub fn document() -> Value {
    let mut generator = SchemaSettings::openapi3().into_generator();
    let envelope = generator.subschema_for::<CommandEnvelope>();
    let result = generator.subschema_for::<AppendResult>();
    let recorded = generator.subschema_for::<RecordedEvent>();
    let commands = Command::register_payload_schemas(&mut generator);
    let events = Event::register_payload_schemas(&mut generator);
    let mut schemas = serde_json::Map::new();
    for (name, schema) in generator.take_definitions(true) {
        schemas.insert(name, schema);
    }
    schemas.insert("Problem".into(), problem_schema());
    let command_names: Vec<&str> = commands.iter().map(|(n, _)| *n).collect();
    let event_names: Vec<&str> = events.iter().map(|(n, _)| *n).collect();
    let obj = json!({"type": "object"});
    let mut conflict = problem_responses();
    conflict["200"] = json!({"description": "accepted (or replayed: same body)", "content": {"application/json": {"schema": result}}});
    conflict["409"] = json!({"description": "expected_version is stale; body carries current_version", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}});
    conflict["422"] = json!({"description": "business rule broken", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}});
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "ENT — event-sourced digital workspace API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!("Commands: {}. Events: {}. Payload schemas are in components and in schemas/.", command_names.join(", "), event_names.join(", ")),
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
        "paths": {
            "/api/v1/auth/login": {"post": {
                "summary": "Exchange a login and password for a bearer token",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["login", "password"], "properties": {"login": {"type": "string"}, "password": {"type": "string"}}}}}},
                "responses": {"200": {"description": "token", "content": {"application/json": {"schema": {"type": "object", "properties": {"token": {"type": "string"}, "expires_at": {"type": "string", "format": "date-time"}, "user_id": {"type": "string", "format": "uuid"}}}}}}, "401": {"description": "bad credentials"}}
            }},
            "/api/v1/commands": {"post": {
                "summary": "Submit a command; `type` selects the payload schema (see components)",
                "security": [{"bearer": []}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": envelope}}},
                "responses": conflict,
            }},
            "/api/v1/me": get_op("The caller's user card", obj.clone(), &[]),
            "/api/v1/me/children": get_op("A parent's children", json!({"type": "array"}), &[]),
            "/api/v1/me/classes": get_op("A teacher's classes and subjects", json!({"type": "array"}), &[]),
            "/api/v1/structures/{uai}": get_op("Structure tree: classes, groups, subjects, periods", obj.clone(), &[("uai", "path")]),
            "/api/v1/classes/{id}/roster": get_op("Members of a class or group", obj.clone(), &[("id", "path")]),
            "/api/v1/users/{id}": get_op("A user's card", obj.clone(), &[("id", "path")]),
            "/api/v1/indicators/structures/{uai}": get_op("Usage indicators of a structure per period × service × profile (direction, ADML, platform admin); CSV with Accept: text/csv", obj.clone(), &[("uai", "path"), ("from", "query"), ("to", "query"), ("service", "query"), ("profile", "query"), ("granularity", "query")]),
            "/api/v1/indicators/academie": get_op("Usage indicators summed over the académie's structures, cells under 5 distinct users suppressed (rectorat, platform admin); CSV with Accept: text/csv", obj.clone(), &[("from", "query"), ("to", "query"), ("service", "query"), ("profile", "query"), ("granularity", "query")]),
            "/api/v1/bulletins/{pupil}/{period}": get_op("A pupil's bulletin for a period; `{period}.pdf` renders it as PDF; `?as_of=<RFC 3339>` shows it as it stood then (parents and pupils: published only)", obj.clone(), &[("pupil", "path"), ("period", "path"), ("as_of", "query")]),
            "/api/v1/grades/{evaluation}/{pupil}/history": get_op("Audit trail of a grade: every value, author, time and reason", json!({"type": "array"}), &[("evaluation", "path"), ("pupil", "path")]),
            "/api/v1/classes/{id}/grades": get_op("Grade table of a class or group for a period (its teachers, the staff)", obj.clone(), &[("id", "path"), ("period", "query")]),
            "/api/v1/pupils/{pupil}/grades": get_op("A pupil's grades by subject for a period, each with its evaluation", json!({"type": "array"}), &[("pupil", "path"), ("period", "query")]),
            "/api/v1/cahier/{class_or_group}/{subject}": get_op("Cahier de textes of a class or group in a subject: lessons and homework, newest first, visas", obj.clone(), &[("class_or_group", "path"), ("subject", "path")]),
            "/api/v1/cahier/entries/{id}/history": get_op("Every version of a lesson or homework entry", json!({"type": "array"}), &[("id", "path")]),
            "/api/v1/pupils/{pupil}/homework": get_op("A pupil's homework to do, by due date (`from`, default today)", json!({"type": "array"}), &[("pupil", "path"), ("from", "query")]),
            "/api/v1/teachers/{teacher}/cahier": get_op("A teacher's cahiers, one per assignment", json!({"type": "array"}), &[("teacher", "path")]),
            "/api/v1/booklets/{pupil}": get_op("A pupil's competency booklet; `{pupil}.json` is the versioned export (docs/exports.md)", obj.clone(), &[("pupil", "path")]),
            "/api/v1/classes/{id}/competencies": get_op("A class's overview of a framework, item by item", obj.clone(), &[("id", "path"), ("framework", "query"), ("period", "query")]),
            "/api/v1/events": get_op("Audit: the global log after a position (platform admin)", json!({"type": "array", "items": recorded}), &[("after", "query"), ("limit", "query")]),
            "/api/v1/streams/{stream}": get_op("Audit: one stream (platform admin)", json!({"type": "array"}), &[("stream", "path")]),
            "/api/v1/admin/projections": get_op("Projection checkpoints and lag (platform admin)", json!({"type": "array"}), &[]),
            "/api/v1/admin/projections/{name}/rebuild": {"post": {"summary": "Rebuild a read model while the old one serves, then swap (platform admin)", "security": [{"bearer": []}], "responses": {"200": {"description": "report"}}}},
            "/health": {"get": {"summary": "Liveness", "responses": {"200": {"description": "ok"}}}},
            "/ready": {"get": {"summary": "Readiness", "responses": {"200": {"description": "ready"}, "503": {"description": "not ready"}}}},
            "/metrics": {"get": {"summary": "Prometheus metrics", "responses": {"200": {"description": "text format"}}}},
        }
    })
}
