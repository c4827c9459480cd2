//! Vie scolaire: timetable and roll call, absences in half-days and their justification, the
//! L131-8 absenteeism rule, punishments and sanctions with their legal erasure (R511-13).

pub mod absences;
pub mod commands;
pub mod discipline;
pub mod events;
pub mod justification;
pub mod lesson;
pub mod settings;
pub mod types;

pub use types::*;
