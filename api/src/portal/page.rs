//! The page shell every page shares (title, who is signed in, navigation), the error pages, and
//! how a page's failure becomes one: a refused read shows a page saying the person may not see
//! it and nothing else, an unknown page a 404, a failure of the store a 503 — never a stack trace.

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use ent_domain::directory::{Profile, Role};
use ent_projections::QueryError;
use uuid::Uuid;

use super::assets::css_href;
use super::session::SignedIn;
use crate::error::ApiError;

/// One link of the navigation.
pub struct NavLink {
    pub href: String,
    pub label: &'static str,
}

/// A parent's child in the header's switch.
pub struct ChildLink {
    pub href: String,
    pub name: String,
}

/// The signed-in part of the header.
pub struct ShellUser {
    pub name: String,
    pub profile: &'static str,
    pub structure: String,
    pub csrf: String,
    pub children: Vec<ChildLink>,
    pub nav: Vec<NavLink>,
}

/// What the layout (`base.html`) shows around every page.
pub struct Shell {
    pub title: String,
    pub css: &'static str,
    pub user: Option<ShellUser>,
}

/// A profile (and role) as people say it.
pub fn profile_label(profile: Profile, role: Option<Role>) -> &'static str {
    match (profile, role) {
        (Profile::Eleve, _) => "Élève",
        (Profile::Parent, _) => "Parent",
        (Profile::Enseignant, _) => "Enseignant",
        (Profile::Personnel, Some(Role::Direction)) => "Direction",
        (Profile::Personnel, Some(Role::Cpe)) => "Vie scolaire (CPE)",
        (Profile::Personnel, _) => "Personnel",
        (Profile::PlatformAdmin, _) => "Administrateur de la plateforme",
        (Profile::Rectorat, _) => "Rectorat",
    }
}

impl Shell {
    pub fn anonymous(title: impl Into<String>) -> Shell {
        Shell { title: title.into(), css: css_href(), user: None }
    }

    pub fn signed_in(title: String, who: &SignedIn, structure_name: Option<String>) -> Shell {
        let card = &who.card;
        let children = card
            .children
            .iter()
            .map(|c| ChildLink { href: format!("/eleves/{}", c.id), name: format!("{} {}", c.first_name, c.last_name) })
            .collect();
        let nav = super::nav::links(who);
        Shell {
            title,
            css: css_href(),
            user: Some(ShellUser {
                name: format!("{} {}", card.first_name, card.last_name),
                profile: profile_label(card.profile, card.role),
                structure: structure_name.or_else(|| who.structure_name.clone()).unwrap_or_else(|| card.structure.clone()),
                csrf: who.csrf.clone(),
                children,
                nav,
            }),
        }
    }
}

/// Renders a template into an HTML answer.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "portal template failed");
            error_page(StatusCode::INTERNAL_SERVER_ERROR, None).into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    shell: Shell,
    status: u16,
    heading: &'static str,
    message: String,
}

/// The HTML page of an error status.
pub fn error_page(status: StatusCode, message: Option<String>) -> Response {
    let (heading, default) = match status {
        StatusCode::FORBIDDEN => ("Accès refusé", "Vous n'avez pas accès à cette page."),
        StatusCode::NOT_FOUND => ("Page introuvable", "Cette page n'existe pas ou plus."),
        StatusCode::TOO_MANY_REQUESTS => ("Trop de tentatives", "Réessayez dans quelques instants."),
        StatusCode::SERVICE_UNAVAILABLE => ("Service momentanément indisponible", "Réessayez dans quelques instants."),
        s if s.is_client_error() => ("Requête invalide", "Cette demande n'a pas pu être traitée."),
        _ => ("Erreur du serveur", "Une erreur est survenue ; elle a été enregistrée."),
    };
    let page = ErrorPage {
        shell: Shell::anonymous(heading),
        status: status.as_u16(),
        heading,
        message: message.unwrap_or_else(|| default.to_string()),
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], heading).into_response(),
    }
}

/// The portal's answer to an unknown page.
pub async fn not_found() -> Response {
    error_page(StatusCode::NOT_FOUND, None)
}

/// Why a page is not shown.
#[derive(Debug)]
pub enum PortalError {
    /// No valid session: to the login page.
    SignIn,
    /// A form without this session's CSRF token: refused, nothing done.
    Csrf,
    /// The person may not see this.
    Forbidden,
    NotFound,
    Unavailable(String),
    Internal(String),
}

impl From<QueryError> for PortalError {
    fn from(e: QueryError) -> Self {
        match e {
            QueryError::Forbidden(_) => PortalError::Forbidden,
            QueryError::NotFound(_) => PortalError::NotFound,
            QueryError::NotReady(m) => PortalError::Unavailable(m),
            QueryError::Store(e) => PortalError::Unavailable(e.to_string()),
            QueryError::Document(e) => PortalError::Internal(e.to_string()),
        }
    }
}

impl From<ApiError> for PortalError {
    fn from(e: ApiError) -> Self {
        let status = e.status();
        match status {
            StatusCode::UNAUTHORIZED => PortalError::SignIn,
            StatusCode::FORBIDDEN => PortalError::Forbidden,
            StatusCode::NOT_FOUND => PortalError::NotFound,
            s if s == StatusCode::SERVICE_UNAVAILABLE => PortalError::Unavailable(e.to_string()),
            _ => PortalError::Internal(e.to_string()),
        }
    }
}

impl IntoResponse for PortalError {
    fn into_response(self) -> Response {
        match self {
            PortalError::SignIn => Redirect::to("/connexion").into_response(),
            PortalError::Csrf => error_page(
                StatusCode::FORBIDDEN,
                Some("Ce formulaire a expiré ou ne vient pas de l'ENT : rien n'a été enregistré. Rechargez la page et recommencez.".into()),
            ),
            PortalError::Forbidden => error_page(StatusCode::FORBIDDEN, None),
            PortalError::NotFound => error_page(StatusCode::NOT_FOUND, None),
            PortalError::Unavailable(m) => {
                tracing::warn!(reason = %m, "portal page unavailable");
                let mut r = error_page(StatusCode::SERVICE_UNAVAILABLE, None);
                r.headers_mut().insert(header::RETRY_AFTER, axum::http::HeaderValue::from_static("1"));
                r
            }
            PortalError::Internal(m) => {
                tracing::error!(reason = %m, "portal page failed");
                error_page(StatusCode::INTERNAL_SERVER_ERROR, None)
            }
        }
    }
}

/// A pupil id from the path, or the 404 page.
pub fn parse_id(raw: &str) -> Result<Uuid, PortalError> {
    Uuid::parse_str(raw).map_err(|_| PortalError::NotFound)
}
