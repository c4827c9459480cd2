//! The sealing port: personal content of discipline records is encrypted with a data key per
//! pupil and record, kept (wrapped by the master key) beside the log; destroying the key is the
//! legal erasure (crypto-shredding). `infra` implements it.

use ent_domain::vie_scolaire::SealedContent;
use uuid::Uuid;

use crate::error::CommandError;
use crate::store::SecretWrite;

/// Encrypts content under a fresh data key.
pub trait Sealer: Send + Sync + 'static {
    /// Creates the data key `key_id`, encrypts `content` with it (bound to `aad`), and returns
    /// the sealed content with the secret write that stores the wrapped key. The secret must be
    /// appended in the same transaction as the event carrying the sealed content.
    fn seal(&self, key_id: &str, aad: &str, content: &serde_json::Value) -> Result<(SealedContent, SecretWrite), CommandError>;
}

/// The id of the data key of one record of one pupil.
pub fn record_key_id(pupil: Uuid, record: Uuid) -> String {
    format!("dek:{pupil}:{record}")
}

/// The secret write that destroys a data key.
pub fn destroy_key(key_id: &str) -> SecretWrite {
    SecretWrite { key: key_id.to_string(), value: None }
}
