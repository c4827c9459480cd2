//! Agenda read models: the entries of every audience (a class or group, a user, a structure, its
//! staff) by month, each ready to merge into a personal agenda; the school events as the staff
//! manage them; pupils' memberships; users' calendar feeds. The personal agenda is merged at read
//! time from a handful of those documents (`queries`), and written as iCalendar by `ics`.

mod fold;
pub mod ics;
mod models;
pub mod queries;
mod sources;

pub use fold::AgendaProjection;
pub use models::*;

/// The projection name.
pub const NAME: &str = "agenda";

/// Today in Europe/Paris, the wall clock every time of the ENT is read on.
pub fn today_in_paris() -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&chrono_tz::Europe::Paris).date_naive()
}

/// The Europe/Paris date of an instant.
pub fn date_in_paris(at: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    at.with_timezone(&chrono_tz::Europe::Paris).date_naive()
}
