//! Forms post commands: each form carries the CSRF token of its session and the id of its
//! command, generated when the form was rendered. The command goes through the same pipeline as
//! `POST /api/v1/commands` (authorization, validation, idempotency), in process; a rejection comes
//! back with the fields it names, for the page to show next to them.

use std::collections::HashMap;
use std::time::Duration;

use axum::response::{IntoResponse, Redirect, Response};
use ent_commands::envelope::ParsedCommand;
use ent_commands::{Command, FieldError};
use serde_json::Value;
use uuid::Uuid;

use super::page::PortalError;
use super::session::SignedIn;
use crate::error::ApiError;
use crate::state::AppState;

/// The fields of a posted form.
pub struct FormData(pub HashMap<String, String>);

impl FormData {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// A field's text, trimmed; `None` when absent or blank.
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
    }
}

/// Why a form's command was not applied.
pub enum Rejected {
    /// The form is fine but the page cannot go on (session, CSRF, rights, store).
    Page(PortalError),
    /// The command was refused: the message, and the fields it names.
    Invalid { message: String, fields: Vec<FieldError> },
}

impl From<PortalError> for Rejected {
    fn from(e: PortalError) -> Self {
        Rejected::Page(e)
    }
}

/// Runs the command of a form for the signed-in visitor: the CSRF token is checked first (a form
/// without this session's token appends nothing), then the command id the form carries is used, so
/// the same form posted twice is applied once. Returns the log position of the result.
pub async fn run(state: &AppState, who: &SignedIn, form: &FormData, command_type: &str, payload: Value) -> Result<u64, Rejected> {
    Ok(execute(state, who, form, command_type, payload).await?.result.position)
}

/// [`run`], answering what the command executed (e.g. a calendar feed's token, shown once).
pub async fn execute(
    state: &AppState,
    who: &SignedIn,
    form: &FormData,
    command_type: &str,
    payload: Value,
) -> Result<ent_commands::Executed, Rejected> {
    who.check_csrf(state, form.get("_csrf"))?;
    let command_id = form.get("command_id").and_then(|s| Uuid::parse_str(s).ok()).ok_or(Rejected::Page(PortalError::Csrf))?;
    let command = Command::parse(command_type, payload).map_err(|e| invalid(ApiError::Command(e)))?;
    let parsed = ParsedCommand { command_id, expected_version: None, command };
    match state.handler.execute(&who.actor, parsed, None).await {
        Ok(executed) => {
            state.metrics.command(command_type, if executed.result.replayed { "replayed" } else { "accepted" });
            Ok(executed)
        }
        Err(e) => {
            state.metrics.command(command_type, e.outcome());
            Err(invalid(ApiError::Command(e)))
        }
    }
}

fn invalid(e: ApiError) -> Rejected {
    let status = e.status();
    if status.is_client_error() && status != axum::http::StatusCode::FORBIDDEN && status != axum::http::StatusCode::NOT_FOUND {
        Rejected::Invalid { message: e.detail(), fields: e.fields() }
    } else {
        Rejected::Page(e.into())
    }
}

/// After a command: back to `page`, which waits until the read models have the change
/// (read-your-writes), the Post/Redirect/Get way (a reload does not post again).
pub fn see_other(page: &str, position: u64) -> Response {
    let sep = if page.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{page}{sep}apres={position}")).into_response()
}

/// Waits (up to 5 s) for `projections` to reach `position`, when the page was asked `?apres=`.
pub async fn await_position(state: &AppState, position: Option<u64>, projections: &[&str]) {
    let Some(position) = position else { return };
    for projection in projections {
        if !state.status.wait_for(projection, position, Duration::from_secs(5)).await {
            tracing::warn!(projection, position, "portal page shown before its read model caught up");
        }
    }
}

/// The message of `field` among a rejection's fields.
pub fn message_for(fields: &[FieldError], field: &str) -> Option<String> {
    fields.iter().find(|f| f.field == field || f.field.ends_with(&format!(".{field}"))).map(|f| f.message.clone())
}
