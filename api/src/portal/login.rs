//! Signing in and out of the portal: the same credentials, throttling and lockout as
//! `POST /api/v1/auth/login` (the same function), a session cookie instead of a bearer token.
//! The login form is protected against cross-site posts by a nonce cookie it must match.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

use super::forms::FormData;
use super::page::{PortalError, Shell, render};
use super::session::{LOGIN_NONCE_COOKIE, SignedIn, cleared_session_cookie, cookie, session_cookie};
use crate::error::ApiError;
use crate::routes::login::{ClientAddr, sign_in};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    shell: Shell,
    csrf: String,
    error: Option<String>,
    // The credential fields (`login_fields.html`, shared with the CAS login page).
    login_field: &'static str,
    login_value: String,
    login_error_id: Option<&'static str>,
}

fn login_page(state: &AppState, status: StatusCode, login: String, error: Option<String>) -> Response {
    let nonce = Uuid::new_v4();
    let csrf = state.tokens.csrf_token(nonce);
    let mut response = render(&LoginPage {
        shell: Shell::anonymous("Connexion"),
        csrf,
        error,
        login_field: "login",
        login_value: login,
        login_error_id: None,
    });
    *response.status_mut() = status;
    let cookie = format!("{LOGIN_NONCE_COOKIE}={nonce}; Path=/connexion; HttpOnly; SameSite=Strict; Max-Age=3600");
    if let Ok(v) = cookie.parse() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// `GET /connexion`.
pub async fn form(State(state): State<AppState>) -> Response {
    login_page(&state, StatusCode::OK, String::new(), None)
}

/// `POST /connexion`.
pub async fn submit(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    Form(fields): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let form = FormData(fields);
    let nonce = cookie(&headers, LOGIN_NONCE_COOKIE).and_then(|n| Uuid::parse_str(&n).ok());
    match (nonce, form.get("_csrf")) {
        (Some(nonce), Some(token)) if state.tokens.csrf_valid(nonce, token) => {}
        _ => return Err(PortalError::Csrf),
    }
    let login = form.text("login").unwrap_or_default();
    let password = form.get("password").unwrap_or_default().to_string();
    if login.is_empty() || password.is_empty() {
        return Ok(login_page(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            login,
            Some("Saisissez votre identifiant et votre mot de passe.".into()),
        ));
    }
    match sign_in(&state, address, &login, &password).await {
        Ok(signed) => {
            let max_age = (signed.expires_at - chrono::Utc::now()).num_seconds().max(0);
            let mut response = Redirect::to("/").into_response();
            if let Ok(v) = session_cookie(&signed.token, max_age).parse() {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(response)
        }
        Err(e) => {
            let (status, message) = match &e {
                ApiError::TooManyRequests { .. } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    "Trop de tentatives ont échoué : patientez quelques instants avant de réessayer.".to_string(),
                ),
                ApiError::AccountLocked(_) => (
                    StatusCode::FORBIDDEN,
                    "Ce compte est verrouillé après trop de tentatives. L'administrateur de l'établissement peut le déverrouiller."
                        .to_string(),
                ),
                ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "Identifiant ou mot de passe incorrect.".to_string()),
                _ => return Err(e.into()),
            };
            Ok(login_page(&state, status, login, Some(message)))
        }
    }
}

/// `POST /deconnexion`: closes the session (`SessionRevoked`) and clears the cookie.
pub async fn logout(
    State(state): State<AppState>,
    who: SignedIn,
    Form(fields): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, PortalError> {
    who.check_csrf(&state, fields.get("_csrf").map(String::as_str))?;
    crate::routes::login::sign_out(&state, &who.actor, who.claims.sid).await?;
    let mut response = Redirect::to("/connexion").into_response();
    if let Ok(v) = cleared_session_cookie().parse() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}
