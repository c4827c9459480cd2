//! Events of the livret de compétences.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::types::{DomainDef, FrameworkKind};

/// A framework of a structure was defined (or redefined). Stream:
/// `<uai>/competency-framework/<code>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CompetencyFrameworkDefined {
    pub structure: String,
    pub code: String,
    pub name: String,
    pub kind: FrameworkKind,
    pub domains: Vec<DomainDef>,
}

/// A pupil was positioned on an item for a period. Stream: `<uai>/booklet/<pupil>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CompetencyPositioned {
    pub pupil: Uuid,
    pub structure: String,
    pub framework: String,
    pub item: String,
    pub level: u8,
    pub period: Uuid,
    pub evidence: Option<Uuid>,
    pub comment: Option<String>,
}

/// An item of a certification referential was validated for a pupil. Stream: the booklet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CertificationItemValidated {
    pub pupil: Uuid,
    pub structure: String,
    pub framework: String,
    pub item: String,
}

/// A composante of the socle was assessed at the end of a cycle. Stream: the booklet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EndOfCycleAssessmentSet {
    pub pupil: Uuid,
    pub structure: String,
    pub cycle: u8,
    pub composante: String,
    pub level: u8,
}
