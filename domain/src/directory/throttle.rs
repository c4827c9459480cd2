//! Failed logins: exponential delays, then a lockout (docs/domain.md, "Logins"). The state is
//! folded from the user's stream (`LoginFailed`, `AccountLocked`, `AccountUnlocked`,
//! `LoginSucceeded`), so every server process of a deployment sees the same counts.
//!
//! A **run** of failures ends with a successful login, an unlock, the end of a lockout, or
//! [`RUN_RESET`] without a failure. After [`Backoff::free_failures`] failures in a run, each new
//! attempt must wait `base_delay × 2^(failures − free_failures)` (at most `max_delay`) after the
//! last failure; at [`AccountThrottle::lock_after`] failures the account is locked for
//! [`AccountThrottle::lock_for`].

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::events::{AccountLocked, AccountUnlocked, LoginFailed, LoginSucceeded};
use super::user::UserState;
use crate::{DomainError, Event};

/// A run of failures is forgotten this long after its last failure.
pub const RUN_RESET: Duration = Duration::from_secs(3600);

/// Exponential delays after a number of free failures (per account, or per source address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Failures allowed without delay.
    pub free_failures: u32,
    /// The delay after the first failure beyond the free ones; doubled at each further failure.
    pub base_delay: Duration,
    /// The longest delay.
    pub max_delay: Duration,
}

impl Backoff {
    /// How long to wait after the last of `failures` failures before the next attempt.
    pub fn delay(&self, failures: u32) -> Option<Duration> {
        let beyond = failures.checked_sub(self.free_failures)?;
        let factor = 1u32.checked_shl(beyond.min(31)).unwrap_or(u32::MAX);
        Some(self.base_delay.saturating_mul(factor).min(self.max_delay))
    }
}

/// The policy of failed logins on one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountThrottle {
    pub backoff: Backoff,
    /// Failures in a run that lock the account.
    pub lock_after: u32,
    /// How long a lockout lasts, unless an administrator unlocks the account first.
    pub lock_for: Duration,
}

impl Default for AccountThrottle {
    /// 5 free failures, then 1 s, 2 s, 4 s… (at most 15 min); locked for 1 hour at 20.
    fn default() -> Self {
        AccountThrottle {
            backoff: Backoff { free_failures: 5, base_delay: Duration::from_secs(1), max_delay: Duration::from_secs(15 * 60) },
            lock_after: 20,
            lock_for: Duration::from_secs(3600),
        }
    }
}

/// Whether a login attempt on an account may be checked now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginGate {
    /// Check the password.
    Open,
    /// Too many recent failures: answer "retry after" without checking anything.
    Wait(Duration),
    /// Locked: refused, even with the right password, until then (or an unlock).
    Locked { until: DateTime<Utc> },
}

fn since(earlier: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
    (now - earlier).to_std().unwrap_or(Duration::ZERO)
}

impl UserState {
    /// The failures of the run still going at `now` (0 when it ended).
    pub fn pending_failures(&self, now: DateTime<Utc>) -> u32 {
        let Some(last) = self.last_failed_login else { return 0 };
        let lock_over = self.locked_until.is_some_and(|until| now >= until);
        if lock_over || since(last, now) >= RUN_RESET { 0 } else { self.failed_logins }
    }

    /// The lockout in force at `now`, if any.
    pub fn locked_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.locked_until.filter(|until| now < *until)
    }
}

/// Whether `user` may try to log in at `now`.
pub fn login_gate(user: &UserState, policy: &AccountThrottle, now: DateTime<Utc>) -> LoginGate {
    if let Some(until) = user.locked_at(now) {
        return LoginGate::Locked { until };
    }
    let failures = user.pending_failures(now);
    match (policy.backoff.delay(failures), user.last_failed_login) {
        (Some(delay), Some(last)) => {
            let waited = since(last, now);
            if waited < delay { LoginGate::Wait(delay - waited) } else { LoginGate::Open }
        }
        _ => LoginGate::Open,
    }
}

/// A wrong password for `user` at `now`: `LoginFailed`, and `AccountLocked` when this failure
/// reaches the lockout threshold.
pub fn login_failed(user: &UserState, policy: &AccountThrottle, now: DateTime<Utc>) -> Vec<Event> {
    let consecutive = user.pending_failures(now).saturating_add(1);
    let mut events = vec![Event::LoginFailed(LoginFailed { user_id: user.user_id, at: now, consecutive })];
    if consecutive >= policy.lock_after {
        let lock_for = chrono::Duration::from_std(policy.lock_for).unwrap_or(chrono::Duration::hours(1));
        events.push(Event::AccountLocked(AccountLocked { user_id: user.user_id, at: now, until: now + lock_for, failures: consecutive }));
    }
    events
}

/// A right password at `now`: `LoginSucceeded` when it ends a run of failures, nothing otherwise.
pub fn login_succeeded(user: &UserState, now: DateTime<Utc>) -> Vec<Event> {
    match user.pending_failures(now) {
        0 => vec![],
        after_failures => vec![Event::LoginSucceeded(LoginSucceeded { user_id: user.user_id, at: now, after_failures })],
    }
}

