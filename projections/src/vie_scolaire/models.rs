//! Documents of the vie scolaire read model. Discipline content stays sealed in them.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use ent_domain::directory::Profile;
use ent_domain::vie_scolaire::absences::{JustificationFact, MissedLesson};
use ent_domain::vie_scolaire::{ErasureRule, Half, Mark, PunishmentKind, SanctionKind, SealedContent};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What the vie scolaire needs to know of a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PersonDoc {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub structure: String,
    pub profile: Profile,
    pub class_id: Option<Uuid>,
    pub parents: Vec<Uuid>,
}

/// A lesson with its current marks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LessonDoc {
    pub lesson_id: Uuid,
    pub structure: String,
    pub class_or_group: Uuid,
    pub subject_id: Uuid,
    pub teacher: Uuid,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub room: Option<String>,
    pub roll_call_taken: bool,
    pub marks: BTreeMap<Uuid, Mark>,
}

/// One lesson in a teacher's day (the lesson itself is read from `lesson`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TeacherDayEntry {
    pub lesson_id: Uuid,
}

/// A lesson as its teacher sees it: the slot, names, whether the roll call is taken.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TeacherLesson {
    pub lesson_id: Uuid,
    pub structure: String,
    pub class_or_group: Uuid,
    pub class_or_group_name: Option<String>,
    pub subject_id: Uuid,
    pub subject_name: Option<String>,
    pub teacher: Uuid,
    pub teacher_name: Option<String>,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub room: Option<String>,
    pub roll_call_taken: bool,
}

/// A pupil on a lesson's roll: their current mark once the roll call is taken.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RollPupil {
    pub pupil: Uuid,
    pub display_name: String,
    pub mark: Option<Mark>,
}

/// A lesson with the pupils of its class or group, for its roll call.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct LessonRoll {
    #[serde(flatten)]
    pub lesson: TeacherLesson,
    pub pupils: Vec<RollPupil>,
}

/// A late arrival.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LateEntry {
    pub lesson_id: Uuid,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub minutes: u32,
}

/// A justification as kept with the pupil's absences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct JustificationEntry {
    #[serde(flatten)]
    pub fact: JustificationFact,
    pub reason: String,
    pub comment: Option<String>,
    pub submitted_by: Uuid,
    pub refusal_reason: Option<String>,
}

/// The raw absence facts of a pupil; half-days and statuses are derived at read time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PupilAbsencesDoc {
    pub pupil: Uuid,
    pub structure: String,
    pub missed: BTreeMap<Uuid, MissedLesson>,
    pub late: BTreeMap<Uuid, LateEntry>,
    pub recorded: Vec<(NaiveDate, Half)>,
    pub justifications: Vec<JustificationEntry>,
}

/// Pupils with a missed half-day in one month of one structure (index of the L131-8 report).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MonthIndex {
    pub pupils: BTreeSet<Uuid>,
}

/// One lesson of a class's day, with who was absent or late.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClassDayLesson {
    pub lesson_id: Uuid,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub subject_id: Uuid,
    /// Filled in by queries, never stored (names are joined at read time: `crate::names`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_name: Option<String>,
    pub teacher: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teacher_name: Option<String>,
    pub roll_call_taken: bool,
    pub absent: Vec<Uuid>,
    pub late: Vec<(Uuid, u32)>,
}

/// The lessons of a class or group on one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClassDayDoc {
    pub class_or_group: Uuid,
    /// Filled in by queries, never stored, like `pupil_names`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_or_group_name: Option<String>,
    pub structure: String,
    pub date: NaiveDate,
    pub lessons: BTreeMap<Uuid, ClassDayLesson>,
    /// The display name of every pupil absent or late that day.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pupil_names: BTreeMap<Uuid, String>,
}

/// Who is absent in a structure on one day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StructureDayDoc {
    /// Pupil → lessons missed.
    pub absentees: BTreeMap<Uuid, BTreeSet<Uuid>>,
    /// Pupil → half-days recorded by the CPE.
    pub recorded: BTreeMap<Uuid, BTreeSet<Half>>,
}

/// A justification awaiting the CPE.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PendingJustification {
    pub justification_id: Uuid,
    pub pupil: Uuid,
    /// Filled in by queries, never stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pupil_name: Option<String>,
    pub from: chrono::NaiveDateTime,
    pub to: chrono::NaiveDateTime,
    pub reason: String,
    pub comment: Option<String>,
    pub submitted_at: DateTime<Utc>,
}

/// Justifications awaiting the CPE of a structure.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PendingDoc {
    pub items: BTreeMap<Uuid, PendingJustification>,
}

/// One notification of a user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Notification {
    pub id: Uuid,
    /// `absence`.
    pub kind: String,
    pub pupil: Uuid,
    pub pupil_name: String,
    pub lesson_id: Uuid,
    /// The lesson's subject (notifications folded before it was kept have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_id: Option<Uuid>,
    /// Filled in by the query from the directory; never stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_name: Option<String>,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// A user's notifications, newest last.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InboxDoc {
    pub items: Vec<Notification>,
}

/// A punishment as kept in records (content sealed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PunishmentEntry {
    pub id: Uuid,
    pub pupil: Uuid,
    pub kind: PunishmentKind,
    pub date: NaiveDate,
    pub given_by: Uuid,
    pub content: SealedContent,
}

/// A sanction as kept in records (content sealed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SanctionEntry {
    pub id: Uuid,
    pub pupil: Uuid,
    pub kind: SanctionKind,
    pub days: Option<u32>,
    pub hours: Option<u32>,
    pub sursis: bool,
    pub pronounced_on: NaiveDate,
    pub by_disciplinary_council: bool,
    pub pronounced_by: Uuid,
    pub erasure_due: Option<NaiveDate>,
    pub content: SealedContent,
}

/// A pupil's disciplinary record, or a structure's register: only what is not erased.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DisciplineDoc {
    pub punishments: Vec<PunishmentEntry>,
    pub sanctions: Vec<SanctionEntry>,
}

/// What the audit view keeps of a sanction: that it existed, never its content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SanctionAuditEntry {
    pub id: Uuid,
    pub pupil: Uuid,
    pub kind: SanctionKind,
    pub pronounced_on: NaiveDate,
    pub pronounced_by: Uuid,
    pub erasure_due: Option<NaiveDate>,
    pub erased_on: Option<NaiveDate>,
    pub erasure_rule: Option<ErasureRule>,
}

/// The audit view of a structure's sanctions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SanctionAuditDoc {
    pub sanctions: Vec<SanctionAuditEntry>,
}

/// Settings of a structure's vie scolaire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SettingsDoc {
    pub boundary: NaiveTime,
}
