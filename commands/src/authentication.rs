//! Logging in: the login and password checked against the directory and the stored hash, under
//! the throttling of failed logins (docs/domain.md, "Logins"; rules in
//! `ent_domain::directory::throttle`).

use std::sync::OnceLock;
use std::time::Duration;

use chrono::{DateTime, Utc};
use ent_domain::directory::UserState;
use ent_domain::directory::login::reservation_stream;
use ent_domain::directory::throttle::{AccountThrottle, LoginGate, login_failed, login_gate, login_succeeded};
use ent_domain::{Actor, Aggregate, StreamId};
use uuid::Uuid;

use crate::actors::load_actor;
use crate::context::{Loaded, Plan, load};
use crate::error::CommandError;
use crate::handler::CommandHandler;
use crate::passwords;
use crate::store::EventStore;

/// How many times a failure is re-decided after losing a race with another attempt on the account.
const MAX_RETRIES: u32 = 10;

/// What a login attempt came to.
#[derive(Debug)]
pub enum LoginOutcome {
    /// The right password of an active account.
    Accepted(Box<UserState>),
    /// Unknown login, wrong password or deactivated account: the same answer for all three.
    Refused { account_failure: Option<AccountFailure> },
    /// Too many recent failures on this account: not checked, retry after the delay.
    Throttled { retry_after: Duration },
    /// The account is locked until then (or until an administrator unlocks it).
    Locked { until: DateTime<Utc>, locked_now: bool },
}

/// A failure recorded on an existing account.
#[derive(Debug, Clone, Copy)]
pub struct AccountFailure {
    pub consecutive: u32,
}

/// One login attempt at `now`: the gate of the account, the password checked (against a dummy
/// hash when the login is unknown, so that it costs the same work and answers the same), and the
/// failure or the end of a run of failures appended to the user's stream.
pub async fn attempt_login(
    handler: &CommandHandler,
    policy: &AccountThrottle,
    login: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<LoginOutcome, CommandError> {
    let store = handler.store();
    let account = match user_of_login(store, login).await? {
        Some(user_id) => load_user(store, user_id).await?,
        None => None,
    };
    if let Some(user) = &account {
        match login_gate(&user.state, policy, now) {
            LoginGate::Open => {}
            LoginGate::Wait(retry_after) => return Ok(LoginOutcome::Throttled { retry_after }),
            LoginGate::Locked { until } => return Ok(LoginOutcome::Locked { until, locked_now: false }),
        }
    }
    let stored = match &account {
        Some(user) => store.secret(&passwords::secret_key(user.state.user_id)).await?,
        None => None,
    };
    let started = std::time::Instant::now();
    let matches = passwords::verify_async(password.to_string(), hash_to_check(stored)).await;
    // The outcome is known once the (slow) verification is done: that is when delays start.
    let now = now + chrono::Duration::from_std(started.elapsed()).unwrap_or_default();
    let Some(user) = account else {
        return Ok(LoginOutcome::Refused { account_failure: None });
    };
    if matches && user.state.active {
        let ended = login_succeeded(&user.state, now);
        if !ended.is_empty() {
            let actor = Actor::User(Box::new(user.state.clone()));
            // A lost race here means another attempt changed the run; the login stands anyway.
            if let Err(e) = append(handler, &actor, Plan::one(user.append(ended))).await {
                tracing::warn!(error = %e, "could not record the end of a run of failed logins");
            }
        }
        return Ok(LoginOutcome::Accepted(Box::new(user.state)));
    }
    if matches {
        // The right password of a deactivated account: refused, and not a failure.
        return Ok(LoginOutcome::Refused { account_failure: None });
    }
    record_failure(handler, policy, user, now).await
}

/// Appends `LoginFailed` (and `AccountLocked` at the threshold), deciding again on a conflict.
pub(crate) async fn record_failure(
    handler: &CommandHandler,
    policy: &AccountThrottle,
    mut user: Loaded<UserState>,
    now: DateTime<Utc>,
) -> Result<LoginOutcome, CommandError> {
    let mut attempt = 0;
    loop {
        let events = login_failed(&user.state, policy, now);
        let locked = events.iter().find_map(|e| match e {
            ent_domain::Event::AccountLocked(l) => Some(l.until),
            _ => None,
        });
        let consecutive = user.state.pending_failures(now) + 1;
        match append(handler, &Actor::System, Plan::one(user.append(events))).await {
            Ok(()) => {
                tracing::warn!(user = %user.state.user_id, consecutive, locked = locked.is_some(), "login failed");
                return Ok(match locked {
                    Some(until) => LoginOutcome::Locked { until, locked_now: true },
                    None => LoginOutcome::Refused { account_failure: Some(AccountFailure { consecutive }) },
                });
            }
            Err(CommandError::Conflict { .. }) if attempt < MAX_RETRIES => {
                attempt += 1;
                user = load::<UserState>(handler.store(), user.stream.clone()).await?;
            }
            Err(e) => return Err(e),
        }
    }
}

async fn append(handler: &CommandHandler, actor: &Actor, plan: Plan) -> Result<(), CommandError> {
    let command_id = Uuid::now_v7();
    handler.append_plan(actor, command_id, command_id, plan).await.map(|_| ())
}

/// The user a login is reserved for.
pub async fn user_of_login(store: &dyn EventStore, login: &str) -> Result<Option<Uuid>, CommandError> {
    let login = login.trim().to_lowercase();
    let reservation = store.read_stream(&reservation_stream(&login).to_string()).await?;
    Ok(reservation.first().and_then(|e| e.payload.get("user_id")).and_then(|v| v.as_str()).and_then(|s| Uuid::parse_str(s).ok()))
}

async fn load_user(store: &dyn EventStore, user_id: Uuid) -> Result<Option<Loaded<UserState>>, CommandError> {
    let Some(stream) = store.locate(UserState::TYPE, &user_id.to_string()).await?.and_then(|s| StreamId::parse(&s)) else {
        return Ok(None);
    };
    let user = load::<UserState>(store, stream).await?;
    Ok(user.state.exists().then_some(user))
}

/// A logout: the session `sid` of `user` is revoked (`SessionRevoked`), at once for every
/// server, since each request loads its actor from the store.
pub async fn logout(handler: &CommandHandler, user: &UserState, sid: Uuid) -> Result<(), CommandError> {
    let store = handler.store();
    let Some(loaded) = load_user(store, user.user_id).await? else {
        return Err(CommandError::NotFound("user".into()));
    };
    let events = ent_domain::directory::sessions::revoke_session(&loaded.state, sid)?;
    // No version check: a logout commutes with whatever else happens to the account.
    let planned = crate::context::PlannedAppend { stream: loaded.stream, expected: crate::store::ExpectedVersion::Any, events };
    append(handler, &Actor::User(Box::new(loaded.state)), Plan::one(planned)).await
}

/// The hash a password is verified against: the account's, or a dummy one of the same
/// parameters when there is none (unknown login, no password set), so that every attempt costs
/// one full argon2 verification and fails the same way.
pub fn hash_to_check(stored: Option<String>) -> String {
    stored.unwrap_or_else(|| dummy_hash().to_string())
}

/// argon2 hash of a random string, made once per process with the same parameters as real ones.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| passwords::hash(&Uuid::new_v4().to_string()).unwrap_or_else(|_| FALLBACK_DUMMY_HASH.to_string()))
}

