//! Login tokens (HS256 JWT signed with a key kept in the store's secrets) and the extractor that
//! turns `Authorization: Bearer …` into an [`Actor`], fresh from the event store, refusing a
//! session closed by a logout or `RevokeSessions` (docs/domain.md, "Sessions").

use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use ent_commands::EventStore;
use ent_commands::actors::load_actor;
use ent_domain::Actor;
use hmac::{Hmac, KeyInit, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use uuid::Uuid;

use crate::error::ApiError;
use crate::read_tally::{ReadSlot, Reader};
use crate::state::AppState;

/// Where the signing key lives in the store's secrets.
const SIGNING_KEY: &str = "platform:token-signing-key";

/// The claims of a login token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub exp: i64,
    /// Issued at, in whole seconds (what `RevokeSessions` compares with).
    pub iat: i64,
    /// The session the token belongs to (what a logout revokes).
    pub sid: Uuid,
}

/// Signing and verification keys.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// Keys the portal's CSRF tokens (derived from the signing key, so every node agrees).
    csrf: Hmac<Sha256>,
    /// The single sign-on cookie's keys, derived from the same secret but distinct, so that the
    /// cookie cannot be used as a bearer token nor a bearer token as the cookie.
    sso_encoding: EncodingKey,
    sso_decoding: DecodingKey,
}

impl TokenKeys {
    /// Loads the platform's signing key, creating it on first start (shared by every server of
    /// the deployment, so tokens survive restarts and work on any node).
    pub async fn load_or_create(store: &dyn EventStore) -> Result<Self, ApiError> {
        let mut fresh = [0u8; 32];
        rand::rng().fill_bytes(&mut fresh);
        let fresh: String = fresh.iter().map(|b| format!("{b:02x}")).collect();
        let key = store.init_secret(SIGNING_KEY, &fresh).await?;
        let bad = |e: jsonwebtoken::errors::Error| ApiError::Internal(format!("token key: {e}"));
        let sso_key = format!("{key}:cas-sso-session");
        let mut derive = Hmac::<Sha256>::new_from_slice(key.as_bytes()).map_err(|e| ApiError::Internal(format!("CSRF key: {e}")))?;
        derive.update(b"ent portal csrf v1");
        let csrf_key = derive.finalize().into_bytes();
        Ok(Self {
            encoding: EncodingKey::from_secret(key.as_bytes()).map_err(bad)?,
            decoding: DecodingKey::from_secret(key.as_bytes()).map_err(bad)?,
            csrf: Hmac::<Sha256>::new_from_slice(&csrf_key).map_err(|e| ApiError::Internal(format!("CSRF key: {e}")))?,
            sso_encoding: EncodingKey::from_secret(sso_key.as_bytes()).map_err(bad)?,
            sso_decoding: DecodingKey::from_secret(sso_key.as_bytes()).map_err(bad)?,
        })
    }

    /// Issues a token of a new session for `user_id`, issued at `now`, valid for `ttl`.
    pub fn issue(&self, user_id: Uuid, now: DateTime<Utc>, ttl: Duration) -> Result<(String, DateTime<Utc>), ApiError> {
        let expires = now + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::hours(12));
        let claims = Claims { sub: user_id, exp: expires.timestamp(), iat: now.timestamp(), sid: Uuid::new_v4() };
        let token =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok((token, expires))
    }

    /// The CSRF token of a portal session (or of a login form, keyed by its nonce): an HMAC of
    /// its id, so nothing needs storing and every node recognises it.
    pub fn csrf_token(&self, id: Uuid) -> String {
        let mut mac = self.csrf.clone();
        mac.update(id.as_bytes());
        mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Whether `token` is the CSRF token of `id` (compared in constant time).
    pub fn csrf_valid(&self, id: Uuid, token: &str) -> bool {
        let Some(bytes) = decode_hex(token) else { return false };
        let mut mac = self.csrf.clone();
        mac.update(id.as_bytes());
        mac.verify_slice(&bytes).is_ok()
    }

    /// The claims of a valid, unexpired token.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).ok().map(|d| d.claims)
    }

    /// The single sign-on cookie of a new session of `user_id` (docs/domain.md, "Single sign-on
    /// (CAS)"): a session like a login's, revoked the same ways.
    pub fn issue_sso(&self, user_id: Uuid, now: DateTime<Utc>, ttl: Duration) -> Result<(String, Claims), ApiError> {
        let expires = now + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::hours(12));
        let claims = Claims { sub: user_id, exp: expires.timestamp(), iat: now.timestamp(), sid: Uuid::new_v4() };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.sso_encoding)
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok((token, claims))
    }

    /// The claims of a single sign-on cookie, if it is genuine; expired ones too when
    /// `even_expired` (a logout still closes their session).
    pub fn verify_sso(&self, token: &str, even_expired: bool) -> Option<Claims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.validate_exp = !even_expired;
        jsonwebtoken::decode::<Claims>(token, &self.sso_decoding, &validation).ok().map(|d| d.claims)
    }
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| text.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok())).collect()
}

/// The actor of a request and the session of its token: checked, and loaded from the store.
async fn authenticate(parts: &Parts, state: &AppState) -> Result<(Actor, Claims), ApiError> {
    let header = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .ok_or_else(|| ApiError::Unauthorized("missing Authorization: Bearer token".into()))?;
    let token = header.strip_prefix("Bearer ").ok_or_else(|| ApiError::Unauthorized("expected a Bearer token".into()))?;
    authenticate_token(state, token.trim()).await
}

/// The actor and session of a token (a bearer token, or the portal's session cookie): the
/// signature and expiry checked, the user loaded from the store (a deactivation takes effect at
/// once) and the session still open (not logged out nor revoked).
pub async fn authenticate_token(state: &AppState, token: &str) -> Result<(Actor, Claims), ApiError> {
    let claims = state.tokens.verify(token).ok_or_else(|| ApiError::Unauthorized("invalid or expired token".into()))?;
    let actor = load_actor(state.backend.events.as_ref(), claims.sub)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("account unknown or deactivated".into()))?;
    if actor.user().is_some_and(|u| !u.session_open(claims.sid, claims.iat)) {
        return Err(ApiError::Unauthorized("this session was closed (logout or revocation): log in again".into()));
    }
    Ok((actor, claims))
}

/// The authenticated actor and its session, for the logout.
pub struct Session {
    pub actor: Actor,
    pub claims: Claims,
}

impl FromRequestParts<AppState> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let (actor, claims) = authenticate(parts, state).await?;
        Ok(Session { actor, claims })
    }
}

/// The authenticated actor of a request (401 otherwise).
pub struct Authenticated(pub Actor);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let (actor, _) = authenticate(parts, state).await?;
        if let (Some(slot), Some(user)) = (parts.extensions.get::<ReadSlot>(), actor.user())
            && let Some(profile) = user.profile
        {
            slot.fill(Reader { user: user.user_id, profile }, &user.structure);
        }
        Ok(Authenticated(actor))
    }
}
