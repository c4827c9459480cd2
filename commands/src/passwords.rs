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
