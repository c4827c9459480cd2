//! Events of the ressources service.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::commands::PathMode;
use crate::directory::Level;

/// Where a resource is: a link, or a file of the workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ResourceSource {
    Url { url: String },
    File { file: Uuid },
}

/// A resource was published. Stream: `<uai>/resource/<resource_id>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResourcePublished {
    pub resource_id: Uuid,
    pub structure: String,
    pub title: String,
    pub description: String,
    pub source: ResourceSource,
    pub subjects: Vec<Uuid>,
    pub levels: Vec<Level>,
    pub domain: Option<String>,
    pub theme: Option<String>,
    pub published_to: Vec<Uuid>,
}

/// A resource was withdrawn from the catalogue. Stream: the resource's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResourceUnpublished {
    pub resource_id: Uuid,
    pub structure: String,
}

/// One step of a learning path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PathStep {
    /// Consult a resource; its title is the one it had when the path was created.
    Resource {
        resource: Uuid,
        title: String,
    },
    Instruction {
        text: String,
    },
}

/// A learning path was created. Stream: `<uai>/learning-path/<path_id>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LearningPathCreated {
    pub path_id: Uuid,
    pub structure: String,
    pub title: String,
    pub steps: Vec<PathStep>,
    pub assigned_to: Uuid,
    pub opens_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub mode: PathMode,
}

/// A pupil did a step of a learning path. Stream: `<uai>/path-progress/<path_id>_<pupil>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StepCompleted {
    pub path_id: Uuid,
    pub structure: String,
    pub pupil: Uuid,
    pub step: u32,
    pub completed_on: NaiveDate,
}
