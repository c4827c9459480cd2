//! One error type for every handler, rendered once as `application/problem+json` (RFC 9457).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ent_commands::{CommandError, FieldError, StoreError};
use ent_projections::{QueryError, ReadModelError};
use serde_json::json;

/// The body of every error answer (RFC 9457 problem details), as `application/problem+json`.
#[derive(Debug, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Problem {
    /// `about:blank`: the status and title say it all.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The fields at fault, each with its message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// On a version conflict: the stream that moved on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<String>,
    /// On a version conflict: the stream's current version (null: no stream yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_version: Option<Option<u64>>,
}

/// Seconds a client should wait before retrying a 503.
pub const RETRY_AFTER_SECONDS: &str = "1";

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Command(#[from] CommandError),
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("invalid request")]
    BadRequest(Vec<FieldError>),
    #[error("{0}")]
    Unavailable(String),
    /// 429 with `Retry-After` (whole seconds, rounded up).
    #[error("{detail}")]
    TooManyRequests { detail: String, retry_after: std::time::Duration },
    /// 403 "Account locked": refused whatever the password.
    #[error("{0}")]
    AccountLocked(String),
    #[error("{0}")]
    Internal(String),
    /// 413 naming the field (a file beyond the size limit or the quota).
    #[error("{}", .0.message)]
    TooLarge(FieldError),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::Command(e.into())
    }
}

impl From<ReadModelError> for ApiError {
    fn from(e: ReadModelError) -> Self {
        ApiError::Query(e.into())
    }
}

impl ApiError {
    /// A 413 naming one field.
    pub fn too_large(field: &str, message: impl Into<String>) -> Self {
        ApiError::TooLarge(FieldError { field: field.into(), message: message.into() })
    }

    /// A 400 naming one field.
    pub fn bad_field(field: &str, message: impl Into<String>) -> Self {
        ApiError::BadRequest(vec![FieldError { field: field.into(), message: message.into() }])
    }

    /// The HTTP status this error answers.
    pub fn status(&self) -> StatusCode {
        self.parts().0
    }

    /// The fields at fault with their messages (empty when the error names none).
    pub fn fields(&self) -> Vec<FieldError> {
        self.parts().3
    }

    /// The problem's human-readable detail.
    pub fn detail(&self) -> String {
        self.parts().2
    }