/// `UnlockAccount`: an account locked, or slowed down by failures, at `now`.
pub fn unlock_account(user: &UserState, now: DateTime<Utc>) -> Result<Vec<Event>, DomainError> {
    if !user.exists() {
        return Err(DomainError::NotFound("user".into()));
    }
    if user.locked_at(now).is_none() && user.pending_failures(now) == 0 {
        return Err(DomainError::rule("the account is not locked"));
    }
    Ok(vec![Event::AccountUnlocked(AccountUnlocked { user_id: user.user_id })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Aggregate;
    use crate::directory::events::UserCreated;
    use crate::directory::types::Profile;
    use uuid::Uuid;

    fn user() -> UserState {
        UserState::from_history(&[Event::UserCreated(UserCreated {
            user_id: Uuid::new_v4(),
            structure: "0751234A".into(),
            profile: Profile::Enseignant,
            role: None,
            first_name: "Léa".into(),
            last_name: "Martin".into(),
            login: "lea.martin".into(),
        })])
    }

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-09-01T08:00:00Z").unwrap().with_timezone(&Utc)
    }

    fn secs(n: i64) -> chrono::Duration {
        chrono::Duration::seconds(n)
    }

    /// `n` failures, each as soon as allowed; returns the state and the time of the last one.
    fn fail(mut u: UserState, n: u32, policy: &AccountThrottle, mut now: DateTime<Utc>) -> (UserState, DateTime<Utc>) {
        for _ in 0..n {
            if let LoginGate::Wait(d) = login_gate(&u, policy, now) {
                now += chrono::Duration::from_std(d).unwrap();
            }
            assert_eq!(login_gate(&u, policy, now), LoginGate::Open);
            for e in login_failed(&u, policy, now) {
                u = u.evolve(&e);
            }
        }
        (u, now)
    }

    #[test]
    fn delays_double_after_five_free_failures_up_to_the_maximum() {
        let b = AccountThrottle::default().backoff;
        assert_eq!(b.delay(4), None);
        let delays: Vec<_> = (5..=16).map(|n| b.delay(n).unwrap().as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]);
        assert_eq!(b.delay(u32::MAX), Some(b.max_delay));
    }

    #[test]
    fn five_failures_are_free_the_sixth_attempt_waits() {
        let policy = AccountThrottle::default();
        let (u, last) = fail(user(), 4, &policy, t0());
        assert_eq!(login_gate(&u, &policy, last), LoginGate::Open);
        let (u, last) = fail(u, 1, &policy, last);
        assert_eq!(u.failed_logins, 5);
        assert_eq!(login_gate(&u, &policy, last), LoginGate::Wait(Duration::from_secs(1)));
        assert_eq!(login_gate(&u, &policy, last + secs(1)), LoginGate::Open);
        let (u, last) = fail(u, 1, &policy, last + secs(1));
        assert_eq!(login_gate(&u, &policy, last), LoginGate::Wait(Duration::from_secs(2)));
    }

    #[test]
    fn twenty_failures_lock_the_account_for_an_hour_or_until_unlocked() {
        let policy = AccountThrottle::default();
        let (u, last) = fail(user(), 19, &policy, t0());
        assert!(u.locked_at(last).is_none());
        let events = login_failed(&u, &policy, last + secs(3600));
        // An hour without failure ended the run: this is failure 1 of a new one.
        assert!(matches!(&events[..], [Event::LoginFailed(e)] if e.consecutive == 1));
        let (u, last) = fail(u, 1, &policy, last);
        let until = last + secs(3600);
        assert_eq!(login_gate(&u, &policy, last + secs(10)), LoginGate::Locked { until });
        assert_eq!(login_gate(&u, &policy, until), LoginGate::Open, "the lockout ends after an hour");
        assert_eq!(u.pending_failures(until), 0);

        let unlock = unlock_account(&u, last + secs(10)).unwrap();
        let unlocked = u.evolve(&unlock[0]);
        assert_eq!(login_gate(&unlocked, &policy, last + secs(10)), LoginGate::Open);
        assert_eq!(unlocked.failed_logins, 0);
        assert!(matches!(unlock_account(&unlocked, last), Err(DomainError::Rule(_))), "not locked any more");
    }

    #[test]
    fn a_successful_login_ends_the_run_and_is_recorded_only_then() {
        let policy = AccountThrottle::default();
        assert!(login_succeeded(&user(), t0()).is_empty());
        let (u, last) = fail(user(), 7, &policy, t0());
        let events = login_succeeded(&u, last + secs(60));
        assert!(matches!(&events[..], [Event::LoginSucceeded(e)] if e.after_failures == 7));
        let u = u.evolve(&events[0]);
        assert_eq!((u.pending_failures(last + secs(60)), login_gate(&u, &policy, last + secs(60))), (0, LoginGate::Open));
    }
}
