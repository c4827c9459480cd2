//! Chat read models: one document per room (what it gathers, its message count and the first
//! position of each page of messages), the messages in pages of [`PAGE`], and the members of
//! groups (a group room's membership is checked at read time, like the command's).

mod fold;
mod models;
pub mod queries;

pub use fold::ChatProjection;
pub use models::*;

/// The projection name.
pub const NAME: &str = "chat";
/// Messages per stored page.
pub const PAGE: usize = 100;
