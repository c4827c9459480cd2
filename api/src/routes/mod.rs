//! The router: one module per concern, handlers kept thin.

mod admin;
mod audit;
mod cahier_de_textes;
mod commands;
mod competences;
mod directory;
mod indicators;
mod login;
mod notes;
mod ops;
mod vie_scolaire;

use std::time::Duration;

use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Router, middleware};
use serde_json::Value;

use crate::error::ApiError;
use crate::state::AppState;

/// Header a client sends with a query to read at least its own writes: the `position` returned
/// by its command. The query waits (up to 5 s) for the read model to get there.
pub const MIN_POSITION_HEADER: &str = "ent-min-position";

/// Every route of the API.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(ops::health))
        .route("/ready", get(ops::ready))
        .route("/metrics", get(ops::metrics))
        .route("/api/openapi.json", get(ops::openapi))
        .route("/api/v1/auth/login", post(login::login))
        .route("/api/v1/commands", post(commands::post_command))
        .route("/api/v1/me", get(directory::me))
        .route("/api/v1/me/children", get(directory::my_children))
        .route("/api/v1/me/classes", get(directory::my_classes))
        .route("/api/v1/me/today", get(directory::today))
        .route("/api/v1/structures/{uai}", get(directory::structure))
        .route("/api/v1/classes/{id}/roster", get(directory::roster))
        .route("/api/v1/users/{id}", get(directory::user))
        .route("/api/v1/pupils/{id}/absences", get(vie_scolaire::pupil_absences))
        .route("/api/v1/pupils/{id}/discipline", get(vie_scolaire::discipline))
        .route("/api/v1/classes/{id}/absences", get(vie_scolaire::class_day))
        .route("/api/v1/notifications", get(vie_scolaire::notifications))
        .route("/api/v1/vie-scolaire/{uai}/dashboard", get(vie_scolaire::dashboard))
        .route("/api/v1/vie-scolaire/{uai}/absenteeism", get(vie_scolaire::absenteeism))
        .route("/api/v1/vie-scolaire/{uai}/register", get(vie_scolaire::register))
        .route("/api/v1/vie-scolaire/{uai}/sanctions/audit", get(vie_scolaire::sanction_audit))
        .route("/api/v1/indicators/structures/{uai}", get(indicators::structure))
        .route("/api/v1/indicators/academie", get(indicators::academie))
        .route("/api/v1/bulletins/{pupil}/{period}", get(notes::bulletin))
        .route("/api/v1/grades/{evaluation}/{pupil}/history", get(notes::grade_history))
        .route("/api/v1/classes/{id}/grades", get(notes::grade_table))
        .route("/api/v1/pupils/{pupil}/grades", get(notes::pupil_grades))
        .route("/api/v1/cahier/{class_or_group}/{subject}", get(cahier_de_textes::cahier))
        .route("/api/v1/cahier/entries/{id}/history", get(cahier_de_textes::history))
        .route("/api/v1/pupils/{pupil}/homework", get(cahier_de_textes::homework))
        .route("/api/v1/teachers/{teacher}/cahier", get(cahier_de_textes::teacher))
        .route("/api/v1/booklets/{pupil}", get(competences::booklet))
        .route("/api/v1/classes/{id}/competencies", get(competences::class_overview))
        .route("/api/v1/events", get(audit::events))
        .route("/api/v1/streams/{*stream}", get(audit::stream))
        .route("/api/v1/admin/projections", get(admin::list))
        .route("/api/v1/admin/projections/{name}/rebuild", post(admin::rebuild))
        .layer(middleware::from_fn_with_state(state.clone(), crate::usage::record_reads))
        .with_state(state)
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
    if state.status.wait_for(projection, position, Duration::from_secs(5)).await {
        Ok(())
    } else {
        Err(ApiError::Unavailable(format!("read model {projection} has not reached position {position} yet; retry")))
    }
}
