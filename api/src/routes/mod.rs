//! The router: one module per concern, handlers kept thin.

mod admin;
mod audit;
mod cahier_de_textes;
mod cas;
mod commands;
mod competences;
mod directory;
pub mod imports;

pub(crate) mod login;
mod notes;
mod ops;
pub mod spec;
pub(crate) mod usage;
mod vie_scolaire;
// Espace de travail.
pub(crate) mod espace;
// Forums, blogs, news (actualités).
mod actualites;
mod blogs;
mod forums;
// agenda
pub(crate) mod agenda;
// Réservations.
pub(crate) mod reservations;
// ressources
pub(crate) mod ressources;
// Communication rules and messagerie.
mod messagerie;
// Chat and visio.
mod chat;
mod visio;

use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::{Router, middleware};
use serde_json::Value;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};

use crate::error::{ApiError, Problem};
use crate::state::AppState;
use spec::Route;

/// Header a client sends with a query to read at least its own writes: the `position` returned
/// by its command. The query waits (up to 5 s) for the read model to get there.
pub const MIN_POSITION_HEADER: &str = "ent-min-position";

/// Every route of the API, service by service: the one list the router, the usage attribution
/// and the OpenAPI document are built from.
pub fn all() -> Vec<Route> {
    [
        ops::routes(),
        login::routes(),
        cas::routes(),
        commands::routes(),
        directory::routes(),
        imports::routes(),
        imports::read_routes(),
        vie_scolaire::routes(),
        notes::routes(),
        cahier_de_textes::routes(),
        competences::routes(),
        usage::routes(),
        audit::routes(),
        admin::routes(),
        // Espace de travail.
        espace::routes(),
        // Forums, blogs, news (actualités).
        forums::routes(),
        blogs::routes(),
        actualites::routes(),
        // agenda
        agenda::routes(),
        // Réservations (and the structure's closed days, a directory read).
        reservations::routes(),
        reservations::closed_days_routes(),
        // ressources
        ressources::routes(),
        // Communication rules and messagerie.
        messagerie::routes(),
        // Chat and visio.
        chat::routes(),
        visio::routes(),
    ]
    .into_iter()
    .flat_map(|s| s.routes)
    .collect()
}

/// The router of every route in [`all`]; reads of a service's routes are counted for it; any
/// other path or method answers a problem. A request that takes longer than the request timeout
/// answers 503; a body whose next bytes do not come within the body timeout, 400 (slow clients
/// cannot hold the server).
pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for route in all() {
        let handler = match route.service {
            Some(service) => route.handler.layer(middleware::from_fn_with_state(
                crate::read_tally::ReadCounter { state: state.clone(), service },
                crate::read_tally::record_reads,
            )),
            None => route.handler,
        };
        router = router.route(route.path, handler);
    }
    // The portal's pages (HTML) beside the API: same state, same commands and queries in process.
    for page in crate::portal::pages() {
        let handlers = match page.service {
            Some(service) => page.handlers.layer(middleware::from_fn_with_state(
                crate::read_tally::ReadCounter { state: state.clone(), service },
                crate::read_tally::record_reads,
            )),
            None => page.handlers,
        };
        router = router.route(page.path, handlers);
    }
    let (request_timeout, body_timeout) = state.timeouts;
    router
        .fallback(no_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(RequestBodyTimeoutLayer::new(body_timeout))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, request_timeout))
        .layer(middleware::from_fn(response_policy))
        .with_state(state)
}

/// The portal's answers carry the portal's policy (HTML errors, CSP), every other one the API's.
async fn response_policy(request: axum::extract::Request, next: middleware::Next) -> axum::response::Response {
    if crate::portal::owns(request.uri().path()) {
        crate::portal::policy(request, next).await
    } else {
        crate::policy::apply(request, next).await
    }
}

async fn no_route(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if crate::portal::owns(uri.path()) { crate::portal::not_found().await } else { api_no_route().await.into_response() }
}

async fn api_no_route() -> Problem {
    Problem::new(StatusCode::NOT_FOUND, "Not found", "no such route; see /api/openapi.json")
}

async fn method_not_allowed() -> Problem {
    Problem::new(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed", "this path does not answer that method; see /api/openapi.json")
}

/// Parses a JSON body, reporting syntax errors as a 400 that names the body.
pub(crate) fn parse_json(bytes: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| ApiError::bad_field("body", format!("malformed JSON: {e}")))
}

/// Waits for `projection` to reach the position the client asked for, if it asked.
pub(crate) async fn await_position(state: &AppState, headers: &HeaderMap, projection: &str) -> Result<(), ApiError> {
    let Some(raw) = headers.get(MIN_POSITION_HEADER) else { return Ok(()) };
    let position: u64 = raw
        .to_str()
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .ok_or_else(|| ApiError::bad_field(MIN_POSITION_HEADER, "expected a non-negative integer"))?;
    // A position past the log's head was never returned by a command: waiting would be in vain.
    // The head this process has seen answers most requests; the store is asked only beyond it.
    if position > *state.backend.feed.watch_head().borrow() {
        let head = state.backend.events.head().await?;
        if position > head {
            return Err(ApiError::bad_field(MIN_POSITION_HEADER, format!("position {position} is beyond the end of the log ({head})")));
        }
    }
    if state.status.wait_for(projection, position, Duration::from_secs(5)).await {
        Ok(())
    } else {
        Err(ApiError::Unavailable(format!("read model {projection} has not reached position {position} yet; retry")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The router is [`all`]: no route may be added around it.
    #[test]
    fn routes_are_only_added_from_the_route_list() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut offenders = Vec::new();
        let mut stack = vec![src];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("read src").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("routes/mod.rs") {
                    let text = std::fs::read_to_string(&path).expect("read file");
                    for needle in [".route(", ".nest(", ".merge(", ".route_service("] {
                        if text.contains(needle) {
                            offenders.push(format!("{} uses {needle}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(offenders.is_empty(), "routes must be declared in a service's routes(): {offenders:?}");
    }

    #[test]
    fn the_document_has_every_route_and_only_them() {
        let routes = all();
        let doc = crate::openapi::build(&routes);
        let paths = doc["paths"].as_object().expect("paths");
        let mut documented = 0;
        for (path, item) in paths {
            for method in item.as_object().expect("item").keys() {
                documented += 1;
                assert!(
                    routes.iter().any(|r| r.openapi_path() == *path && r.method.as_str().eq_ignore_ascii_case(method)),
                    "{method} {path} is documented but not routed"
                );
            }
        }
        assert_eq!(documented, routes.len(), "two routes share a method and path");
        for r in &routes {
            let op = &paths[&r.openapi_path()][r.method.as_str().to_ascii_lowercase()];
            assert!(op.is_object(), "{} {} is routed but not documented", r.method, r.path);
            assert!(!r.summary.is_empty(), "{} {} has no summary", r.method, r.path);
            // A WebSocket (the chat's live room) succeeds with 101 Switching Protocols.
            assert!(
                op["responses"]["200"].is_object() || op["responses"]["101"].is_object(),
                "{} {} documents no success",
                r.method,
                r.path
            );
            for name in r.openapi_path().split('{').skip(1).filter_map(|s| s.split('}').next()) {
                assert!(
                    r.params.iter().any(|p| p.name == name && p.place == spec::In::Path),
                    "{} {} does not declare its path parameter {name}",
                    r.method,
                    r.path
                );
            }
        }
        // Every `$ref` of the document resolves.
        let text = doc.to_string();
        for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = part.split('"').next().expect("ref name");
            assert!(doc["components"]["schemas"][name].is_object(), "dangling $ref {name}");
        }
    }
}