/// A valid argon2id hash with the default parameters, should hashing a random string fail.
const FALLBACK_DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$7qxnYh0Qwcb1J7Sk3GkPp9pY9Bd0tBqGdX1M7V2yQfE";

/// The user a login and password identify, if they match an active account. No throttling and
/// nothing appended: for tools (`ent`), not for the login route.
pub async fn authenticate(store: &dyn EventStore, login: &str, password: &str) -> Result<Option<UserState>, CommandError> {
    let user_id = user_of_login(store, login).await?;
    let stored = match user_id {
        Some(id) => store.secret(&passwords::secret_key(id)).await?,
        None => None,
    };
    let matches = passwords::verify_async(password.to_string(), hash_to_check(stored)).await;
    match (user_id, matches) {
        (Some(id), true) => Ok(load_actor(store, id).await?.and_then(|a| a.user().cloned())),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::phc::PasswordHash;

    use super::*;

    #[test]
    fn an_unknown_login_is_verified_against_a_dummy_hash_of_the_same_cost() {
        let real = passwords::hash("some-password-1").unwrap();
        let dummy = hash_to_check(None);
        let (real, dummy) = (PasswordHash::new(&real).unwrap(), PasswordHash::new(&dummy).unwrap());
        // Same algorithm, version and cost parameters: the verification does the same work.
        assert_eq!((real.algorithm, real.version), (dummy.algorithm, dummy.version));
        assert_eq!(real.params.to_string(), dummy.params.to_string());
        assert_eq!(real.hash.map(|h| h.len()), dummy.hash.map(|h| h.len()));
        // And it matches no password: an unknown login fails like a wrong password.
        for password in ["", "some-password-1", "dummy"] {
            assert!(!passwords::verify(password, &hash_to_check(None)));
        }
        // The fallback is a well-formed hash too.
        assert_eq!(PasswordHash::new(FALLBACK_DUMMY_HASH).unwrap().params.to_string(), real.params.to_string());
    }

    #[test]
    fn a_stored_hash_is_checked_as_is() {
        let stored = passwords::hash("some-password-1").unwrap();
        assert!(passwords::verify("some-password-1", &hash_to_check(Some(stored))));
    }
}
