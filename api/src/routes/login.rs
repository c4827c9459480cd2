//! `POST /api/v1/auth/login`, throttled per account and per source address (docs/domain.md,
//! "Logins").

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use ent_commands::authentication::{LoginOutcome, attempt_login};
use ent_commands::directory::ActivationOutcome;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::parse_json;
use super::spec::{Route, ServiceRoutes};
use crate::auth::Session;
use crate::error::ApiError;
use crate::state::AppState;

/// The login and logout routes.
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
                .errors(&[400, 401, 403, 429, 503]),
            Route::post("/api/v1/auth/activate", activate)
                .public()
                .summary("Activate an account with its activation code and choose its password (no token needed; throttled like logins)")
                .body::<ActivateRequest>("the login, the code and the new password")
                .ok::<ActivateResponse>("the account is activated: log in with the new password")
                .errors(&[400, 401, 403, 422, 429, 503]),
            Route::post("/api/v1/auth/logout", logout)
                .summary("Close the session of this token: it is refused from now on")
                .ok::<LogoutResponse>("the session is closed")
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

/// The peer's address, when the server was started with connect info (always, by `App`).
pub struct ClientAddr(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())))
    }
}

/// Unknown login, wrong password and deactivated account all answer this.
const REFUSED: &str = "unknown login or wrong password";

pub async fn login(State(state): State<AppState>, ClientAddr(address): ClientAddr, body: Bytes) -> Result<Json<LoginResponse>, ApiError> {
    let body = parse_json(&body)?;
    let field = |name: &str| text_field(&body, name);
    let request = LoginRequest { login: field("login")?, password: field("password")? };
    Ok(Json(sign_in(&state, address, &request.login, &request.password).await?))
}

