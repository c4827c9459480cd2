//! Usage indicators read model: per structure × day × service × profile, the connections, reads,
//! actions by kind and a sketch of distinct active users; and the same summed over every
//! structure of the académie (day × service × profile), for the rectorat.

mod fold;
mod models;
pub mod queries;

pub use fold::UsageProjection;
pub use models::*;

/// The projection name.
pub const NAME: &str = "usage";
