//! Forums: categories of a structure or of a class, topics and their posts, edits kept as
//! history, moderation (hidden posts, locked topics).

pub mod commands;
pub mod events;
pub mod topics;
