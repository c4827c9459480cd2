//! Ressources read models: the structure's catalogue of resources (searchable by title and
//! description, see `crate::search`), learning paths with every pupil's progress, and pupils'
//! memberships (class and groups) for what they may see.

mod fold;
mod models;
pub mod queries;

pub use fold::RessourcesProjection;
pub use models::*;

/// The projection name.
pub const NAME: &str = "ressources";
/// The catalogue: `resource/<uai>/<id>`.
pub const RESOURCES: &str = "resource";
