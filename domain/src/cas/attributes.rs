//! The attributes a registration may release to its service (docs/domain.md, "Single sign-on
//! (CAS)").

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One attribute of the user a service may receive with a validated ticket. The user's login is
/// always the `cas:user` of the answer; these come in `cas:attributes`, under the same names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CasAttribute {
    /// The login (`prenom.nom`).
    Login,
    /// The profile: `eleve`, `parent`, `enseignant`, `personnel`, …
    Profile,
    /// The UAI of the user's structure.
    Structure,
    /// The codes of the user's classes (a pupil's class, a teacher's classes), one element each.
    Classes,
    /// First name.
    FirstName,
    /// Last name.
    LastName,
}

impl CasAttribute {
    /// The element name in `cas:attributes` (and the key in the JSON answer).
    pub fn name(self) -> &'static str {
        match self {
            CasAttribute::Login => "login",
            CasAttribute::Profile => "profile",
            CasAttribute::Structure => "structure",
            CasAttribute::Classes => "classes",
            CasAttribute::FirstName => "first_name",
            CasAttribute::LastName => "last_name",
        }
    }
}
