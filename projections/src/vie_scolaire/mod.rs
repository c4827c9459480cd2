//! Vie scolaire read models: absences per pupil, per class and day, the CPE dashboard, the
//! L131-8 report, parents' notifications, disciplinary records, the register and the audit view.

mod fold;
mod lessons;
mod models;
pub mod queries;

pub use fold::VieScolaireProjection;
pub use models::*;

/// The projection name.
pub const NAME: &str = "vie_scolaire";
