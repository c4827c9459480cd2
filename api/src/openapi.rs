//! The OpenAPI 3.1 document, generated from the route list ([`crate::routes::all`]) and the same
//! schemars types as `schemas/`: a route cannot be served without being documented, nor
//! documented without being served.

use std::sync::OnceLock;

use ent_commands::Command;
use ent_domain::Event;
use schemars::SchemaGenerator;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use crate::routes::spec::{Auth, Route};

/// Schema settings of the document: JSON Schema 2020-12 (the dialect of OpenAPI 3.1), with
/// definitions under `#/components/schemas`.
pub fn schema_settings() -> SchemaSettings {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    settings.meta_schema = None;
    settings
}

/// The whole document, built once.
pub fn document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| build(&crate::routes::all()))
}

/// `get_api_v1_classes_id_grades` for `GET /api/v1/classes/{id}/grades`.
fn operation_id(route: &Route) -> String {
    let path: String = route.openapi_path().chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    let mut id = format!("{}_{}", route.method.as_str().to_ascii_lowercase(), path.trim_matches('_'));
    while id.contains("__") {
        id = id.replace("__", "_");
    }
    id
}

fn operation(route: &Route, generator: &mut SchemaGenerator) -> Value {
    let parameters: Vec<Value> = route
        .params
        .iter()
        .map(|p| json!({"name": p.name, "in": p.place.as_str(), "required": p.required, "description": p.description, "schema": p.schema}))
        .collect();
    let mut responses = Map::new();
    for answer in &route.answers {
        let mut response = json!({"description": answer.description});
        if !answer.content.is_empty() {
            let mut content = Map::new();
            for (content_type, schema) in &answer.content {
                content.insert((*content_type).to_string(), json!({"schema": schema(generator)}));
            }
            response["content"] = Value::Object(content);
        }
        responses.insert(answer.status.to_string(), response);
    }
    let mut op = json!({
        "operationId": operation_id(route),
        "summary": route.summary,
        "tags": [route.tag],
        "parameters": parameters,
        "responses": responses,
    });
    if route.auth == Auth::Bearer {
        op["security"] = json!([{"bearer": []}]);
    }
    if let Some((content_type, schema, description)) = route.body {
        op["requestBody"] = json!({"required": true, "description": description, "content": {content_type: {"schema": schema(generator)}}});
    }
    op
}

/// The document of these routes.
pub fn build(routes: &[Route]) -> Value {
    let mut generator = schema_settings().into_generator();
    let commands = Command::register_payload_schemas(&mut generator);
    let events = Event::register_payload_schemas(&mut generator);
    let mut paths = Map::new();
    for route in routes {
        let op = operation(route, &mut generator);
        let entry = paths.entry(route.openapi_path()).or_insert_with(|| json!({}));
        entry[route.method.as_str().to_ascii_lowercase()] = op;
    }
    let schemas: Map<String, Value> = generator.take_definitions(true).into_iter().collect();
    let command_names: Vec<&str> = commands.iter().map(|(n, _)| *n).collect();
    let event_names: Vec<&str> = events.iter().map(|(n, _)| *n).collect();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "ENT — event-sourced digital workspace API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!(
                "Every error is `application/problem+json` (RFC 9457) naming the field at fault. Commands (`POST /api/v1/commands`, payload schema `#/components/schemas/<type>`): {}. Events (payload schemas under the same names; envelopes in `schemas/`): {}.",
                command_names.join(", "),
                event_names.join(", ")
            ),
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
        "paths": paths,
    })
}
