//! Workspace read models: each user's folder tree, files, trash and bytes used; where each file
//! lives; what is shared with each user, group and class; how many files refer to each content.

mod fold;
mod models;
pub mod queries;

pub use fold::EspaceProjection;
pub use models::*;

/// The projection name.
pub const NAME: &str = "espace";
