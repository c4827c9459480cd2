//! Who is looking at a page: the session cookie (the same signed, revocable session token as the
//! API's bearer tokens, in an HttpOnly, SameSite=Lax cookie), checked like a bearer token on
//! every request, and the CSRF token every form of that session carries.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use ent_domain::Actor;
use ent_domain::directory::{Profile, Role};
use ent_projections::directory::UserCard;
use uuid::Uuid;

use super::page::{PortalError, Shell};
use crate::auth::{Claims, authenticate_token};
use crate::read_tally::{ReadSlot, Reader};
use crate::state::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "ent_session";
/// The login form's nonce cookie (the CSRF token of a form shown before any session).
pub const LOGIN_NONCE_COOKIE: &str = "ent_login";

/// A cookie's value from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

/// `Set-Cookie` for the session: HttpOnly (no script reads it), SameSite=Lax (not sent with
/// cross-site posts), the whole site, as long as the token.
pub fn session_cookie(token: &str, max_age_seconds: i64) -> String {
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}")
}

/// `Set-Cookie` removing the session.
pub fn cleared_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// A signed-in visitor: the actor (loaded from the store on each request, so a deactivation or
/// a new link takes effect at once), the session, their card and the page shell.
pub struct SignedIn {
    pub actor: Actor,
    pub claims: Claims,
    pub card: UserCard,
    pub csrf: String,
    /// The name of the visitor's structure (its UAI when it has none, e.g. the platform).
    pub structure_name: Option<String>,
}

impl SignedIn {
    pub fn profile(&self) -> Profile {
        self.card.profile
    }

    /// The shell of a page of this visitor (header: who, profile, structure; a parent's children).
    pub fn shell(&self, title: impl Into<String>, structure_name: Option<String>) -> Shell {
        Shell::signed_in(title.into(), self, structure_name)
    }

    /// Checks the CSRF token a form sent (403, nothing done, when it is not this session's).
    pub fn check_csrf(&self, state: &AppState, sent: Option<&str>) -> Result<(), PortalError> {
        match sent {
            Some(token) if state.tokens.csrf_valid(self.claims.sid, token) => Ok(()),
            _ => Err(PortalError::Csrf),
        }
    }

    pub fn is_vie_scolaire(&self) -> bool {
        self.card.profile == Profile::Personnel && matches!(self.card.role, Some(Role::Cpe | Role::Direction))
    }
}

/// The signed-in visitor, from the session cookie; pages that need one send everyone else to
/// the login page.
impl FromRequestParts<AppState> for SignedIn {
    type Rejection = PortalError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or(PortalError::SignIn)?;
        let (actor, claims) = authenticate_token(state, &token).await.map_err(|_| PortalError::SignIn)?;
        let card = ent_projections::directory::queries::me(state.backend.read_models.as_ref(), &actor).await?;
        // A page view counts in the usage indicators like a read of the API (`read_tally`).
        if let (Some(slot), Some(user)) = (parts.extensions.get::<ReadSlot>(), actor.user())
            && let Some(profile) = user.profile
        {
            slot.fill(Reader { user: user.user_id, profile }, &user.structure);
        }
        let csrf = state.tokens.csrf_token(claims.sid);
        let structure_name =
            ent_projections::names::Names::load(state.backend.read_models.as_ref(), &card.structure, []).await?.structure();
        Ok(SignedIn { actor, claims, card, csrf, structure_name })
    }
}

/// A fresh id for a form's command: rendered into the form, so a double submit or a resent
/// form appends once (the command pipeline's idempotency).
pub fn command_id() -> Uuid {
    Uuid::new_v4()
}
