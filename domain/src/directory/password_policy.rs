//! The password policy (docs/domain.md, "Passwords"), applied wherever a password is set:
//! `CreateUser`, `CreateRectoratUser`, `ChangePassword` and `ent bootstrap-admin`.
//!
//! A password is accepted when it is
//! - **long and varied**: at least [`MIN_LENGTH`] characters mixing at least three kinds among
//!   lower-case letters, upper-case letters, digits and other characters; or
//! - **a passphrase**: at least [`PASSPHRASE_MIN_LENGTH`] characters holding at least
//!   [`PASSPHRASE_MIN_WORDS`] words of at least [`PASSPHRASE_WORD_LETTERS`] letters each (words are
//!   runs of letters; any separator);
//!
//! and, either way, when it
//! - does not contain the login, nor the first name or last name (each part of a name of at least
//!   three letters), ignoring case and accents;
//! - is not one of the most common passwords (`common_passwords.txt`, compared lowercased);
//! - is at most [`MAX_BYTES`] bytes (argon2 input bound).

use crate::directory::text::fold;
use std::collections::HashSet;
use std::sync::OnceLock;

use crate::DomainError;

/// Minimum length of a password that is not a passphrase.
pub const MIN_LENGTH: usize = 12;
/// How many kinds of characters (lower, upper, digit, other) such a password mixes at least.
pub const MIN_KINDS: usize = 3;
/// Minimum length of a passphrase.
pub const PASSPHRASE_MIN_LENGTH: usize = 16;
/// Minimum number of words of a passphrase.
pub const PASSPHRASE_MIN_WORDS: usize = 4;
/// Minimum number of letters of each counted word of a passphrase.
pub const PASSPHRASE_WORD_LETTERS: usize = 3;
/// Longest password accepted, in bytes.
pub const MAX_BYTES: usize = 1024;
/// Shortest name part looked for in a password (shorter parts would refuse too much).
const NAME_PART_MIN: usize = 3;

/// The common passwords refused, lowercase, one a line.
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// Who the password is for: what it must not contain.
#[derive(Debug, Clone, Copy)]
pub struct PasswordOwner<'a> {
    pub login: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
}

/// Checks `password` against the policy for `owner`; the error names `field` (`password` in
/// creations, `new` in `ChangePassword`) and says which rule failed.
pub fn check_password(field: &str, password: &str, owner: PasswordOwner<'_>) -> Result<(), DomainError> {
    let refuse = |message: &str| Err(DomainError::field(field, message));
    if password.len() > MAX_BYTES {
        return refuse("at most 1024 bytes");
    }
    let length = password.chars().count();
    if !is_passphrase(password) {
        if length < MIN_LENGTH {
            return refuse(
                "too short: at least 12 characters mixing three kinds among lower case, upper case, digits and symbols, \
                 or a passphrase of at least 4 words (16 characters)",
            );
        }
        if kinds(password) < MIN_KINDS {
            return refuse(
                "too simple: mix at least three kinds among lower case, upper case, digits and symbols, \
                 or use a passphrase of at least 4 words (16 characters)",
            );
        }
    }
    let folded = fold(password);
    let login = fold(owner.login);
    if !login.is_empty() && folded.contains(&login) {
        return refuse("must not contain the login");
    }
    for name in [owner.first_name, owner.last_name] {
        if name_parts(name).any(|part| folded.contains(&part)) {
            return refuse("must not contain the first or last name");
        }
    }
    if common_passwords().contains(password.to_lowercase().as_str()) {
        return refuse("too common: this password is among the most used ones");
    }
    Ok(())
}

/// Whether `password` is a passphrase: long enough, with enough words of enough letters.
pub fn is_passphrase(password: &str) -> bool {
    let words = password.split(|c: char| !c.is_alphabetic()).filter(|w| w.chars().count() >= PASSPHRASE_WORD_LETTERS).count();
    password.chars().count() >= PASSPHRASE_MIN_LENGTH && words >= PASSPHRASE_MIN_WORDS
}

/// How many kinds of characters `password` mixes (lower, upper, digit, other).
fn kinds(password: &str) -> usize {
    let has = |f: fn(char) -> bool| password.chars().any(f);
    [has(char::is_lowercase), has(char::is_uppercase), has(|c| c.is_ascii_digit()), has(|c| !c.is_alphanumeric())]
        .into_iter()
        .filter(|&b| b)
        .count()
}

/// The parts of a name worth looking for: runs of letters of at least three, folded.
fn name_parts(name: &str) -> impl Iterator<Item = String> + '_ {
    name.split(|c: char| !c.is_alphabetic()).map(fold).filter(|p| p.chars().count() >= NAME_PART_MIN)
}

