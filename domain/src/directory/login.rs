//! Logins: generation (`prenom.nom`, numeric suffix on collision) and format rules.

use crate::directory::text;
use crate::{DomainError, PLATFORM, StreamId};

/// The stream whose existence reserves a login (store-enforced uniqueness).
pub fn reservation_stream(login: &str) -> StreamId {
    StreamId::new(PLATFORM, "login", login)
}

/// A login is 3 to 64 characters of `a-z`, `0-9`, `.`, `-`, `_`.
pub fn validate_login(login: &str) -> Result<String, DomainError> {
    let login = login.trim().to_lowercase();
    let ok = (3..=64).contains(&login.len())
        && login.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
    if ok { Ok(login) } else { Err(DomainError::field("login", "3 to 64 characters among a-z, 0-9, '.', '-', '_'")) }
}

/// The n-th login candidate for a person: `prenom.nom`, then `prenom.nom2`, `prenom.nom3`…
pub fn login_candidate(first_name: &str, last_name: &str, attempt: u32) -> String {
    let mut base = format!("{}.{}", fold(first_name), fold(last_name));
    base.truncate(60);
    let base = base.trim_matches('.').to_string();
    let base = if base.len() < 3 { format!("user.{base}") } else { base };
    if attempt == 0 { base } else { format!("{base}{}", attempt + 1) }
}

/// Lower-cases, removes French accents and keeps only `a-z0-9-`.
fn fold(name: &str) -> String {
    let mut out = String::new();
    for c in text::fold(name.trim()).chars() {
        match c {
            ' ' | '\'' | '-' if !out.ends_with('-') && !out.is_empty() => out.push('-'),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_login_is_prenom_dot_nom_without_accents() {
        assert_eq!(login_candidate("Élodie", "Lefèvre", 0), "elodie.lefevre");
        assert_eq!(login_candidate("Jean Paul", "D'Artagnan", 0), "jean-paul.d-artagnan");
        assert_eq!(login_candidate("Zoë", "Œuvray", 0), "zoe.oeuvray");
    }

    #[test]
    fn login_collision_adds_a_numeric_suffix() {
        assert_eq!(login_candidate("Marc", "Petit", 1), "marc.petit2");
        assert_eq!(login_candidate("Marc", "Petit", 2), "marc.petit3");
    }

    #[test]
    fn generated_logins_are_always_valid() {
        for (f, l) in [("É", "Ô"), ("李", "王"), ("a", "b"), ("Anne-Marie", "de la Tour")] {
            let login = login_candidate(f, l, 3);
            assert!(validate_login(&login).is_ok(), "{login}");
        }
    }

    proptest::proptest! {
        /// Law: whatever the names and the attempt, the generated login is a valid login.
        #[test]
        fn any_names_give_a_valid_login(first in "\\PC{0,40}", last in "\\PC{0,40}", attempt in 0u32..500) {
            let login = login_candidate(&first, &last, attempt);
            proptest::prop_assert!(validate_login(&login).is_ok(), "{login:?}");
        }
    }
}
