//! Forums read models: categories with their topic and post counts, topics with their posts
//! (names filled in at read time), and a post's history read from the log.

mod fold;
mod models;
pub mod queries;

pub use fold::ForumsProjection;
pub use models::*;

/// The projection name.
pub const NAME: &str = "forums";
