//! `POST /api/v1/auth/login`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use chrono::{DateTime, Utc};
use ent_commands::authentication::authenticate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::parse_json;
use super::spec::{Route, ServiceRoutes};
use crate::error::ApiError;
use crate::state::AppState;

/// The login route.
pub fn routes() -> ServiceRoutes {
    ServiceRoutes::new(
        "auth",
        None,
        vec![
            Route::post("/api/v1/auth/login", login)
                .public()
                .summary("Exchange a login and password for a bearer token")
                .body::<LoginRequest>("the credentials")
                .ok::<LoginResponse>("the token")
                .errors(&[401, 503]),
        ],
    )
}

/// `POST /api/v1/auth/login` body.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
}

/// A bearer token for `Authorization: Bearer …`.
#[derive(Serialize, schemars::JsonSchema)]
pub struct LoginResponse {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user_id: Uuid,
}

pub async fn login(State(state): State<AppState>, body: Bytes) -> Result<Json<LoginResponse>, ApiError> {
    let body = parse_json(&body)?;
    let field = |name: &str| -> Result<String, ApiError> {
        match body.get(name) {
            Some(serde_json::Value::String(s)) if !s.is_empty() => Ok(s.clone()),
            Some(_) => Err(ApiError::bad_field(name, "expected a non-empty string")),
            None => Err(ApiError::bad_field(name, "missing")),
        }
    };
    let request = LoginRequest { login: field("login")?, password: field("password")? };
    let user = authenticate(state.backend.events.as_ref(), &request.login, &request.password)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("unknown login or wrong password".into()))?;
    let (token, expires_at) = state.tokens.issue(user.user_id, state.token_ttl)?;
    state.usage.record_login(&user).await?;
    tracing::info!(user = %user.user_id, "login");
    Ok(Json(LoginResponse { token, expires_at, user_id: user.user_id }))
}
