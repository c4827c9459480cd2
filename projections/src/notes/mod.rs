//! Notes read models: evaluations with their grades (class grade tables), each pupil's grades
//! per subject, class statistics per subject, bulletins (computed on read from these documents,
//! versioned on publication), the PDF rendering and time travel.

mod compute;
mod fold;
mod models;
pub mod pdf;
pub mod queries;

pub use compute::{Names, compute_bulletin};
pub use fold::NotesProjection;
pub use models::*;

/// The projection name.
pub const NAME: &str = "notes";
