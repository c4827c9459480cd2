//! Events of the communication rules. Stream: `<uai>/communication/<uai>`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::commands::Party;

/// An override of the default communication rules was set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CommunicationRuleSet {
    pub structure: String,
    pub from: Party,
    pub to: Party,
    pub allowed: bool,
}

/// An override was removed: the defaults apply again between these parties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CommunicationRuleRemoved {
    pub structure: String,
    pub from: Party,
    pub to: Party,
}
