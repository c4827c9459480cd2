//! Commands of the vie scolaire. Their names and fields are the HTTP API contract.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::types::{ErasureRule, Half, Mark, PunishmentKind, SanctionKind};

/// Put one lesson in the timetable.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleLesson {
    /// Id of the new timetable lesson, chosen by the client (e.g. one that works offline); generated when
    /// absent. An id already in use is refused (422 naming this field).
    #[serde(default)]
    pub lesson_id: Option<Uuid>,
    pub class_or_group: Uuid,
    pub subject: Uuid,
    pub teacher: Uuid,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    #[serde(default)]
    pub room: Option<String>,
}

/// Put many lessons in the timetable at once: all or nothing, every bad row reported.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportTimetable {
    pub structure: String,
    pub lessons: Vec<ScheduleLesson>,
}

/// Take the roll call of a lesson.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TakeRollCall {
    pub lesson: Uuid,
    pub marks: Vec<Mark>,
}

/// Correct or complete a roll call already taken.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AmendRollCall {
    pub lesson: Uuid,
    pub marks: Vec<Mark>,
}

/// A parent justifies a child's absences over a time range (school local time).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JustifyAbsence {
    /// Id of the new justification, chosen by the client (e.g. one that works offline); generated when
    /// absent. An id already in use is refused (422 naming this field).
    #[serde(default)]
    pub justification_id: Option<Uuid>,
    pub pupil: Uuid,
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
    pub reason: String,
    #[serde(default)]
    pub comment: Option<String>,
}

/// The CPE accepts a justification.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptJustification {
    pub justification: Uuid,
}

/// The CPE refuses a justification.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RefuseJustification {
    pub justification: Uuid,
    pub reason: String,
}

/// The CPE records an absence for a whole day or some half-days (e.g. reported by phone).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordAbsence {
    pub pupil: Uuid,
    pub date: NaiveDate,
    /// Both halves when absent.
    #[serde(default)]
    pub halves: Option<Vec<Half>>,
}

/// Give a punishment (any teacher or staff member of the structure).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GivePunishment {
    /// Id of the new punishment, chosen by the client (e.g. one that works offline); generated when
    /// absent. An id already in use is refused (422 naming this field).
    #[serde(default)]
    pub punishment_id: Option<Uuid>,
    pub pupil: Uuid,
    pub kind: PunishmentKind,
    pub reason: String,
    pub date: NaiveDate,
    #[serde(default)]
    pub details: Option<String>,
}

/// Pronounce a sanction (direction only; exclusion définitive by the disciplinary council).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PronounceSanction {
    /// Id of the new sanction, chosen by the client (e.g. one that works offline); generated when
    /// absent. An id already in use is refused (422 naming this field).
    #[serde(default)]
    pub sanction_id: Option<Uuid>,
    pub pupil: Uuid,
    pub kind: SanctionKind,
    pub reason: String,
    pub facts: String,
    /// Only for the temporary exclusions: 1 to 8 days.
    #[serde(default)]
    pub days: Option<u32>,
    /// Only for a mesure de responsabilisation: 1 to 20 hours.
    #[serde(default)]
    pub hours: Option<u32>,
    #[serde(default)]
    pub sursis: bool,
    pub pronounced_on: NaiveDate,
    #[serde(default)]
    pub by_disciplinary_council: bool,
}

/// Erase a sanction before its scheduled date (end of schooling, change of school). The
/// scheduled erasures are issued by the retention job with the rule that applies.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EraseSanction {
    pub pupil: Uuid,
    pub sanction: Uuid,
    pub rule: ErasureRule,
}

/// Set the time that separates morning and afternoon half-days (default 12:00).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetHalfDayBoundary {
    pub structure: String,
    pub boundary: NaiveTime,
}

/// Mark notifications as read.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkNotificationsRead {
    pub notifications: Vec<Uuid>,
}
