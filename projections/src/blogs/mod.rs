//! Blogs read models: blogs with their counts, posts with their comments (names filled in at
//! read time); what a reader sees depends on the post's workflow state.

mod fold;
mod models;
pub mod queries;

pub use fold::BlogsProjection;
pub use models::*;

/// The projection name.
pub const NAME: &str = "blogs";
