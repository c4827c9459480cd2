//! Réservations: bookable rooms and equipment of a structure and their bookings, which never
//! overlap (docs/domain.md, "Réservations"). The resources of a structure are one catalogue
//! stream (codes are unique in the structure); each booking is a stream of its own (its life:
//! pending, approved, rejected, cancelled) and holds its slots in one stream per resource and
//! ISO week, so the store's optimistic concurrency on those week streams is what keeps two
//! bookings of one resource from overlapping, across server processes too.

pub mod booking;
pub mod commands;
pub mod events;
pub mod resource;
pub mod time;
