//! Cahier de textes read models: one cahier per class/group and subject (lessons and homework
//! newest first, visas), pupils' memberships for "homework to do", and the history of entries.

mod fold;
mod models;
pub mod queries;

pub use fold::CahierProjection;
pub use models::*;

/// The projection name.
pub const NAME: &str = "cahier_de_textes";
