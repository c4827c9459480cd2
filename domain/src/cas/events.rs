//! Events of the single sign-on. Field names are part of the public contract.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::attributes::CasAttribute;

/// A partner application was allowed to use the single sign-on. Stream:
/// `platform/cas-service/<service_id>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CasServiceRegistered {
    pub service_id: Uuid,
    pub name: String,
    /// Normalised: lowercase scheme and host, no default port.
    pub url_pattern: String,
    pub attributes: Vec<CasAttribute>,
    pub single_logout: bool,
}

/// A partner application was withdrawn from the single sign-on. Stream: its registration's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CasServiceUnregistered {
    pub service_id: Uuid,
}

/// A service ticket was validated: the user logged in to a partner application through the
/// single sign-on (the access audit trail). Stream: the user's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CasTicketValidated {
    pub user_id: Uuid,
    /// The single sign-on session (a session of the user, as a token's `sid`).
    pub session_id: Uuid,
    pub service_id: Uuid,
    /// The exact service URL the ticket was issued for.
    pub service: String,
}
