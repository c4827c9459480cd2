//! Commands of the communication rules.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::directory::Profile;

/// One side of a communication rule: every user of a profile, or the members of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Party {
    /// Every user of this profile in the structure.
    Profile(Profile),
    /// The members of this group of the structure.
    Group(Uuid),
}

/// The ADML allows or forbids writing from one party to another in their structure, over the
/// defaults (docs/domain.md, "Communication rules").
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetCommunicationRule {
    pub structure: String,
    pub from: Party,
    pub to: Party,
    pub allowed: bool,
}

/// The ADML removes an override: the defaults apply again between these parties.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoveCommunicationRule {
    pub structure: String,
    pub from: Party,
    pub to: Party,
}
