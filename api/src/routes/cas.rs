//! The CAS 3.0 server (docs/domain.md, "Single sign-on (CAS)"): `/cas/login` (GET: the single
//! sign-on session or the login form; POST: the form, checked through the same login path as
//! `POST /api/v1/auth/login`), `/cas/serviceValidate` and `/cas/p3/serviceValidate` (XML, or
//! JSON with `format=JSON`), `/cas/logout` (with single logout). These answer HTML pages, XML and
//! redirects, not JSON; only a storage outage is a problem+json.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use ent_commands::cas::{SloEntry, record_ticket_validated, ticket_hash};
use ent_domain::cas::CasAttribute;
use ent_domain::cas::ticket::{IssuedTicket, TICKET_PREFIX, TicketRefusal, check_ticket};
use ent_projections::directory::cas::{CasServiceDoc, cas_attributes, cas_service_for};
use schemars::JsonSchema;

use super::login::{ClientAddr, check_credentials, issue_time};
use super::spec::{Route, ServiceRoutes, schema, schema_of, text_schema};
use crate::cas::pages::{self, LoginForm, Page};
use crate::cas::protocol::{FailureCode, JsonServiceResponse, Validation, service_response_json, service_response_xml};
use crate::cas::{cookies, session, slo};
use crate::error::ApiError;
use crate::state::AppState;

const HTML: &str = "text/html";
const XML: &str = "application/xml";

/// The routes of the CAS server; none takes a bearer token.
pub fn routes() -> ServiceRoutes {
    let service = || schema::text();
    ServiceRoutes::new(
        "cas",
        None,
        vec![
            Route::get("/cas/login", login_page)
                .public()
                .summary("CAS 3.0 login: a ticket for the service at once if the browser has a single sign-on session, else the login form")
                .query("service", false, service(), "the URL of the application asking; it must be registered")
                .query("renew", false, schema::text(), "`true`: ask for the credentials even with a single sign-on session")
                .query("gateway", false, schema::text(), "`true`: never show the form (back to the service without a ticket)")
                .answer(200, "the login form, or the page saying the user is connected", HTML, text_schema)
                .empty(302, "to the service, with `ticket` when the user is connected")
                .answer(403, "the service is not registered: no ticket", HTML, text_schema)
                .errors(&[503]),
            Route::post("/cas/login", login_submit)
                .public()
                .summary("CAS 3.0 login form submission: checked like POST /api/v1/auth/login (throttling, lockout)")
                .form_body::<CasLoginForm>("the login form")
                .answer(200, "connected, without a service to go back to", HTML, text_schema)
                .empty(303, "to the service, with `ticket`")
                .answer(400, "the form is incomplete", HTML, text_schema)
                .answer(401, "unknown login or wrong password: the form again", HTML, text_schema)
                .answer(403, "the service is not registered, the form expired, or the account is locked", HTML, text_schema)
                .answer(429, "too many failed logins: retry after Retry-After", HTML, text_schema)
                .errors(&[503]),
            validate_route("/cas/serviceValidate", "CAS 3.0 service ticket validation (with the attributes released)"),
            validate_route("/cas/p3/serviceValidate", "CAS 3.0 service ticket validation, protocol 3 path (with the attributes released)"),
            Route::get("/cas/logout", logout)
                .public()
                .summary("CAS 3.0 logout: ends the single sign-on session; single logout to the services that asked for it")
                .query("service", false, service(), "a registered URL to go back to")
                .answer(200, "logged out", HTML, text_schema)
                .empty(302, "to the registered service named")
                .errors(&[503]),
        ],
    )
}

fn validate_route(path: &'static str, summary: &'static str) -> Route {
    Route::get(path, validate)
        .public()
        .summary(summary)
        .query("service", false, schema::text(), "the service URL the ticket was issued for")
        .query("ticket", false, schema::text(), "the service ticket (`ST-…`), single use")
        .query("renew", false, schema::text(), "`true`: only a ticket issued from the credentials just typed validates")
        .query("format", false, schema::one_of(&["XML", "JSON"]), "the answer's format (XML by default)")
        .query("pgtUrl", false, schema::text(), "proxy callback: proxying is not offered, it is ignored")
        .answer(200, "`cas:serviceResponse`: `authenticationSuccess` or `authenticationFailure` with its code", XML, text_schema)
        .answer(200, "the same as JSON (`format=JSON`)", "application/json", schema_of::<JsonServiceResponse>)
}

