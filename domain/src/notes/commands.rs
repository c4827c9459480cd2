//! Commands of the notes service (evaluations, grades, appreciations, bulletins).

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::types::{GradeStatus, Mention};
use crate::directory::Level;

fn default_coefficient() -> f64 {
    1.0
}

fn default_scale() -> u32 {
    20
}

/// Create an evaluation (devoir, contrôle) of a class or group in a subject and period.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEvaluation {
    /// Id of the new evaluation, chosen by the client (e.g. one that works offline); generated when
    /// absent. An id already in use is refused (422 naming this field).
    #[serde(default)]
    pub evaluation_id: Option<Uuid>,
    pub class_or_group: Uuid,
    pub subject: Uuid,
    pub period: Uuid,
    /// Must lie inside the period.
    pub date: NaiveDate,
    pub title: String,
    /// Greater than 0, at most 2 decimals; 1 when absent.
    #[serde(default = "default_coefficient")]
    pub coefficient: f64,
    /// The evaluation is marked out of `scale` (1..=100); 20 when absent.
    #[serde(default = "default_scale")]
    pub scale: u32,
}

/// Record the grade of one pupil: a value in [0, scale] with at most 2 decimals, or a status.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordGrade {
    pub evaluation: Uuid,
    pub pupil: Uuid,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub status: Option<GradeStatus>,
}

/// One row of [`RecordGrades`].
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeRow {
    pub pupil: Uuid,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub status: Option<GradeStatus>,
}

/// Record the grades of a whole class at once: all rows are accepted, or none.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordGrades {
    pub evaluation: Uuid,
    pub grades: Vec<GradeRow>,
}

/// Correct a recorded grade. The previous value stays in the audit trail.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectGrade {
    pub evaluation: Uuid,
    pub pupil: Uuid,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub status: Option<GradeStatus>,
    /// Why the grade changes (required).
    pub reason: String,
}

/// The subject teacher's appreciation of a pupil for a period.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetSubjectAppreciation {
    pub pupil: Uuid,
    pub period: Uuid,
    pub subject: Uuid,
    pub text: String,
}

/// The class council's appreciation of a pupil for a period, with an optional mention.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetCouncilAppreciation {
    pub pupil: Uuid,
    pub period: Uuid,
    pub text: String,
    #[serde(default)]
    pub mention: Option<Mention>,
}

/// The coefficient of a subject in the general average of the classes of one level.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetSubjectCoefficient {
    pub structure: String,
    pub level: Level,
    pub subject: Uuid,
    pub coefficient: f64,
}

/// Publish the bulletins of a class for a period (direction): parents and pupils may read them.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishBulletins {
    pub class: Uuid,
    pub period: Uuid,
}
