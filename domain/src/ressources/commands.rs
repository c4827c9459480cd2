//! Commands of the ressources service (docs/domain.md, "Ressources numériques & parcours").

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::directory::Level;

/// Publish a digital resource of the structure to classes and groups.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishResource {
    /// Id of the new resource, chosen by the client; generated when absent. An id already in use
    /// is refused (422 naming this field).
    #[serde(default)]
    pub resource_id: Option<Uuid>,
    /// UAI of the structure whose catalogue receives the resource.
    pub structure: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// A link (`http` or `https`); exactly one of `url` and `file`.
    #[serde(default)]
    pub url: Option<String>,
    /// A file of the workspace (`espace`), by id; exactly one of `url` and `file`.
    #[serde(default)]
    pub file: Option<Uuid>,
    /// Subjects of the structure the resource is for.
    #[serde(default)]
    pub subjects: Vec<Uuid>,
    /// School levels the resource is for.
    #[serde(default)]
    pub levels: Vec<Level>,
    /// Domain of the resource (e.g. "Nombres et calculs").
    #[serde(default)]
    pub domain: Option<String>,
    /// Theme of the resource (e.g. "Fractions").
    #[serde(default)]
    pub theme: Option<String>,
    /// Classes and groups of the structure the resource is published to (at least one).
    pub published_to: Vec<Uuid>,
}

/// Withdraw a resource from the catalogue (it stays in the history).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnpublishResource {
    pub resource: Uuid,
}

/// One step of a learning path, as given to `CreateLearningPath`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum StepInput {
    /// Consult a resource of the catalogue (visible to the path's class or group).
    Resource { resource: Uuid },
    /// Do what the text says.
    Instruction { text: String },
}

/// How a learning path is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PathMode {
    Standard,
    /// Flipped classroom: pupils go through the path before the lesson.
    ClasseInversee,
}

/// Create a learning path for a class or group.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLearningPath {
    /// Id of the new path, chosen by the client; generated when absent. An id already in use is
    /// refused (422 naming this field).
    #[serde(default)]
    pub path_id: Option<Uuid>,
    pub title: String,
    /// The steps, in order (1 to 50).
    pub steps: Vec<StepInput>,
    /// The class or group that follows the path.
    pub assigned_to: Uuid,
    /// The day pupils may start (and see) the path.
    pub opens_on: NaiveDate,
    /// On or after `opens_on`.
    #[serde(default)]
    pub due_on: Option<NaiveDate>,
    pub mode: PathMode,
}

/// A pupil marks a step of a learning path as done.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteStep {
    pub path: Uuid,
    /// Index of the step, from 0.
    pub step: u32,
}
