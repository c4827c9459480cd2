//! The HTTP API of the ENT (axum) and everything the `ent` binary does: serve, demo, bootstrap,
//! projections, schemas. Handlers are thin: extract, call one function, map the error.

pub mod app;
pub mod auth;
pub mod cas;
pub mod chat_live;
pub mod config;
pub mod demo;
pub mod error;
pub mod extract;
pub mod metrics;
pub mod openapi;
pub mod policy;
pub mod portal;
pub mod read_tally;
pub mod routes;
pub mod serve;
pub mod state;
pub mod throttle;

pub use app::{App, StartupError};
pub use config::Config;
pub use error::ApiError;

#[cfg(test)]
mod tests {
    /// `schemas/` is the integrators' contract: it must be exactly what the code generates.
    #[test]
    fn committed_schemas_match_the_code() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
        let mut stale = Vec::new();
        let files = ent_commands::schemas::all();
        for (path, content) in &files {
            if std::fs::read_to_string(dir.join(path)).ok().as_deref() != Some(content.as_str()) {
                stale.push(path.clone());
            }
        }
        let mut on_disk = 0;
        for sub in ["commands", "events", "envelope"] {
            on_disk += std::fs::read_dir(dir.join(sub)).map(|d| d.count()).unwrap_or(0);
        }
        assert!(stale.is_empty(), "run `cargo run -- schemas export`; stale: {stale:?}");
        assert_eq!(on_disk, files.len(), "schemas/ holds files the code no longer generates");
    }

    #[test]
    fn event_catalogue_documents_every_event_type() {
        let doc = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/events.md")).unwrap();
        for t in ent_domain::event::EVENT_TYPES {
            assert!(doc.contains(&format!("`{}`", t.name)), "docs/events.md does not describe {}", t.name);
        }
    }

    #[test]
    fn openapi_document_references_every_command_and_event() {
        let doc = crate::openapi::document();
        let schemas = &doc["components"]["schemas"];
        for (name, _) in ent_commands::Command::payload_schemas() {
            assert!(schemas[name].is_object(), "{name} missing");
        }
        for (name, _, _) in ent_domain::Event::payload_schemas() {
            assert!(schemas[name].is_object(), "{name} missing");
        }
    }
}