    fn parts(&self) -> (StatusCode, &'static str, String, Vec<FieldError>, Option<serde_json::Value>) {
        match self {
            ApiError::Command(e) => match e {
                CommandError::Malformed(errors) => {
                    (StatusCode::BAD_REQUEST, "Malformed command", errors_detail(errors), errors.clone(), None)
                }
                CommandError::Forbidden(m) => (StatusCode::FORBIDDEN, "Forbidden", m.clone(), vec![], None),
                CommandError::NotFound(what) => (StatusCode::NOT_FOUND, "Not found", format!("{what} not found"), vec![], None),
                CommandError::Conflict { stream, current } => (
                    StatusCode::CONFLICT,
                    "Version conflict",
                    format!(
                        "stream {stream} has moved on; current version is {}",
                        current.map_or("none (no stream)".into(), |v| v.to_string())
                    ),
                    vec![],
                    Some(json!({ "stream": stream, "current_version": current })),
                ),
                CommandError::InvalidField { field, message } => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Invalid field",
                    format!("{field}: {message}"),
                    vec![FieldError { field: field.clone(), message: message.clone() }],
                    None,
                ),
                CommandError::InvalidFields(errors) => {
                    (StatusCode::UNPROCESSABLE_ENTITY, "Invalid fields", errors_detail(errors), errors.clone(), None)
                }
                CommandError::Rule(m) => (StatusCode::UNPROCESSABLE_ENTITY, "Business rule broken", m.clone(), vec![], None),
                CommandError::Store(StoreError::Invalid(m)) => (StatusCode::UNPROCESSABLE_ENTITY, "Invalid data", m.clone(), vec![], None),
                CommandError::Store(e) => (StatusCode::SERVICE_UNAVAILABLE, "Storage unavailable", e.to_string(), vec![], None),
                CommandError::RecipientsRefused(refused) => {
                    let errors: Vec<FieldError> = refused
                        .iter()
                        .map(|r| FieldError {
                            field: format!("recipients.{}", r.id),
                            message: format!("{}: {}", r.name.as_deref().unwrap_or("unknown recipient"), r.reason),
                        })
                        .collect();
                    let names: Vec<String> = refused.iter().map(|r| r.name.clone().unwrap_or_else(|| r.id.to_string())).collect();
                    let detail = format!("you may not write to: {}; nothing was sent", names.join(", "));
                    (StatusCode::FORBIDDEN, "Recipients refused", detail, errors, None)
                }
            },
            ApiError::Query(e) => match e {
                QueryError::Forbidden(m) => (StatusCode::FORBIDDEN, "Forbidden", m.clone(), vec![], None),
                QueryError::NotFound(what) => (StatusCode::NOT_FOUND, "Not found", format!("{what} not found"), vec![], None),
                QueryError::NotReady(m) => (StatusCode::SERVICE_UNAVAILABLE, "Not ready", m.clone(), vec![], None),
                QueryError::Store(e) => (StatusCode::SERVICE_UNAVAILABLE, "Storage unavailable", e.to_string(), vec![], None),
                QueryError::Document(e) => (StatusCode::INTERNAL_SERVER_ERROR, "Internal error", e.to_string(), vec![], None),
            },
            ApiError::Unauthorized(m) => (StatusCode::UNAUTHORIZED, "Unauthorized", m.clone(), vec![], None),
            ApiError::Forbidden(m) => (StatusCode::FORBIDDEN, "Forbidden", m.clone(), vec![], None),
            ApiError::NotFound(m) => (StatusCode::NOT_FOUND, "Not found", m.clone(), vec![], None),
            ApiError::BadRequest(errors) => (StatusCode::BAD_REQUEST, "Bad request", errors_detail(errors), errors.clone(), None),
            ApiError::Unavailable(m) => (StatusCode::SERVICE_UNAVAILABLE, "Unavailable", m.clone(), vec![], None),
            ApiError::TooManyRequests { detail, .. } => (StatusCode::TOO_MANY_REQUESTS, "Too many attempts", detail.clone(), vec![], None),
            ApiError::AccountLocked(m) => (StatusCode::FORBIDDEN, "Account locked", m.clone(), vec![], None),
            ApiError::Internal(m) => (StatusCode::INTERNAL_SERVER_ERROR, "Internal error", m.clone(), vec![], None),
            ApiError::TooLarge(e) => {
                (StatusCode::PAYLOAD_TOO_LARGE, "Too large", format!("{}: {}", e.field, e.message), vec![e.clone()], None)
            }
        }
    }
}

fn errors_detail(errors: &[FieldError]) -> String {
    errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
}

impl ApiError {
    /// The problem body and status of this error.
    pub fn problem(&self) -> Problem {
        let (status, title, detail, errors, extra) = self.parts();
        let (stream, current_version) = match extra {
            Some(v) => (v.get("stream").and_then(|s| s.as_str()).map(str::to_string), v.get("current_version").map(|c| c.as_u64())),
            None => (None, None),
        };
        Problem { kind: "about:blank".into(), title: title.into(), status: status.as_u16(), detail, errors, stream, current_version }
    }
}

impl Problem {
    /// A problem of `status` with a title and a detail.
    pub fn new(status: StatusCode, title: &str, detail: impl Into<String>) -> Self {
        Problem {
            kind: "about:blank".into(),
            title: title.into(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: vec![],
            stream: None,
            current_version: None,
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            tracing::error!(status = self.status, detail = %self.detail, "request failed");
        }
        let body = match serde_json::to_string(&self) {
            Ok(body) => body,
            Err(e) => {
                format!(r#"{{"type":"about:blank","title":"Internal error","status":500,"detail":"cannot encode the problem: {e}"}}"#)
            }
        };
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER_SECONDS));
        }
        response
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.problem().into_response();
        if let ApiError::TooManyRequests { retry_after, .. } = &self {
            let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
        }
        response
    }
}
