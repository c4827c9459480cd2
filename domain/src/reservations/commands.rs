//! Commands of the réservations service.

use chrono::{NaiveDate, NaiveDateTime};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::time::{OpeningDay, ResourceKind};

/// Define a bookable room or piece of equipment of a structure, or redefine one (same
/// `resource_id`): its opening hours, whether bookings need a manager's approval, its managers.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DefineBookableResource {
    /// Id of the resource: a new one (chosen by the client, or generated when absent), or the id
    /// of a resource of the structure to redefine.
    #[serde(default)]
    pub resource_id: Option<Uuid>,
    pub structure: String,
    /// Short code, unique in the structure (e.g. `B12`, `INFO1`).
    pub code: String,
    pub name: String,
    pub kind: ResourceKind,
    /// Seats (rooms) or units (equipment), when it matters.
    #[serde(default)]
    pub capacity: Option<u32>,
    /// The hours the resource may be booked, per weekday (several ranges a day); a weekday not
    /// listed is closed.
    pub opening_hours: Vec<OpeningDay>,
    /// Bookings stay pending until a manager approves them (managers' own bookings excepted).
    #[serde(default)]
    pub requires_approval: bool,
    /// Staff of the structure who approve, reject and cancel its bookings.
    #[serde(default)]
    pub managers: Vec<Uuid>,
}

/// A weekly recurrence: the same slot every week until `until` (included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recurrence {
    /// Last day an occurrence may start on.
    pub until: NaiveDate,
}

/// Book a resource from `from` to `to` (local school time, Europe/Paris wall clock), once or
/// weekly. All occurrences are booked, or none.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BookResource {
    /// Id of the new booking, chosen by the client; generated when absent. An id already in use
    /// is refused (422 naming this field).
    #[serde(default)]
    pub booking_id: Option<Uuid>,
    pub resource: Uuid,
    /// Start, local time (`YYYY-MM-DDTHH:MM:SS`).
    pub from: NaiveDateTime,
    /// End, local time, after `from`.
    pub to: NaiveDateTime,
    pub purpose: String,
    /// Repeat weekly (occurrences on the structure's closed days are skipped).
    #[serde(default)]
    pub recurrence: Option<Recurrence>,
}

/// A manager of the resource (or the direction) approves a pending booking.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveBooking {
    pub booking: Uuid,
}

/// A manager of the resource (or the direction) rejects a pending booking, saying why; its
/// slots are freed.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectBooking {
    pub booking: Uuid,
    pub reason: String,
}

/// The booker, a manager of the resource or the direction cancels a booking; its slots are freed.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBooking {
    pub booking: Uuid,
    #[serde(default)]
    pub reason: Option<String>,
}
