//! Password hashing (argon2id, PHC strings). Hashes are secrets, never events.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use uuid::Uuid;

use crate::error::CommandError;
use crate::store::StoreError;

/// The key under which a user's password hash is kept beside the log.
pub fn secret_key(user_id: Uuid) -> String {
    format!("password:{user_id}")
}

/// Hashes a password with a fresh random salt.
pub fn hash(password: &str) -> Result<String, CommandError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| CommandError::Store(StoreError::Backend(format!("password hashing failed: {e}"))))
}

/// Hashes on a blocking thread: argon2 is deliberately slow.
pub async fn hash_async(password: String) -> Result<String, CommandError> {
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .map_err(|e| CommandError::Store(StoreError::Backend(format!("hashing task failed: {e}"))))?
}

/// The key under which a user's activation code hash is kept beside the log.
pub fn activation_key(user_id: Uuid) -> String {
    format!("activation:{user_id}")
}

/// Argon2id parameters of activation codes: lighter than passwords' (an import hashes hundreds
/// of codes), which their entropy (about 50 bits, random), their 90-day life and the throttling
/// of attempts allow (docs/domain.md, "Activation codes").
fn code_hasher() -> Result<Argon2<'static>, CommandError> {
    let params =
        argon2::Params::new(1024, 1, 1, None).map_err(|e| CommandError::Store(StoreError::Backend(format!("argon2 parameters: {e}"))))?;
    Ok(Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params))
}

/// Hashes activation codes (normalized: no dash, capitals) on a blocking thread.
pub async fn hash_codes(codes: Vec<String>) -> Result<Vec<String>, CommandError> {
    tokio::task::spawn_blocking(move || {
        let hasher = code_hasher()?;
        codes
            .iter()
            .map(|c| {
                hasher
                    .hash_password(c.as_bytes())
                    .map(|h| h.to_string())
                    .map_err(|e| CommandError::Store(StoreError::Backend(format!("code hashing failed: {e}"))))
            })
            .collect()
    })
    .await
    .map_err(|e| CommandError::Store(StoreError::Backend(format!("hashing task failed: {e}"))))?
}

/// The hash a code is verified against when the account has none: same parameters, matches
/// nothing, so that an unknown login costs the same work.
pub fn dummy_code_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        code_hasher()
            .ok()
            .and_then(|h| h.hash_password(Uuid::new_v4().to_string().as_bytes()).ok())
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// Whether `password` matches the stored PHC `hash`.
pub fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Verifies on a blocking thread.
pub async fn verify_async(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || verify(&password, &hash)).await.unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let h = hash("correct horse").unwrap();
        assert!(h.starts_with("$argon2"));
        assert!(verify("correct horse", &h));
        assert!(!verify("wrong horse", &h));
        assert!(!verify("correct horse", "not a hash"));
    }
}
