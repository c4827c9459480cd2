//! Commands of the livret de compétences.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::types::{DomainDef, FrameworkKind};

/// Define (or redefine) a competency framework of a structure, e.g. subject competencies.
/// The socle commun, B2i and PIX are built in.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DefineCompetencyFramework {
    pub structure: String,
    pub code: String,
    pub name: String,
    pub kind: FrameworkKind,
    pub domains: Vec<DomainDef>,
}

/// Position a pupil on an item for a period, on the 4-level scale.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PositionCompetency {
    pub pupil: Uuid,
    pub framework: String,
    pub item: String,
    /// 1 maîtrise insuffisante, 2 fragile, 3 satisfaisante, 4 très bonne maîtrise.
    pub level: u8,
    pub period: Uuid,
    /// The evaluation this positioning rests on.
    #[serde(default)]
    pub evidence: Option<Uuid>,
    #[serde(default)]
    pub comment: Option<String>,
}

/// Validate an item of a certification referential (B2i, PIX) for a pupil.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidateCertificationItem {
    pub pupil: Uuid,
    pub framework: String,
    pub item: String,
}

/// The end-of-cycle assessment of one composante of the socle commun.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetEndOfCycleAssessment {
    pub pupil: Uuid,
    /// 3 (CM1–6e) or 4 (5e–3e).
    pub cycle: u8,
    /// A composante of the socle: D1.1, D1.2, D1.3, D1.4, D2, D3, D4, D5.
    pub composante: String,
    pub level: u8,
}
