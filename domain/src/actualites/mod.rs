//! News (actualités): items published to an audience inside a time window, pinned or not.

pub mod commands;
pub mod events;
pub mod news;
