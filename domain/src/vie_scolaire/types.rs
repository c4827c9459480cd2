//! Value types of the vie scolaire.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What the teacher marked for one pupil at one lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MarkStatus {
    Present,
    Absent,
    Late,
}

/// One line of a roll call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mark {
    pub pupil: Uuid,
    pub status: MarkStatus,
    /// Required when `late`, in minutes (at least 1, at most the lesson's length).
    #[serde(default)]
    pub minutes_late: Option<u32>,
}

/// Morning or afternoon (demi-journée).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Half {
    Am,
    Pm,
}

/// Punishments (punitions scolaires), given by any teacher or staff member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PunishmentKind {
    DevoirSupplementaire,
    Retenue,
    Excuse,
    ExclusionPonctuelleCours,
}

/// Disciplinary sanctions (R511-13), pronounced by the head of school or the disciplinary council.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SanctionKind {
    Avertissement,
    Blame,
    MesureDeResponsabilisation,
    ExclusionTemporaireClasse,
    ExclusionTemporaireEtablissement,
    ExclusionDefinitive,
}

impl SanctionKind {
    /// Temporary exclusions last 1 to 8 days.
    pub fn is_temporary_exclusion(self) -> bool {
        matches!(self, SanctionKind::ExclusionTemporaireClasse | SanctionKind::ExclusionTemporaireEtablissement)
    }

    /// Only the mesure de responsabilisation and the exclusions may be suspended (sursis).
    pub fn may_be_suspended(self) -> bool {
        !matches!(self, SanctionKind::Avertissement | SanctionKind::Blame)
    }
}

/// Why a sanction was erased from the pupil's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErasureRule {
    /// Avertissement, blâme, mesure de responsabilisation: end of the school year.
    EndOfSchoolYear,
    /// Temporary exclusions: one year after being pronounced.
    OneYearAfter,
    /// Every sanction: end of the pupil's secondary schooling.
    EndOfSchooling,
    /// On the pupil's request when changing school, decided by the head.
    ChangeOfSchool,
}

/// Personal content encrypted with a per-record data key (crypto-shredding). Destroying the key
/// makes it unreadable wherever it was copied, the event log included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SealedContent {
    /// Id of the data key in the key table (outside the event log).
    pub key_id: String,
    /// AEAD nonce, base64.
    pub nonce: String,
    /// AES-256-GCM ciphertext of the JSON content, base64.
    pub ciphertext: String,
}
