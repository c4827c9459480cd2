//! Documents of the livret de compétences read model and the views computed from them.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One positioning, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Positioning {
    pub framework: String,
    pub item: String,
    pub level: u8,
    pub period: Uuid,
    /// Filled in by queries, never stored (names are joined at read time: `crate::names`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_name: Option<String>,
    pub evidence: Option<Uuid>,
    pub comment: Option<String>,
    pub at: DateTime<Utc>,
    pub author: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
}

/// One validated certification item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Validation {
    pub framework: String,
    pub item: String,
    pub at: DateTime<Utc>,
    pub author: String,
}

/// The latest end-of-cycle level of a composante.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EndOfCycle {
    pub cycle: u8,
    pub composante: String,
    pub level: u8,
    pub level_label: String,
    pub at: DateTime<Utc>,
    pub author: String,
}

/// `booklet/<pupil>`: everything recorded in a pupil's booklet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BookletDoc {
    pub structure: String,
    pub pupil: Uuid,
    pub positionings: Vec<Positioning>,
    pub validations: Vec<Validation>,
    pub end_of_cycle: Vec<EndOfCycle>,
}

/// The latest level of an item in a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LatestLevel {
    pub framework: String,
    pub item: String,
    pub label: String,
    pub period: Uuid,
    pub period_name: Option<String>,
    pub level: u8,
    pub level_label: String,
    pub at: DateTime<Utc>,
}

/// Progress in one domain of a certification framework.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DomainProgress {
    pub code: String,
    pub name: String,
    pub validated: usize,
    pub total: usize,
    /// Percentage of the domain's items validated (0–100, rounded to 1 decimal).
    pub percent: f64,
}

/// Progress in a certification framework (B2i, PIX…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CertificationProgress {
    pub framework: String,
    pub name: String,
    pub validated: usize,
    pub total: usize,
    pub percent: f64,
    pub domains: Vec<DomainProgress>,
}

/// The competency booklet of a pupil.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CompetencyBooklet {
    pub pupil: Uuid,
    pub pupil_name: String,
    pub structure: String,
    pub structure_name: Option<String>,
    pub latest: Vec<LatestLevel>,
    pub history: Vec<Positioning>,
    pub end_of_cycle: Vec<EndOfCycle>,
    pub certifications: Vec<CertificationProgress>,
}

/// How a class stands on one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ItemOverview {
    pub domain: String,
    pub item: String,
    pub label: String,
    /// Pupils at each level (latest positioning), keyed "1".."4".
    pub levels: BTreeMap<String, usize>,
    pub positioned: usize,
    pub validated: usize,
    pub pupils: usize,
}

/// A class's overview of a framework, item by item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClassOverview {
    pub class: Uuid,
    /// The class's code (`6A`) or the group's name.
    pub class_name: Option<String>,
    pub framework: String,
    pub period: Option<Uuid>,
    pub period_name: Option<String>,
    pub items: Vec<ItemOverview>,
}

/// A person in the export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExportPupil {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub class: Option<String>,
}

/// A structure in the export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExportStructure {
    pub uai: String,
    pub name: String,
}

/// One positioning in the export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExportPositioning {
    pub framework: String,
    pub domain: String,
    pub item: String,
    pub label: String,
    pub level: u8,
    pub level_label: String,
    pub evidence: Option<Uuid>,
    pub comment: Option<String>,
    pub date: DateTime<Utc>,
}

/// A subject appreciation in the export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExportAppreciation {
    pub subject: String,
    pub text: String,
}

/// One period in the export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExportPeriod {
    pub id: Uuid,
    pub name: String,
    pub school_year: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub positionings: Vec<ExportPositioning>,
    pub appreciations: Vec<ExportAppreciation>,
}

/// `GET /api/v1/booklets/{pupil}.json`: the documented, versioned export (docs/exports.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BookletExport {
    /// Always `ent-livret`.
    pub format: String,
    /// Version of this structure; bumped on any incompatible change.
    pub format_version: u32,
    pub generated_at: DateTime<Utc>,
    pub structure: ExportStructure,
    pub pupil: ExportPupil,
    pub periods: Vec<ExportPeriod>,
    pub end_of_cycle: Vec<EndOfCycle>,
    pub certifications: Vec<CertificationProgress>,
}
