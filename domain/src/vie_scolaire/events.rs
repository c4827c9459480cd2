//! Events of the vie scolaire. Personal content of punishments and sanctions is sealed.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::types::{ErasureRule, Half, Mark, PunishmentKind, SanctionKind, SealedContent};

/// A lesson was put in the timetable. Stream: `<uai>/lesson/<lesson_id>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LessonScheduled {
    pub lesson_id: Uuid,
    pub structure: String,
    pub class_or_group: Uuid,
    pub subject_id: Uuid,
    pub teacher: Uuid,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub room: Option<String>,
}

/// The roll call of a lesson was taken. Stream: the lesson's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RollCallTaken {
    pub lesson_id: Uuid,
    pub structure: String,
    pub class_or_group: Uuid,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub taken_by: Uuid,
    pub marks: Vec<Mark>,
}

/// Marks of a roll call were changed or completed; earlier marks stay in the log. Stream: lesson.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RollCallAmended {
    pub lesson_id: Uuid,
    pub structure: String,
    pub class_or_group: Uuid,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub amended_by: Uuid,
    /// Only the marks that changed or were added.
    pub marks: Vec<Mark>,
}

/// The CPE recorded an absence for whole half-days (e.g. reported by phone).
/// Stream: `<uai>/pupil-absences/<pupil>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AbsenceRecorded {
    pub absence_id: Uuid,
    pub pupil: Uuid,
    pub structure: String,
    pub date: NaiveDate,
    pub halves: Vec<Half>,
    pub recorded_by: Uuid,
}

/// A parent justified the absences of a child over a time range. Stream: `<uai>/justification/<id>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AbsenceJustified {
    pub justification_id: Uuid,
    pub pupil: Uuid,
    pub structure: String,
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
    pub reason: String,
    pub comment: Option<String>,
    pub submitted_by: Uuid,
}

/// The CPE accepted a justification. Stream: the justification's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct JustificationAccepted {
    pub justification_id: Uuid,
    pub pupil: Uuid,
    pub structure: String,
    pub decided_by: Uuid,
}

/// The CPE refused a justification; the absences count as unjustified. Stream: justification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct JustificationRefused {
    pub justification_id: Uuid,
    pub pupil: Uuid,
    pub structure: String,
    pub decided_by: Uuid,
    pub reason: String,
}

/// A punishment was given. Stream: `<uai>/discipline/<pupil>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PunishmentGiven {
    pub punishment_id: Uuid,
    pub pupil: Uuid,
    pub structure: String,
    pub kind: PunishmentKind,
    pub date: NaiveDate,
    pub given_by: Uuid,
    /// Sealed `{reason, details}`.
    pub content: SealedContent,
}

/// A sanction was pronounced. Stream: `<uai>/discipline/<pupil>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SanctionPronounced {
    pub sanction_id: Uuid,
    pub pupil: Uuid,
    pub structure: String,
    pub kind: SanctionKind,
    /// Days of a temporary exclusion (1–8).
    pub days: Option<u32>,
    /// Hours of a mesure de responsabilisation (1–20).
    pub hours: Option<u32>,
    pub sursis: bool,
    pub pronounced_on: NaiveDate,
    pub by_disciplinary_council: bool,
    pub pronounced_by: Uuid,
    /// When the scheduled erasure applies; `None` for an exclusion définitive.
    pub erasure_due: Option<NaiveDate>,
    /// Sealed `{reason, facts}`.
    pub content: SealedContent,
}

/// A sanction was erased from the pupil's record; its content key was destroyed in the same
/// transaction. The fact that it existed (kind, dates, author) stays in the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SanctionErased {
    pub sanction_id: Uuid,
    pub pupil: Uuid,
    pub structure: String,
    pub kind: SanctionKind,
    pub pronounced_on: NaiveDate,
    pub erased_on: NaiveDate,
    pub rule: ErasureRule,
}

/// The time that separates morning from afternoon half-days was set for a structure.
/// Stream: `<uai>/vie-scolaire/<uai>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HalfDayBoundarySet {
    pub structure: String,
    pub boundary: NaiveTime,
}

/// A user read some notifications. Stream: `<uai>/inbox/<user>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NotificationsRead {
    pub user: Uuid,
    pub notification_ids: Vec<Uuid>,
}