/// The fields of the login form: the documented schema (the handler reads the fields one by one,
/// to answer a missing one with the form again).
#[derive(JsonSchema)]
#[expect(dead_code, reason = "only the schema of the form body")]
pub struct CasLoginForm {
    pub username: String,
    pub password: String,
    /// The form's anti-forgery token, the same as its cookie.
    pub lt: String,
    pub service: Option<String>,
    pub renew: Option<String>,
}

/// The parameters of a query string or form body; one that cannot be decoded has none (every
/// parameter is then missing, which each route answers as such).
fn params(raw: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(raw).unwrap_or_default()
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
}

/// `renew`, `gateway`: set unless absent or `false`.
fn flag(params: &[(String, String)], name: &str) -> bool {
    params.iter().any(|(k, v)| k == name && !v.eq_ignore_ascii_case("false"))
}

fn redirect(status: StatusCode, location: &str, cookies: Vec<String>) -> Response {
    let mut response = status.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

fn page(status: StatusCode, html: String) -> Page {
    Page { status, html, cookies: vec![], retry_after: None }
}

fn not_allowed() -> Response {
    tracing::warn!("CAS login for a service that is not registered");
    page(
        StatusCode::FORBIDDEN,
        pages::message("Application non autorisée", "Cette application n'est pas autorisée à utiliser la connexion de l'ENT."),
    )
    .into_response()
}

/// The registration of `service`, if it is allowed. A URL with control characters is not (URL
/// parsing would drop some of them, and the URL is sent back as it came, in `Location`).
async fn registration(state: &AppState, service: &str) -> Result<Option<CasServiceDoc>, ApiError> {
    if service.chars().any(char::is_control) {
        return Ok(None);
    }
    Ok(cas_service_for(state.backend.read_models.as_ref(), service).await?)
}

/// The login form, with a fresh anti-forgery token in its cookie.
fn form_page(
    state: &AppState,
    status: StatusCode,
    service: Option<(&str, &CasServiceDoc)>,
    renew: bool,
    error: Option<&str>,
    username: &str,
) -> Page {
    let token = session::random_token();
    let html = pages::login_form(&LoginForm {
        service_name: service.map(|(_, r)| r.name.as_str()),
        service: service.map(|(s, _)| s),
        renew,
        token: &token,
        error,
        username,
    });
    Page { status, html, cookies: vec![cookies::form_token(&token, state.cas.secure_cookie)], retry_after: None }
}

/// `GET /cas/login`.
pub async fn login_page(State(state): State<AppState>, headers: HeaderMap, RawQuery(query): RawQuery) -> Result<Response, ApiError> {
    let params = params(query.as_deref().unwrap_or("").as_bytes());
    let (renew, gateway) = (flag(&params, "renew"), flag(&params, "gateway"));
    let service = match param(&params, "service") {
        Some(url) => match registration(&state, url).await? {
            Some(r) => Some((url, r)),
            None => return Ok(not_allowed()),
        },
        None => None,
    };
    // `renew` takes precedence over `gateway` and over the session (CAS 3.0, 2.1.1).
    if !renew && let Some((user, claims)) = session::current(&state, &headers).await? {
        return Ok(match &service {
            Some((url, r)) => redirect(StatusCode::FOUND, &session::issue_ticket(&state, &user, claims.sid, r, url, false).await?, vec![]),
            None => {
                page(StatusCode::OK, pages::message("Connexion", &format!("Vous êtes connecté à l'ENT ({}).", user.login))).into_response()
            }
        });
    }
    if gateway
        && !renew
        && let Some((url, _)) = &service
    {
        return Ok(redirect(StatusCode::FOUND, url, vec![]));
    }
    Ok(form_page(&state, StatusCode::OK, service.as_ref().map(|(u, r)| (*u, r)), renew, None, "").into_response())
}

/// `POST /cas/login`.
pub async fn login_submit(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let fields = params(&body);
    let service_url = param(&fields, "service");
    let renew = flag(&fields, "renew");
    let service = match service_url {
        Some(url) => match registration(&state, url).await? {
            Some(r) => Some((url, r)),
            None => return Ok(not_allowed()),
        },
        None => None,
    };
    let service_ref = service.as_ref().map(|(u, r)| (*u, r));
    let (Some(username), Some(password), Some(token)) = (param(&fields, "username"), param(&fields, "password"), param(&fields, "lt"))
    else {
        let message = "Veuillez saisir votre identifiant et votre mot de passe.";
        return Ok(form_page(&state, StatusCode::BAD_REQUEST, service_ref, renew, Some(message), param(&fields, "username").unwrap_or(""))
            .into_response());
    };
    let expected = cookies::read(&headers, cookies::FORM_TOKEN);
    if !expected.is_some_and(|e| constant_time_eq(e.as_bytes(), token.as_bytes())) {
        let message = "Le formulaire a expiré : veuillez vous identifier de nouveau.";
        return Ok(form_page(&state, StatusCode::FORBIDDEN, service_ref, renew, Some(message), username).into_response());
    }
    let user = match check_credentials(&state, address, username, password).await {
        Ok(user) => user,
        Err(ApiError::Unauthorized(_)) => {
            let message = "Identifiant ou mot de passe incorrect.";
            return Ok(form_page(&state, StatusCode::UNAUTHORIZED, service_ref, renew, Some(message), username).into_response());
        }
        Err(ApiError::TooManyRequests { retry_after, .. }) => {
            let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
            let message = format!("Trop d'essais infructueux : réessayez dans {seconds} s.");
            let mut page = form_page(&state, StatusCode::TOO_MANY_REQUESTS, service_ref, renew, Some(&message), username);
            page.retry_after = Some(seconds);
            return Ok(page.into_response());
        }
        Err(ApiError::AccountLocked(_)) => {
            let message = "Ce compte est bloqué après trop d'essais infructueux : un administrateur peut le débloquer.";
            return Ok(form_page(&state, StatusCode::FORBIDDEN, service_ref, renew, Some(message), username).into_response());
        }
        Err(e) => return Err(e),
    };
    let now = issue_time(&user).await;
    let (cookie, claims) = state.tokens.issue_sso(user.user_id, now, state.token_ttl)?;
    state.usage.record_login(&user).await?;
    state.metrics.login("accepted");
    tracing::info!(user = %user.user_id, session = %claims.sid, "CAS single sign-on login");
    let cookies = vec![cookies::session(&cookie, state.cas.secure_cookie), cookies::removal(cookies::FORM_TOKEN, state.cas.secure_cookie)];
    match service {
        Some((url, r)) => {
            let location = session::issue_ticket(&state, &user, claims.sid, &r, url, true).await?;
            Ok(redirect(StatusCode::SEE_OTHER, &location, cookies))
        }
        None => {
            let html = pages::message("Connexion", &format!("Vous êtes connecté à l'ENT ({}).", user.login));
            Ok(Page { status: StatusCode::OK, html, cookies, retry_after: None }.into_response())
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `GET /cas/serviceValidate` and `GET /cas/p3/serviceValidate`: always 200, the outcome in the
/// document.
pub async fn validate(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let params = params(query.as_deref().unwrap_or("").as_bytes());
    let json = param(&params, "format").is_some_and(|f| f.eq_ignore_ascii_case("JSON"));
    let validation = match (param(&params, "service"), param(&params, "ticket")) {
        (Some(service), Some(ticket)) => match validate_ticket(&state, service, ticket, flag(&params, "renew")).await {
            Ok(v) => v,
            Err(e) => {
                tracing::error!(error = %e, "CAS ticket validation failed");
                Validation::failure(FailureCode::InternalError, "the server could not validate the ticket now; retry with a new ticket")
            }
        },
        _ => Validation::failure(FailureCode::InvalidRequest, "both `service` and `ticket` are required"),
    };
    if let Validation::Failure { code, .. } = &validation {
        tracing::warn!(code = code.as_str(), "CAS ticket refused");
    }
    if json {
        return axum::Json(service_response_json(&validation)).into_response();
    }
    match service_response_xml(&validation) {
        Ok(xml) => ([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], xml).into_response(),
        Err(e) => ApiError::Internal(format!("CAS answer not written: {e}")).into_response(),
    }
}

async fn validate_ticket(state: &AppState, service: &str, ticket: &str, renew: bool) -> Result<Validation, ApiError> {
    let unknown = || Validation::failure(FailureCode::InvalidTicket, format!("ticket {ticket} not recognized"));
    if !ticket.starts_with(TICKET_PREFIX) {
        return Ok(unknown());
    }
    // Consumed whatever comes next: a ticket is tried once.
    let Some(pending) = state.backend.cas_tickets.consume(&ticket_hash(ticket)).await? else {
        return Ok(unknown());
    };
    let issued = IssuedTicket { service: &pending.service, issued_at: pending.issued_at, from_credentials: pending.from_credentials };
    match check_ticket(&issued, service, renew, Utc::now(), state.cas.ticket_validity) {
        Ok(()) => {}
        Err(TicketRefusal::Expired) => return Ok(Validation::failure(FailureCode::InvalidTicket, format!("ticket {ticket} has expired"))),
        Err(TicketRefusal::OtherService) => {
            return Ok(Validation::failure(FailureCode::InvalidService, format!("ticket {ticket} was not issued for this service")));
        }
        Err(TicketRefusal::NotFromCredentials) => {
            return Ok(Validation::failure(FailureCode::InvalidTicketSpec, format!("ticket {ticket} was not issued from a fresh login")));
        }
    }
    // The registration must still be in force, and the session still open (closed since the
    // ticket was issued: a revocation at or after the ticket's second).
    let Some(registration) = registration(state, service).await?.filter(|r| r.service_id == pending.service_id) else {
        return Ok(Validation::failure(FailureCode::InvalidService, "this service is no longer registered"));
    };
    let user = match ent_commands::actors::load_actor(state.backend.events.as_ref(), pending.user_id).await? {
        Some(ent_domain::Actor::User(u)) if u.active && u.session_open(pending.session_id, pending.issued_at.timestamp()) => u,
        _ => return Ok(Validation::failure(FailureCode::InvalidTicket, format!("ticket {ticket}: the session has ended"))),
    };
    let attributes = cas_attributes(state.backend.read_models.as_ref(), user.user_id, &registration.attributes).await?;
    record_ticket_validated(&state.handler, &user, pending.session_id, registration.service_id, service).await?;
    if registration.single_logout {
        let entry = SloEntry { service: service.to_string(), service_id: registration.service_id, ticket: ticket.to_string() };
        state.backend.cas_tickets.remember(pending.session_id, &entry).await?;
    }
    tracing::info!(user = %user.user_id, service = %registration.service_id, "CAS ticket validated");
    let multi_valued = registration.attributes.iter().filter(|a| **a == CasAttribute::Classes).map(|a| a.name()).collect();
    Ok(Validation::Success { user: user.login.clone(), attributes, multi_valued })
}

/// `GET /cas/logout`.
pub async fn logout(State(state): State<AppState>, headers: HeaderMap, RawQuery(query): RawQuery) -> Result<Response, ApiError> {
    let params = params(query.as_deref().unwrap_or("").as_bytes());
    if let Some(claims) = cookies::read(&headers, cookies::SESSION).and_then(|c| state.tokens.verify_sso(&c, true)) {
        if let Some(ent_domain::Actor::User(user)) = ent_commands::actors::load_actor(state.backend.events.as_ref(), claims.sub).await?
            && user.session_open(claims.sid, claims.iat)
        {
            ent_commands::authentication::logout(&state.handler, &user, claims.sid).await?;
            state.metrics.sessions_revoked();
            tracing::info!(user = %user.user_id, session = %claims.sid, "CAS logout");
        }
        let entries = state.backend.cas_tickets.forget_session(claims.sid).await?;
        slo::send_logouts(&state, entries);
    }
    let removal = vec![cookies::removal(cookies::SESSION, state.cas.secure_cookie)];
    if let Some(url) = param(&params, "service")
        && registration(&state, url).await?.is_some()
    {
        return Ok(redirect(StatusCode::FOUND, url, removal));
    }
    let html = pages::message("Déconnexion", "Vous êtes déconnecté de l'ENT et des applications qui le permettent.");
    Ok(Page { status: StatusCode::OK, html, cookies: removal, retry_after: None }.into_response())
}
