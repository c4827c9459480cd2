//! Handlers of the vie scolaire commands, and the retention job that erases sanctions when due.

mod absences;
mod authorization;
mod discipline;
mod retention;
mod timetable;

pub use absences::{accept_justification, justify_absence, mark_notifications_read, record_absence, refuse_justification};
pub use discipline::{erase_sanction, give_punishment, pronounce_sanction};
pub use retention::{RetentionReport, run_retention};
pub use timetable::{amend_roll_call, import_timetable, schedule_lesson, set_half_day_boundary, take_roll_call};
