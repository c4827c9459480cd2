//! Activation codes (docs/domain.md, "Activation codes"): how an imported account gets its first
//! password, and how an administrator resets one. A code is 10 characters of an alphabet without
//! look-alikes (no 0/O, 1/I/L), shown in two groups (`ABCDE-FGHJK`), single use, valid
//! [`CODE_VALIDITY`]. The code is kept hashed beside the log; the log only says one was issued
//! and until when.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::commands::IssueActivationCode;
use super::events::{AccountActivated, ActivationCodeIssued, PasswordSet};
use super::password_policy::{PasswordOwner, check_password};
use super::user::UserState;
use crate::{DomainError, Event};

/// The characters of a code: digits and capitals without 0, 1, I, L, O.
pub const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Characters in a code (about 50 bits).
pub const CODE_LENGTH: usize = 10;
/// How long a code can be used.
pub const CODE_VALIDITY: chrono::Duration = chrono::Duration::days(90);

/// The code drawn from a random number: [`CODE_LENGTH`] characters of [`ALPHABET`], in two
/// groups. `random` must be uniform over at least 64 bits (the bias is then below 2⁻¹⁴).
pub fn code_from_random(mut random: u128) -> String {
    let mut code = String::with_capacity(CODE_LENGTH + 1);
    for i in 0..CODE_LENGTH {
        if i == CODE_LENGTH / 2 {
            code.push('-');
        }
        code.push(char::from(ALPHABET[(random % ALPHABET.len() as u128) as usize]));
        random /= ALPHABET.len() as u128;
    }
    code
}

/// A code as typed: case, spaces and dashes do not matter. `None` when it cannot be a code.
pub fn normalize_code(typed: &str) -> Option<String> {
    let code: String = typed.chars().filter(|c| !matches!(c, ' ' | '-')).map(|c| c.to_ascii_uppercase()).collect();
    (code.len() == CODE_LENGTH && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// The event issuing a code at `now` (valid [`CODE_VALIDITY`]).
pub fn issue_code_events(user_id: Uuid, now: DateTime<Utc>) -> Vec<Event> {
    vec![Event::ActivationCodeIssued(ActivationCodeIssued { user_id, at: now, expires_at: now + CODE_VALIDITY })]
}

/// `IssueActivationCode`: an active account of a structure (not a platform administrator); any
/// earlier code stops working.
pub fn issue_activation_code(user: &UserState, cmd: &IssueActivationCode, now: DateTime<Utc>) -> Result<Vec<Event>, DomainError> {
    if !user.exists() {
        return Err(DomainError::NotFound("user".into()));
    }
    if user.profile == Some(super::Profile::PlatformAdmin) {
        return Err(DomainError::field("user", "a platform administrator's password is set with `ent bootstrap-admin`"));
    }
    if !user.active {
        return Err(DomainError::rule("the account is deactivated"));
    }
    Ok(issue_code_events(cmd.user, now))
}

/// Why an activation was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActivationRefusal {
    /// Wrong, used or expired code, unknown or deactivated account: one answer for all, and a
    /// failed login on the account (docs/domain.md, "Logins").
    Refused,
    /// The right code, but the new password breaks the policy (422 naming the field).
    Invalid(DomainError),
}

/// `ActivateAccount`: the right code (`code_matches`, checked against the stored hash by the
/// caller), not used, not expired at `now`, on an active account; the new password follows the
/// policy. The code is spent and the password set.
pub fn activate_account(
    user: &UserState,
    code_matches: bool,
    new_password: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, ActivationRefusal> {
    let pending = user.activation_expires_at.is_some_and(|until| now < until);
    if !user.exists() || !user.active || !pending || !code_matches {
        return Err(ActivationRefusal::Refused);
    }
    check_password(
        "new_password",
        new_password,
        PasswordOwner { login: &user.login, first_name: &user.first_name, last_name: &user.last_name },
    )
    .map_err(ActivationRefusal::Invalid)?;
    Ok(vec![
        Event::AccountActivated(AccountActivated { user_id: user.user_id, at: now }),
        Event::PasswordSet(PasswordSet { user_id: user.user_id }),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Aggregate;
    use crate::directory::events::UserCreated;
    use crate::directory::types::Profile;

    fn pupil() -> UserState {
        UserState::from_history(&[Event::UserCreated(UserCreated {
            user_id: Uuid::nil(),
            structure: "0751234A".into(),
            profile: Profile::Eleve,
            role: None,
            first_name: "Léa".into(),
            last_name: "Martin".into(),
            login: "lea.martin".into(),
        })])
    }

    fn at(day: u32) -> DateTime<Utc> {
        chrono::NaiveDate::from_ymd_opt(2026, 9, day).and_then(|d| d.and_hms_opt(8, 0, 0)).map(|d| d.and_utc()).unwrap()
    }

    #[test]
    fn a_code_has_no_look_alike_characters_and_reads_back_however_typed() {
        for r in [0u128, 1, u128::MAX, 0x1234_5678_9abc_def0_1122_3344_5566_7788] {
            let code = code_from_random(r);
            assert_eq!(code.len(), CODE_LENGTH + 1);
            assert!(!code.contains(['0', 'O', '1', 'I', 'L']), "{code}");
            assert_eq!(normalize_code(&code.to_lowercase().replace('-', " ")).as_deref(), Some(code.replace('-', "").as_str()));
        }
        assert_eq!(normalize_code("ABCDE-FGH0K"), None, "0 is not in the alphabet");
        assert_eq!(normalize_code("ABCD"), None);
    }

    #[test]
    fn a_code_works_once_until_it_expires() {
        let mut user = pupil();
        for e in issue_activation_code(&user, &IssueActivationCode { user: Uuid::nil() }, at(1)).unwrap() {
            user.apply(&e);
        }
        let good = "trois-pommes-vertes-2026";
        assert_eq!(activate_account(&user, false, good, at(2)), Err(ActivationRefusal::Refused), "wrong code");
        let expired = at(1) + CODE_VALIDITY;
        assert_eq!(activate_account(&user, true, good, expired), Err(ActivationRefusal::Refused), "expired");
        assert!(matches!(activate_account(&user, true, "short", at(2)), Err(ActivationRefusal::Invalid(_))));
        let events = activate_account(&user, true, good, at(2)).unwrap();
        for e in &events {
            user.apply(e);
        }
        assert!(user.password_set);
        assert_eq!(activate_account(&user, true, good, at(3)), Err(ActivationRefusal::Refused), "used");
    }
}

/// A code just issued, answered once to the administrator who issued it (for the slips) and
/// never kept in clear.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct IssuedCode {
    pub user_id: Uuid,
    pub login: String,
    pub first_name: String,
    pub last_name: String,
    /// The pupil's class code (a guardian: the class of the child the slip was printed for).
    pub class: Option<String>,
    /// The code, `ABCDE-FGHJK`.
    pub code: String,
    pub expires_at: DateTime<Utc>,
}
