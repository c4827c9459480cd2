//! Cahier de textes: the lesson log and homework of each class or group and subject, their
//! edits (kept as history) and the direction's visa.

pub mod commands;
pub mod entries;
pub mod events;
