//! Documents of the ressources read model, and what its queries answer.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use ent_domain::directory::Level;
use ent_domain::ressources::commands::PathMode;
use ent_domain::ressources::events::{PathStep, ResourceSource};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `resource/<uai>/<id>`: a resource of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ResourceDoc {
    pub id: Uuid,
    pub structure: String,
    pub title: String,
    pub description: String,
    pub source: ResourceSource,
    pub subjects: Vec<Uuid>,
    pub levels: Vec<Level>,
    pub domain: Option<String>,
    pub theme: Option<String>,
    pub published_to: Vec<Uuid>,
    pub published_by: String,
    pub published_at: DateTime<Utc>,
    /// Withdrawn from the catalogue (kept for the paths that name it).
    pub unpublished: bool,
}

/// A named id (a subject, a class or group), the name filled in at query time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Named {
    pub id: Uuid,
    pub name: Option<String>,
}

/// A resource as the catalogue shows it, names next to ids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ResourceView {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub source: ResourceSource,
    pub subjects: Vec<Named>,
    pub levels: Vec<Level>,
    pub domain: Option<String>,
    pub theme: Option<String>,
    pub published_to: Vec<Named>,
    pub published_by: String,
    pub published_by_name: Option<String>,
    pub published_at: DateTime<Utc>,
}

/// A step done by a pupil.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StepDone {
    pub step: u32,
    pub on: NaiveDate,
}

/// `path/<uai>/<id>`: a learning path and every pupil's steps done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PathDoc {
    pub id: Uuid,
    pub structure: String,
    pub title: String,
    pub steps: Vec<PathStep>,
    pub assigned_to: Uuid,
    pub opens_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub mode: PathMode,
    pub author: String,
    pub created_at: DateTime<Utc>,
    /// Steps done, by pupil.
    pub progress: BTreeMap<Uuid, Vec<StepDone>>,
}

/// `membership/<pupil>`: the class and groups of a pupil.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Membership {
    pub structure: String,
    pub class: Option<Uuid>,
    pub groups: Vec<Uuid>,
}

/// A step as a pupil sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PupilStep {
    pub index: u32,
    /// `resource` or `instruction`.
    pub kind: String,
    /// The resource's title, or the instruction.
    pub text: String,
    pub resource: Option<Uuid>,
    /// Where to open the resource; `None` when it was withdrawn from the catalogue since.
    pub url: Option<String>,
    pub done_on: Option<NaiveDate>,
}

/// A learning path as one pupil follows it: x of n steps done, the next one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PupilPath {
    pub id: Uuid,
    pub title: String,
    pub mode: PathMode,
    pub assigned_to: Named,
    pub opens_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub author_name: Option<String>,
    pub done: usize,
    pub total: usize,
    /// Index of the first step not done yet; `None` when every step is done.
    pub next_step: Option<u32>,
    pub steps: Vec<PupilStep>,
}

/// A learning path as its teachers list it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PathSummary {
    pub id: Uuid,
    pub title: String,
    pub mode: PathMode,
    pub assigned_to: Named,
    pub opens_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub steps: usize,
    pub author: String,
    pub author_name: Option<String>,
    /// Pupils who did every step.
    pub finished_by: usize,
}

/// One pupil's row of a class progress table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProgressRow {
    pub pupil: Uuid,
    pub pupil_name: Option<String>,
    /// One cell per step: the day it was done, or `None`.
    pub steps: Vec<Option<NaiveDate>>,
    pub done: usize,
}

/// The teacher's table of a path: pupils × steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClassProgress {
    pub path: PathSummary,
    /// The steps' titles (a resource's title or the instruction), in order.
    pub step_titles: Vec<String>,
    pub rows: Vec<ProgressRow>,
    /// How many pupils did each step.
    pub done_per_step: Vec<usize>,
}
