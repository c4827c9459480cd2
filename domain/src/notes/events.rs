//! Events of the notes service. Field names are part of the public contract.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::types::{GradeStatus, Hundredths, Mention};
use crate::directory::Level;

/// An evaluation was created. Stream: `<uai>/evaluation/<evaluation_id>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EvaluationCreated {
    pub evaluation_id: Uuid,
    pub structure: String,
    pub class_or_group: Uuid,
    pub subject: Uuid,
    pub period: Uuid,
    pub date: NaiveDate,
    pub title: String,
    pub coefficient: Hundredths,
    pub scale: u32,
}

/// A pupil's grade on an evaluation was recorded (first value). Stream: the evaluation's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GradeRecorded {
    pub evaluation: Uuid,
    pub pupil: Uuid,
    /// The pupil's class on the evaluation's date (bulletins and class averages are per class).
    pub class: Uuid,
    /// The value on the evaluation's scale, when graded.
    pub value: Option<Hundredths>,
    /// The status (Abs, Disp, NR, NN), when not graded.
    pub status: Option<GradeStatus>,
}

/// A recorded grade was corrected: a new value, never an overwrite. Stream: the evaluation's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GradeCorrected {
    pub evaluation: Uuid,
    pub pupil: Uuid,
    pub class: Uuid,
    pub value: Option<Hundredths>,
    pub status: Option<GradeStatus>,
    pub reason: String,
}

/// A subject teacher's appreciation of a pupil for a period was set (or replaced).
/// Stream: `<uai>/bulletin/<class>_<period>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SubjectAppreciationSet {
    pub pupil: Uuid,
    pub class: Uuid,
    pub period: Uuid,
    pub subject: Uuid,
    pub text: String,
}

/// The class council's appreciation (and mention) of a pupil for a period was set.
/// Stream: the bulletin stream of the class and period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CouncilAppreciationSet {
    pub pupil: Uuid,
    pub class: Uuid,
    pub period: Uuid,
    pub text: String,
    pub mention: Option<Mention>,
}

/// The coefficient of a subject for one level was set. Stream: `<uai>/notes-settings/<uai>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SubjectCoefficientSet {
    pub structure: String,
    pub level: Level,
    pub subject: Uuid,
    pub coefficient: Hundredths,
}

/// The bulletins of a class for a period were published (version 1 of each).
/// Stream: the bulletin stream of the class and period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BulletinsPublished {
    pub structure: String,
    pub class: Uuid,
    pub period: Uuid,
}

/// A published bulletin changed (a correction, a late grade, an appreciation): it is now at
/// `version`. Stream: the bulletin stream of the class and period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BulletinRevised {
    pub pupil: Uuid,
    pub class: Uuid,
    pub period: Uuid,
    pub version: u32,
    pub reason: String,
}
