//! The single sign-on session and the issue of service tickets (docs/domain.md, "Single sign-on
//! (CAS)"). The session is a session of the user like a login's: the cookie carries its `sid` and
//! issue time, signed; it is checked against the user's stream on every use, so a logout, a
//! `RevokeSessions` or a deactivation ends it at once, on every server.

use axum::http::HeaderMap;
use chrono::Utc;
use ent_commands::actors::load_actor;
use ent_commands::cas::{PendingTicket, ticket_hash};
use ent_domain::Actor;
use ent_domain::cas::ticket::TICKET_PREFIX;
use ent_domain::directory::UserState;
use ent_projections::directory::cas::CasServiceDoc;
use rand::RngCore;
use uuid::Uuid;

use super::cookies;
use crate::auth::Claims;
use crate::error::ApiError;
use crate::state::AppState;

/// The open single sign-on session of the request's cookie, with its user, if any.
pub async fn current(state: &AppState, headers: &HeaderMap) -> Result<Option<(Box<UserState>, Claims)>, ApiError> {
    let Some(claims) = cookies::read(headers, cookies::SESSION).and_then(|c| state.tokens.verify_sso(&c, false)) else {
        return Ok(None);
    };
    match load_actor(state.backend.events.as_ref(), claims.sub).await? {
        Some(Actor::User(user)) if user.active && user.session_open(claims.sid, claims.iat) => Ok(Some((user, claims))),
        _ => Ok(None),
    }
}

/// 256 random bits, hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Issues a service ticket for `service` to `user` in session `sid`; returns the URL to
/// redirect the browser to (the service with `ticket` added).
pub async fn issue_ticket(
    state: &AppState,
    user: &UserState,
    sid: Uuid,
    registration: &CasServiceDoc,
    service: &str,
    from_credentials: bool,
) -> Result<String, ApiError> {
    let ticket = format!("{TICKET_PREFIX}{}", random_token());
    let now = Utc::now();
    let pending = PendingTicket {
        service: service.to_string(),
        service_id: registration.service_id,
        user_id: user.user_id,
        session_id: sid,
        issued_at: now,
        from_credentials,
    };
    // Tickets never validated are dropped a minute after they expired.
    let validity = chrono::Duration::from_std(state.cas.ticket_validity).unwrap_or(chrono::Duration::seconds(10));
    state.backend.cas_tickets.issue(&ticket_hash(&ticket), &pending, now - validity - chrono::Duration::minutes(1)).await?;
    tracing::info!(user = %user.user_id, service = %registration.service_id, "CAS service ticket issued");
    Ok(with_ticket(service, &ticket))
}

/// `service` with the `ticket` parameter added (before a fragment, after a query).
pub fn with_ticket(service: &str, ticket: &str) -> String {
    let (base, fragment) = match service.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (service, None),
    };
    let separator = if base.contains('?') { '&' } else { '?' };
    let mut url = format!("{base}{separator}ticket={ticket}");
    if let Some(f) = fragment {
        url.push('#');
        url.push_str(f);
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ticket_is_added_to_the_service_url() {
        assert_eq!(with_ticket("https://a.example/cb", "ST-1"), "https://a.example/cb?ticket=ST-1");
        assert_eq!(with_ticket("https://a.example/cb?x=1", "ST-1"), "https://a.example/cb?x=1&ticket=ST-1");
        assert_eq!(with_ticket("https://a.example/cb?x=1#top", "ST-1"), "https://a.example/cb?x=1&ticket=ST-1#top");
        assert_eq!(random_token().len(), 64, "256 bits");
        assert_ne!(random_token(), random_token());
    }
}