/// A non-empty string field of a JSON body, or a 400 naming it.
fn text_field(body: &serde_json::Value, name: &str) -> Result<String, ApiError> {
    match body.get(name) {
        Some(serde_json::Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(_) => Err(ApiError::bad_field(name, "expected a non-empty string")),
        None => Err(ApiError::bad_field(name, "missing")),
    }
}

/// A login through the API or the portal: the credentials checked ([`check_credentials`]), then
/// a token of a new session issued and the login recorded.
pub(crate) async fn sign_in(state: &AppState, address: Option<IpAddr>, login: &str, password: &str) -> Result<LoginResponse, ApiError> {
    let user = check_credentials(state, address, login, password).await?;
    let now = issue_time(&user).await;
    let (token, expires_at) = state.tokens.issue(user.user_id, now, state.token_ttl)?;
    state.usage.record_login(&user).await?;
    state.metrics.login("accepted");
    tracing::info!(user = %user.user_id, "login");
    Ok(LoginResponse { token, expires_at, user_id: user.user_id })
}

/// The one path every login takes — `POST /api/v1/auth/login`, the portal's form and the single
/// sign-on's form (`POST /cas/login`): the throttle of the source address, then [`attempt_login`] (throttle and
/// lockout of the account, password checked, failures appended), metrics and logs. An accepted
/// login returns the user; every refusal is the error to answer.
pub(crate) async fn check_credentials(
    state: &AppState,
    address: Option<IpAddr>,
    login: &str,
    password: &str,
) -> Result<Box<ent_domain::directory::UserState>, ApiError> {
    if let Some(wait) = address.and_then(|a| state.address_throttle.wait(a, Instant::now())) {
        state.metrics.login("throttled_address");
        tracing::warn!(?address, "login refused: too many failures from this address");
        return Err(too_many(wait, "from this address"));
    }
    let outcome = attempt_login(&state.handler, &state.account_throttle, login, password, Utc::now()).await?;
    let user = match outcome {
        LoginOutcome::Accepted(user) => user,
        LoginOutcome::Refused { account_failure } => {
            state.metrics.login("failed");
            let from_address = address.map(|a| state.address_throttle.failed(a, Instant::now()));
            tracing::warn!(?address, from_address, known = account_failure.is_some(), "login failed");
            return Err(ApiError::Unauthorized(REFUSED.into()));
        }
        LoginOutcome::Throttled { retry_after } => {
            state.metrics.login("throttled_account");
            return Err(too_many(retry_after, "on this account"));
        }
        LoginOutcome::Locked { until, locked_now } => {
            state.metrics.login(if locked_now { "failed" } else { "locked" });
            if locked_now {
                state.metrics.lockout();
                if let Some(a) = address {
                    state.address_throttle.failed(a, Instant::now());
                }
                tracing::warn!(?address, %until, "account locked after too many failed logins");
            }
            return Err(ApiError::AccountLocked(format!(
                "this account is locked after too many failed logins, until {}; a local administrator can unlock it",
                until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            )));
        }
    };
    Ok(user)
}

/// When a session of `user` may be opened: now, or the next second after a `RevokeSessions` of
/// this very second (tokens carry whole seconds: one issued in that second would be refused).
pub(crate) async fn issue_time(user: &ent_domain::directory::UserState) -> DateTime<Utc> {
    let now = Utc::now();
    if !user.must_wait_to_issue(now) {
        return now;
    }
    let next_second = chrono::Duration::milliseconds(1000 - i64::from(now.timestamp_subsec_millis()));
    tokio::time::sleep(next_second.to_std().unwrap_or(Duration::from_secs(1))).await;
    Utc::now()
}

fn too_many(retry_after: Duration, scope: &str) -> ApiError {
    ApiError::TooManyRequests { detail: format!("too many failed logins {scope}: retry later"), retry_after }
}

/// The session a logout closed.
#[derive(Serialize, schemars::JsonSchema)]
pub struct LogoutResponse {
    /// The `sid` of the token: refused from now on.
    pub session_id: Uuid,
}

/// `POST /api/v1/auth/logout`: revokes the session of the token used (`SessionRevoked`).
pub async fn logout(State(state): State<AppState>, Session { actor, claims }: Session) -> Result<Json<LogoutResponse>, ApiError> {
    sign_out(&state, &actor, claims.sid).await?;
    Ok(Json(LogoutResponse { session_id: claims.sid }))
}

/// Closes session `sid` of `actor` (`SessionRevoked`): its token is refused from now on.
pub(crate) async fn sign_out(state: &AppState, actor: &ent_domain::Actor, sid: Uuid) -> Result<(), ApiError> {
    let Some(user) = actor.user() else {
        return Err(ApiError::Unauthorized("only a user's session can be closed".into()));
    };
    ent_commands::authentication::logout(&state.handler, user, sid).await?;
    state.metrics.sessions_revoked();
    tracing::info!(user = %user.user_id, session = %sid, "logout");
    Ok(())
}

/// `POST /api/v1/auth/activate` body (`ActivateAccount`, docs/domain.md, "Activation codes").
#[derive(Deserialize, schemars::JsonSchema)]
pub struct ActivateRequest {
    pub login: String,
    /// The code of the slip, e.g. `ABCDE-FGHJK` (case, spaces and dashes do not matter).
    pub code: String,
    /// Follows the password policy (docs/domain.md, "Passwords").
    pub new_password: String,
}

/// An activated account.
#[derive(Serialize, schemars::JsonSchema)]
pub struct ActivateResponse {
    pub user_id: Uuid,
}

/// Unknown login, wrong, used or expired code all answer this.
const ACTIVATION_REFUSED: &str = "unknown login, or wrong, used or expired activation code";

/// `POST /api/v1/auth/activate`: the code spent, the password set; a refusal counts as a failed
/// login of the account and of the source address.
pub async fn activate(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    body: Bytes,
) -> Result<Json<ActivateResponse>, ApiError> {
    let body = parse_json(&body)?;
    let field = |name: &str| text_field(&body, name);
    let request = ActivateRequest { login: field("login")?, code: field("code")?, new_password: field("new_password")? };
    if let Some(wait) = address.and_then(|a| state.address_throttle.wait(a, Instant::now())) {
        state.metrics.login("throttled_address");
        return Err(too_many(wait, "from this address"));
    }
    let outcome = ent_commands::directory::attempt_activation(
        &state.handler,
        &state.account_throttle,
        &request.login,
        &request.code,
        &request.new_password,
        Utc::now(),
    )
    .await?;
    match outcome {
        ActivationOutcome::Activated { user_id } => {
            tracing::info!(user = %user_id, "account activated");
            Ok(Json(ActivateResponse { user_id }))
        }
        ActivationOutcome::Refused => {
            state.metrics.login("failed");
            if let Some(a) = address {
                state.address_throttle.failed(a, Instant::now());
            }
            tracing::warn!(?address, "activation refused");
            Err(ApiError::Unauthorized(ACTIVATION_REFUSED.into()))
        }
        ActivationOutcome::Throttled { retry_after } => {
            state.metrics.login("throttled_account");
            Err(too_many(retry_after, "on this account"))
        }
        ActivationOutcome::Locked { until, locked_now } => {
            state.metrics.login(if locked_now { "failed" } else { "locked" });
            if locked_now {
                state.metrics.lockout();
            }
            Err(ApiError::AccountLocked(format!(
                "this account is locked after too many failed attempts, until {}; a local administrator can unlock it",
                until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            )))
        }
    }
}
