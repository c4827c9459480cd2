//! The port where service tickets wait for their validation, and where the services a single
//! sign-on session validated tickets for are remembered until its logout (single logout).
//! Tickets are stored by their SHA-256 only: the store never holds a ticket that could still be
//! used.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::store::StoreError;

/// A service ticket issued and not yet validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingTicket {
    /// The exact service URL the ticket was issued for.
    pub service: String,
    pub service_id: Uuid,
    pub user_id: Uuid,
    /// The single sign-on session the ticket was issued in.
    pub session_id: Uuid,
    pub issued_at: DateTime<Utc>,
    /// Issued right after the user typed their credentials (not from the session cookie).
    pub from_credentials: bool,
}

/// A service a session validated a ticket for: where a single logout is sent, and the ticket
/// that names the session there (the `SessionIndex` of the SAML `LogoutRequest`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SloEntry {
    pub service: String,
    pub service_id: Uuid,
    /// The validated (so no longer usable) ticket.
    pub ticket: String,
}

/// Storage of service tickets, shared by every server of the deployment.
#[async_trait]
pub trait CasTicketStore: Send + Sync {
    /// Keeps a new ticket under its hash; tickets issued before `expired_before` are dropped.
    async fn issue(&self, hash: &str, ticket: &PendingTicket, expired_before: DateTime<Utc>) -> Result<(), StoreError>;
    /// Removes the ticket and returns it, atomically: of concurrent validations on any number
    /// of servers, exactly one gets it.
    async fn consume(&self, hash: &str) -> Result<Option<PendingTicket>, StoreError>;
    /// Remembers that `session_id` validated a ticket for a service (for single logout).
    async fn remember(&self, session_id: Uuid, entry: &SloEntry) -> Result<(), StoreError>;
    /// Removes and returns what [`CasTicketStore::remember`] kept for `session_id`.
    async fn forget_session(&self, session_id: Uuid) -> Result<Vec<SloEntry>, StoreError>;
}

/// The hash a ticket is stored under (SHA-256, lowercase hex).
pub fn ticket_hash(ticket: &str) -> String {
    Sha256::digest(ticket.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_are_stored_by_their_sha256() {
        assert_eq!(ticket_hash("ST-abc"), ticket_hash("ST-abc"));
        assert_ne!(ticket_hash("ST-abc"), ticket_hash("ST-abd"));
        assert_eq!(ticket_hash(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
