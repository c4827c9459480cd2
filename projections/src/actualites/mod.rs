//! News read models: every item of a structure; the feed filters them by audience and by the
//! reader's clock at read time, so an item appears and disappears with no event.

mod fold;
mod models;
pub mod queries;

pub use fold::NewsProjection;
pub use models::*;

/// The projection name.
pub const NAME: &str = "actualites";
