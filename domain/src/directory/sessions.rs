//! Sessions (docs/domain.md, "Sessions"): a login opens a session, named by the token's `sid`
//! claim; a logout revokes that session (`SessionRevoked`), `RevokeSessions` every session opened
//! until then (`SessionsRevoked`). The actor is loaded from its stream on every request, so a
//! revocation takes effect at once.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::events::{SessionRevoked, SessionsRevoked};
use super::user::UserState;
use crate::{DomainError, Event};

impl UserState {
    /// Whether the session `sid`, whose token was issued at `issued_at` (whole seconds, as in the
    /// token's `iat`), is still open.
    pub fn session_open(&self, sid: Uuid, issued_at: i64) -> bool {
        !self.revoked_sessions.contains(&sid) && self.sessions_revoked_before.is_none_or(|before| issued_at > before.timestamp())
    }

    /// A token issued at `now` would be refused by a revocation of this very second: the login
    /// issuing it waits for the next second (tokens carry whole seconds).
    pub fn must_wait_to_issue(&self, now: DateTime<Utc>) -> bool {
        self.sessions_revoked_before.is_some_and(|before| before.timestamp() >= now.timestamp())
    }
}

/// A logout: the session `sid` of `user` is revoked.
pub fn revoke_session(user: &UserState, sid: Uuid) -> Result<Vec<Event>, DomainError> {
    if !user.exists() {
        return Err(DomainError::NotFound("user".into()));
    }
    if user.revoked_sessions.contains(&sid) {
        return Err(DomainError::rule("this session is already closed"));
    }
    Ok(vec![Event::SessionRevoked(SessionRevoked { user_id: user.user_id, session_id: sid })])
}

/// `RevokeSessions`: every session of `user` opened until `now`.
pub fn revoke_sessions(user: &UserState, now: DateTime<Utc>) -> Result<Vec<Event>, DomainError> {
    if !user.exists() {
        return Err(DomainError::NotFound("user".into()));
    }
    Ok(vec![Event::SessionsRevoked(SessionsRevoked { user_id: user.user_id, before: now })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Aggregate;
    use crate::directory::events::UserCreated;
    use crate::directory::types::Profile;

    fn user() -> UserState {
        UserState::from_history(&[Event::UserCreated(UserCreated {
            user_id: Uuid::new_v4(),
            structure: "0751234A".into(),
            profile: Profile::Eleve,
            role: None,
            first_name: "Léa".into(),
            last_name: "Martin".into(),
            login: "lea.martin".into(),
        })])
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_logout_closes_its_session_only() {
        let (mine, other) = (Uuid::new_v4(), Uuid::new_v4());
        let u = user();
        let events = revoke_session(&u, mine).unwrap();
        let u = u.evolve(&events[0]);
        assert!(!u.session_open(mine, 0));
        assert!(u.session_open(other, 0));
        assert!(revoke_session(&u, mine).is_err(), "closed once");
    }

    #[test]
    fn revoking_sessions_refuses_tokens_issued_up_to_that_second() {
        let u = user();
        let now = at("2026-09-01T08:00:00.500Z");
        let events = revoke_sessions(&u, now).unwrap();
        let u = u.evolve(&events[0]);
        let sid = Uuid::new_v4();
        assert!(!u.session_open(sid, now.timestamp() - 60));
        assert!(!u.session_open(sid, now.timestamp()), "issued in the same second: maybe before");
        assert!(u.session_open(sid, now.timestamp() + 1));
        assert!(u.must_wait_to_issue(now));
        assert!(!u.must_wait_to_issue(at("2026-09-01T08:00:01Z")));
    }
}
