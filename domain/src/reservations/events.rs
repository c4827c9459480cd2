//! Events of the réservations service.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::time::{OpeningDay, ResourceKind, Slot};

/// A resource was defined or redefined (same id). Stream: `<uai>/resource-catalogue/<uai>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BookableResourceDefined {
    pub resource_id: Uuid,
    pub structure: String,
    pub code: String,
    pub name: String,
    pub kind: ResourceKind,
    pub capacity: Option<u32>,
    pub opening_hours: Vec<OpeningDay>,
    pub requires_approval: bool,
    pub managers: Vec<Uuid>,
}

/// Where a booking stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    /// Waiting for a manager; the slots are already held.
    Pending,
    Confirmed,
    Rejected,
    Cancelled,
}

impl BookingStatus {
    /// Pending and confirmed bookings hold their slots.
    pub fn holds_slots(self) -> bool {
        matches!(self, BookingStatus::Pending | BookingStatus::Confirmed)
    }
}

/// A resource was booked (pending or confirmed), every occurrence at once. Stream:
/// `<uai>/booking/<booking_id>`; its slots are held by [`ResourceSlotsHeld`] in the same append.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResourceBooked {
    pub booking_id: Uuid,
    pub structure: String,
    pub resource: Uuid,
    pub booker: Uuid,
    pub purpose: String,
    /// Every occurrence, in order (one unless recurring).
    pub occurrences: Vec<Slot>,
    /// The last day of a weekly recurrence.
    pub recurrence_until: Option<NaiveDate>,
    /// `pending` or `confirmed`.
    pub status: BookingStatus,
}

/// A pending booking was approved. Stream: the booking's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BookingApproved {
    pub booking_id: Uuid,
    pub resource: Uuid,
}

/// A pending booking was rejected; its slots are released in the same append. Stream: the
/// booking's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BookingRejected {
    pub booking_id: Uuid,
    pub resource: Uuid,
    pub reason: String,
}

/// A booking was cancelled; its slots are released in the same append. Stream: the booking's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BookingCancelled {
    pub booking_id: Uuid,
    pub resource: Uuid,
    pub reason: Option<String>,
}

/// A booking holds these slots of a resource in one ISO week. Stream:
/// `<uai>/resource-week/<resource>_<yyyy>-W<ww>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResourceSlotsHeld {
    pub booking_id: Uuid,
    pub resource: Uuid,
    /// The ISO week, `YYYY-Www`.
    pub week: String,
    pub slots: Vec<Slot>,
}

/// A booking no longer holds its slots of a resource in one ISO week (rejected or cancelled).
/// Stream: the week's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResourceSlotsReleased {
    pub booking_id: Uuid,
    pub resource: Uuid,
    pub week: String,
}