fn common_passwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| COMMON_PASSWORDS.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect::<HashSet<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEA: PasswordOwner<'static> = PasswordOwner { login: "lea.martin", first_name: "Léa", last_name: "Martin" };
    const ELODIE: PasswordOwner<'static> = PasswordOwner { login: "elodie.lefevre", first_name: "Élodie", last_name: "Lefèvre" };

    fn reason(password: &str, owner: PasswordOwner<'_>) -> String {
        match check_password("password", password, owner) {
            Err(DomainError::InvalidField { field, message }) => {
                assert_eq!(field, "password");
                message
            }
            other => panic!("{password:?} was not refused: {other:?}"),
        }
    }

    #[test]
    fn too_short_is_refused() {
        assert!(reason("Ab1-short", LEA).starts_with("too short"));
        assert!(reason("Ab1-eleven!", LEA).starts_with("too short"), "11 characters");
        assert!(check_password("password", "Ab1-twelve!!", LEA).is_ok(), "12 characters, four kinds");
    }

    #[test]
    fn a_long_password_of_one_kind_is_too_simple() {
        assert!(reason("abcdefghijkzzz", LEA).starts_with("too simple"));
        assert!(check_password("password", "user-password-1", LEA).is_ok(), "lower, symbol, digit");
    }

    #[test]
    fn a_password_containing_the_login_is_refused() {
        assert_eq!(reason("xx-LEA.MARTIN-2026", LEA), "must not contain the login");
        let root = PasswordOwner { login: "root", first_name: "Administrateur", last_name: "Plateforme" };
        assert_eq!(reason("root-password-1", root), "must not contain the login");
    }

    #[test]
    fn a_password_containing_a_name_is_refused_whatever_the_accents_and_case() {
        assert_eq!(reason("ELODIE-the-2026!", ELODIE), "must not contain the first or last name");
        assert_eq!(reason("mon-lefevre-2026", ELODIE), "must not contain the first or last name");
        let accented = PasswordOwner { login: "j.dupont", first_name: "Jérôme", last_name: "Dupont" };
        assert_eq!(reason("Salut-jerome-99", accented), "must not contain the first or last name");
        // Each part of a composed name counts; parts shorter than three letters do not.
        let composed = PasswordOwner { login: "x.y", first_name: "Anne-Marie", last_name: "Le Bon" };
        assert_eq!(reason("ma-marie-a-moi-7", composed), "must not contain the first or last name");
        assert!(check_password("password", "le-ciel-est-bleu-7", composed).is_ok(), "`le` is too short to count");
    }

    #[test]
    fn a_common_password_is_refused_ignoring_case() {
        assert!(reason("Azertyuiop123", LEA).starts_with("too common"));
        assert!(reason("MotDePasse2026", LEA).starts_with("too common"));
        assert!(reason("correct horse battery staple", LEA).starts_with("too common"));
    }

    #[test]
    fn a_passphrase_is_accepted_without_kinds_of_characters() {
        assert!(is_passphrase("cheval agrafe pile correcte"));
        assert!(check_password("password", "cheval agrafe pile correcte", LEA).is_ok());
        assert!(check_password("password", "rivière-château-forêt-été", LEA).is_ok(), "accented words count");
        // Three words are not a passphrase, and all lower case it is too simple.
        assert!(reason("chevalagrafe correcte", LEA).starts_with("too simple"));
        // Four words but too short.
        assert!(!is_passphrase("les uns des aux"), "15 characters");
        assert!(reason("abc def ghi", LEA).starts_with("too short"));
    }

    #[test]
    fn the_field_named_is_the_one_asked_for() {
        assert!(matches!(check_password("new", "short", LEA), Err(DomainError::InvalidField { field, .. }) if field == "new"));
    }

    #[test]
    fn the_common_list_is_loaded_lowercase() {
        let list = common_passwords();
        assert!(list.len() >= 300, "{}", list.len());
        assert!(list.iter().all(|p| *p == p.to_lowercase()));
        assert!(list.contains("motdepasse123") && list.contains("qwertyuiop123"));
    }

    #[test]
    fn the_demo_and_test_passwords_pass() {
        for (password, owner) in [
            ("ent-demo-2026", PasswordOwner { login: "parent.martin", first_name: "Sophie", last_name: "Martin" }),
            ("user-password-1", LEA),
        ] {
            assert!(check_password("password", password, owner).is_ok(), "{password}");
        }
    }
}
