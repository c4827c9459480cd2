//! Notes & bulletins: evaluations, grades (never overwritten), appreciations, subject
//! coefficients, publication and versions of bulletins, and the exact averages of BRIEF §2.3.

pub mod average;
pub mod bulletin;
pub mod commands;
pub mod evaluation;
pub mod events;
pub mod settings;
pub mod types;

#[cfg(test)]
pub(crate) mod fixtures;

pub use bulletin::BulletinState;
pub use evaluation::EvaluationState;
pub use settings::NotesSettingsState;
pub use types::*;
