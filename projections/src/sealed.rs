//! The opening port: read models keep discipline content sealed; queries open it for readers
//! who may see it. Once the record's key is destroyed, nothing can open it any more.

use async_trait::async_trait;
use ent_domain::vie_scolaire::SealedContent;
use serde_json::Value;

/// Decrypts sealed content with its record key, if the key still exists.
#[async_trait]
pub trait ContentOpener: Send + Sync + 'static {
    /// The plain JSON content, or `None` when the key was destroyed (erased) or does not match.
    async fn open(&self, sealed: &SealedContent, aad: &str) -> Option<Value>;
}
