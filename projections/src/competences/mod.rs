//! Livret de compétences read models: the booklet of each pupil (latest level per item and
//! period, history, end-of-cycle summary, certification progress per domain), class overviews
//! per item, and the versioned JSON export.

mod fold;
mod models;
pub mod queries;

pub use fold::CompetencesProjection;
pub use models::*;

/// The projection name.
pub const NAME: &str = "competences";
