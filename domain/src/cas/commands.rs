//! Commands of the CAS service registry. Platform administrators only.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::attributes::CasAttribute;

/// Allow a partner application to use the ENT's single sign-on (CAS 3.0).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterCasService {
    /// Id of the new registration, chosen by the client; generated when absent.
    #[serde(default)]
    pub service_id: Option<Uuid>,
    /// What the administrators call the application.
    pub name: String,
    /// The service URLs allowed: an absolute `http`/`https` URL; a service URL matches when its
    /// scheme, host and port are the pattern's exactly and its path is the pattern's path or
    /// below it (docs/domain.md, "Single sign-on (CAS)").
    pub url_pattern: String,
    /// The attributes released to the service with a validated ticket.
    #[serde(default)]
    pub attributes: Vec<CasAttribute>,
    /// Whether the service is sent a SAML `LogoutRequest` when the user logs out of the ENT's
    /// single sign-on (single logout).
    #[serde(default)]
    pub single_logout: bool,
}

/// Withdraw a partner application from the single sign-on: no more tickets for it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnregisterCasService {
    pub service_id: Uuid,
}
