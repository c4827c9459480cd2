//! Documents of the notes read model (stored) and the bulletin as served (computed).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use ent_domain::notes::{GradeStatus, Hundredths, Mention};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One pupil's current grade on an evaluation. Stored documents leave out empty fields, and
/// the pupil's class when it is the evaluation's own class (most of them: a document is written
/// for every evaluation, and its size is what a rebuild pays for); queries fill it back in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GradeCell {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Hundredths>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<GradeStatus>,
}

/// `evaluation/<id>`: an evaluation and its current grades.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EvaluationDoc {
    pub id: Uuid,
    pub structure: String,
    pub class_or_group: Uuid,
    pub subject: Uuid,
    /// Filled in by queries, never stored (names are joined at read time: `crate::names`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_name: Option<String>,
    pub period: Uuid,
    pub date: NaiveDate,
    pub title: String,
    pub coefficient: Hundredths,
    pub scale: u32,
    pub grades: BTreeMap<Uuid, GradeCell>,
}

impl EvaluationDoc {
    /// The class of a graded pupil.
    pub fn class_of(&self, pupil: Uuid) -> Option<Uuid> {
        self.grades.get(&pupil).map(|g| g.class.unwrap_or(self.class_or_group))
    }

    /// Writes every pupil's class out, as queries serve it.
    pub fn with_classes(mut self) -> Self {
        for g in self.grades.values_mut() {
            g.class.get_or_insert(self.class_or_group);
        }
        self
    }
}

/// `evaluations/<period>/<class_or_group>`: the evaluations of a class or group in a period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EvaluationIndex {
    pub evaluations: Vec<Uuid>,
}

/// One grade of a pupil, with its evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MarkLine {
    pub evaluation: Uuid,
    pub title: String,
    pub date: NaiveDate,
    pub scale: u32,
    pub coefficient: Hundredths,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Hundredths>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<GradeStatus>,
    /// Whether the grade was corrected at least once (left out when not).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub corrected: bool,
}

/// `pupil_subject/<period>/<pupil>/<subject>`: a pupil's grades and appreciation in a subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PupilSubjectDoc {
    pub pupil: Uuid,
    pub subject: Uuid,
    /// Filled in by queries, never stored (names are joined at read time: `crate::names`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_name: Option<String>,
    pub period: Uuid,
    pub marks: Vec<MarkLine>,
    pub appreciation: Option<String>,
}

/// `class_subject/<period>/<class>/<subject>`: each pupil's exact subject average
/// (`numerator/denominator`), from which class average, min and max are taken.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClassSubjectDoc {
    pub subject: Uuid,
    pub averages: BTreeMap<Uuid, String>,
}

/// `class_period/<period>/<class>`: publication of the class's bulletins, its pupils, and the
/// evaluations that graded them (the streams time travel folds).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClassPeriodDoc {
    pub published_at: Option<DateTime<Utc>>,
    pub pupils: BTreeSet<Uuid>,
    pub evaluations: BTreeSet<Uuid>,
}

/// A new version of a published bulletin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Revision {
    pub version: u32,
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// `bulletin/<period>/<pupil>`: what is not computed from grades.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BulletinDoc {
    pub structure: String,
    pub pupil: Uuid,
    pub period: Uuid,
    pub class: Uuid,
    pub council_appreciation: Option<String>,
    pub mention: Option<Mention>,
    pub published_at: Option<DateTime<Utc>>,
    /// 0 before publication, then 1, 2… with each change.
    pub version: u32,
    pub revisions: Vec<Revision>,
}

/// `settings/<uai>`: subject coefficients by `<level>/<subject>`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SettingsDoc {
    pub coefficients: BTreeMap<String, Hundredths>,
}

/// A reference with a display name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Named {
    pub id: Uuid,
    pub code: String,
    pub name: String,
}

/// One subject line of a bulletin (averages on /20, rounded to 2 decimals for display).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SubjectLine {
    pub subject: Named,
    pub coefficient: f64,
    pub pupil_average: Option<f64>,
    /// Exact pupil average `numerator/denominator`, for auditors.
    pub pupil_average_exact: Option<String>,
    pub class_average: Option<f64>,
    pub class_min: Option<f64>,
    pub class_max: Option<f64>,
    /// Number of grades with a value (statuses excluded).
    pub grades: usize,
    pub appreciation: Option<String>,
    /// The class's teachers of the subject (names as the directory has them now).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teachers: Vec<crate::directory::PersonRef>,
}

/// The absences summary of a bulletin over its period, from the vie scolaire. Null in a
/// time-travel view (`as_of`), which covers the notes only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AbsencesSummary {
    /// Half-days missed.
    pub half_days: Option<u32>,
    /// Of which justified (accepted justification).
    pub justified_half_days: Option<u32>,
    /// Of which unjustified or refused.
    pub unjustified_half_days: Option<u32>,
    /// Late arrivals.
    pub lates: Option<u32>,
}

/// Publication state of a bulletin as parents see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Publication {
    pub published: bool,
    pub published_at: Option<DateTime<Utc>>,
    /// Current version (1 at publication), `None` before.
    pub version: Option<u32>,
    /// True when the bulletin changed after it was published.
    pub changed_since_publication: bool,
    pub revisions: Vec<Revision>,
}

/// The bulletin of one pupil for one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Bulletin {
    pub structure: Named,
    pub pupil: Named,
    pub class: Named,
    pub period: PeriodRef,
    pub subjects: Vec<SubjectLine>,
    pub general_average: Option<f64>,
    pub general_average_exact: Option<String>,
    pub council_appreciation: Option<String>,
    pub mention: Option<Mention>,
    pub absences: AbsencesSummary,
    pub publication: Publication,
    /// Set when the bulletin is shown as it stood at a past instant.
    pub as_of: Option<DateTime<Utc>>,
}

/// A period with its name and bounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PeriodRef {
    pub id: Uuid,
    pub name: String,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

/// One entry of a grade's audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GradeHistoryEntry {
    /// `GradeRecorded` or `GradeCorrected`.
    pub change: String,
    pub value: Option<Hundredths>,
    pub status: Option<GradeStatus>,
    pub author: String,
    pub author_name: Option<String>,
    pub at: DateTime<Utc>,
    pub reason: Option<String>,
    pub position: u64,
}

/// A pupil of a grade table: the row a screen shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TablePupil {
    pub id: Uuid,
    pub display_name: Option<String>,
}

/// The class grade table of a class or group for a period, for its teachers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GradeTable {
    pub class_or_group: Uuid,
    /// The class's code (`6A`) or the group's name.
    pub class_or_group_name: Option<String>,
    pub period: Uuid,
    pub period_name: Option<String>,
    /// The pupils of the class or group (by name), then any other pupil graded in it.
    pub pupils: Vec<TablePupil>,
    pub evaluations: Vec<EvaluationDoc>,
}

/// Whether a class's bulletins of a period are published (`class_period/<period>/<class>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClassPublication {
    pub class: Uuid,
    pub class_code: String,
    pub period: Uuid,
    pub period_name: String,
    pub published_at: Option<DateTime<Utc>>,
}
