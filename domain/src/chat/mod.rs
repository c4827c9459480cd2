//! Instant messaging (docs/domain.md, "Chat"): rooms per class, per group or between people the
//! communication rules allow, and the messages posted in them.

pub mod commands;
pub mod events;
pub mod rooms;
