//! `POST /api/v1/commands`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use ent_commands::{AppendResult, CommandEnvelope};
use uuid::Uuid;

use super::parse_json;
use super::spec::{Route, ServiceRoutes};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::state::AppState;

/// Header carrying the correlation id of a user request (defaults to the command id).
pub const CORRELATION_HEADER: &str = "x-correlation-id";

/// The command route.
pub fn routes() -> ServiceRoutes {
    ServiceRoutes::new(
        "commands",
        None,
        vec![
            Route::post("/api/v1/commands", post_command)
                .summary("Submit a command; `type` selects the payload schema (see components). Idempotent by `command_id`")
                .body::<CommandEnvelope>("the command envelope")
                .ok::<CommandResponse>("accepted; or the stored result of the same request sent again by the same user")
                .errors(&[403, 404, 409, 422, 503]),
        ],
    )
}

/// The result of a command, and the activation codes it issued (`IssueActivationCode`,
/// `IssueClassActivationCodes`, `ImportDirectory`): answered this once, never stored in clear —
/// the same command sent again answers its result without them (docs/domain.md, "Activation codes").
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct CommandResponse {
    #[serde(flatten)]
    pub result: AppendResult,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub activation_codes: Vec<ent_domain::directory::activation::IssuedCode>,
    /// agenda: the new calendar feed and its token (`CreateCalendarFeed`), answered this once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calendar_feed: Option<ent_commands::context::DisclosedFeed>,
}

/// `POST /api/v1/commands`.
pub async fn post_command(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<CommandResponse>, ApiError> {
    let parsed = CommandEnvelope::parse(parse_json(&body)?).inspect_err(|e| state.metrics.command("unknown", e.outcome()))?;
    let command_type = parsed.command.command_type();
    let correlation = headers.get(CORRELATION_HEADER).and_then(|h| h.to_str().ok()).and_then(|s| Uuid::parse_str(s).ok());
    match state.handler.execute(&actor, parsed, correlation).await {
        Ok(executed) => {
            let outcome = if executed.result.replayed { "replayed" } else { "accepted" };
            state.metrics.command(command_type, outcome);
            if !executed.result.replayed {
                state.metrics.append_latency(executed.append_duration);
            }
            Ok(Json(CommandResponse {
                result: executed.result,
                activation_codes: executed.disclosed,
                calendar_feed: executed.calendar_feed,
            }))
        }
        Err(e) => {
            state.metrics.command(command_type, e.outcome());
            Err(e.into())
        }
    }
}
