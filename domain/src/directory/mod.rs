//! Directory & administration: structures, classes, groups, subjects, periods, users and links.

pub mod activation;
pub mod calendar;
pub mod commands;
pub mod events;
pub mod import;
pub mod login;
pub mod password_policy;
pub mod sessions;
pub mod structure;
pub mod text;
pub mod throttle;
pub mod types;
pub mod user;

pub use structure::StructureState;
pub use types::*;
pub use user::UserState;
