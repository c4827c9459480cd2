//! Réservations read models: each structure's resources, each resource's calendar per ISO week,
//! each booking (also listed by booker, and while pending by structure for its managers); the
//! occupancy of a week is computed at query time from the calendar, the opening hours and the
//! structure's closed days.

mod fold;
mod models;
pub mod queries;

pub use fold::ReservationsProjection;
pub use models::*;

/// The projection name.
pub const NAME: &str = "reservations";
