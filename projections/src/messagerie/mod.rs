//! Messagerie read models: one document per message, each user's mailbox summary (folders with
//! their counts, drafts) and their entries in fixed-size pages (so that a mailbox of 10,000
//! messages reads one summary and the newest pages), threads and mailing lists.

mod fold;
mod models;
pub mod queries;

pub use fold::MessagerieProjection;
pub use models::*;

/// The projection name.
pub const NAME: &str = "messagerie";
