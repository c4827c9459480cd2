//! Directory read models: structure tree, class rosters, user cards (with children, classes).

pub mod calendar;
pub mod cas;
mod fold;
mod models;
pub mod queries;
pub mod slips;

pub use fold::DirectoryProjection;
pub use models::*;

/// The projection name.
pub const NAME: &str = "directory";
