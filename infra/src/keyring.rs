//! The key ring: per-record data keys (AES-256-GCM) wrapped by the deployment's master key and
//! stored in the `secrets` table, outside the event log. Implements sealing (commands) and
//! opening (queries); erasing a record deletes its wrapped key in the same transaction as the
//! erasure event, after which no copy of the ciphertext (log, read models, backups of either,
//! NATS) can be read.

use std::sync::Arc;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ent_commands::sealing::Sealer;
use ent_commands::{CommandError, EventStore, SecretWrite, StoreError};
use ent_domain::vie_scolaire::SealedContent;
use ent_projections::ContentOpener;
use rand::RngCore;
use serde_json::Value;

/// The 256-bit master key that wraps every data key.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl MasterKey {
    /// From 64 hexadecimal characters.
    pub fn from_hex(hex: &str) -> Option<Self> {
        let hex = hex.trim();
        if hex.len() != 64 {
            return None;
        }
        let mut key = [0u8; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(Self(key))
    }

    /// A fresh random key.
    pub fn generate() -> Self {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        Self(key)
    }

    /// 64 hexadecimal characters.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(***)")
    }
}

/// Seals and opens discipline content.
pub struct Keyring {
    master: Aes256Gcm,
    store: Arc<dyn EventStore>,
}

fn nonce() -> [u8; 12] {
    let mut n = [0u8; 12];
    rand::rng().fill_bytes(&mut n);
    n
}

fn nonce_of(bytes: &[u8]) -> Option<Nonce<aes_gcm::aead::consts::U12>> {
    <[u8; 12]>::try_from(bytes).ok().map(Nonce::from)
}

impl Keyring {
    pub fn new(master: &MasterKey, store: Arc<dyn EventStore>) -> Self {
        Self { master: Aes256Gcm::new(&master.0.into()), store }
    }

    fn unwrap_key(&self, key_id: &str, wrapped: &str) -> Option<Aes256Gcm> {
        let (n, ct) = wrapped.strip_prefix("v1:")?.split_once(':')?;
        let n = nonce_of(&B64.decode(n).ok()?)?;
        let ct = B64.decode(ct).ok()?;
        let dek = self.master.decrypt(&n, Payload { msg: &ct, aad: key_id.as_bytes() }).ok()?;
        Aes256Gcm::new_from_slice(&dek).ok()
    }
}

impl Sealer for Keyring {
    fn seal(&self, key_id: &str, aad: &str, content: &Value) -> Result<(SealedContent, SecretWrite), CommandError> {
        let fail = |what: &str| CommandError::Store(StoreError::Backend(format!("sealing failed: {what}")));
        let mut dek = [0u8; 32];
        rand::rng().fill_bytes(&mut dek);
        let cipher = Aes256Gcm::new(&dek.into());
        let content_nonce = nonce();
        let plain = serde_json::to_vec(content).map_err(|_| fail("encoding"))?;
        let ciphertext =
            cipher.encrypt(&Nonce::from(content_nonce), Payload { msg: &plain, aad: aad.as_bytes() }).map_err(|_| fail("encrypt"))?;
        let wrap_nonce = nonce();
        let wrapped =
            self.master.encrypt(&Nonce::from(wrap_nonce), Payload { msg: &dek, aad: key_id.as_bytes() }).map_err(|_| fail("wrap"))?;
        let sealed = SealedContent { key_id: key_id.to_string(), nonce: B64.encode(content_nonce), ciphertext: B64.encode(ciphertext) };
        let secret = SecretWrite { key: key_id.to_string(), value: Some(format!("v1:{}:{}", B64.encode(wrap_nonce), B64.encode(wrapped))) };
        Ok((sealed, secret))
    }
}

#[async_trait]
impl ContentOpener for Keyring {
    async fn open(&self, sealed: &SealedContent, aad: &str) -> Option<Value> {
        let wrapped = self.store.secret(&sealed.key_id).await.ok()??;
        let cipher = self.unwrap_key(&sealed.key_id, &wrapped)?;
        let n = nonce_of(&B64.decode(&sealed.nonce).ok()?)?;
        let ct = B64.decode(&sealed.ciphertext).ok()?;
        let plain = cipher.decrypt(&n, Payload { msg: &ct, aad: aad.as_bytes() }).ok()?;
        serde_json::from_slice(&plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn master_key_round_trips_through_hex() {
        let k = MasterKey::generate();
        assert_eq!(MasterKey::from_hex(&k.to_hex()).map(|k| k.0), Some(k.0));
        assert!(MasterKey::from_hex("abc").is_none());
        assert!(MasterKey::from_hex(&"zz".repeat(32)).is_none());
    }
}
