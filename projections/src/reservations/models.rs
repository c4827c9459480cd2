//! Documents of the réservations read model. `*_name` fields are filled in by queries, never
//! stored.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use ent_domain::reservations::events::BookingStatus;
use ent_domain::reservations::time::{OpeningDay, ResourceKind, Slot};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A person named next to their id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PersonRef {
    pub id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `resource/<uai>/<id>`: a bookable resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ResourceDoc {
    pub id: Uuid,
    pub structure: String,
    pub code: String,
    pub name: String,
    pub kind: ResourceKind,
    pub capacity: Option<u32>,
    pub opening_hours: Vec<OpeningDay>,
    pub requires_approval: bool,
    pub managers: Vec<PersonRef>,
}

/// `resource-at/<id>`: the structure of a resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ResourceAt {
    pub structure: String,
}

/// `booking/<id>` (and its copies `by-booker/<booker>/<id>`, `pending/<uai>/<id>`): a booking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BookingDoc {
    pub id: Uuid,
    pub structure: String,
    pub resource: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_name: Option<String>,
    pub booker: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booker_name: Option<String>,
    pub purpose: String,
    pub occurrences: Vec<Slot>,
    pub recurrence_until: Option<NaiveDate>,
    pub status: BookingStatus,
    /// Why it was rejected or cancelled.
    pub reason: Option<String>,
    pub booked_at: DateTime<Utc>,
    /// Who approved, rejected or cancelled it (an actor id), and when.
    pub decided_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by_name: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// One occurrence of a booking in a calendar week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CalendarEntry {
    pub booking: Uuid,
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
    /// `pending` or `confirmed` (rejected and cancelled bookings leave the calendar).
    pub status: BookingStatus,
    pub booker: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booker_name: Option<String>,
    pub purpose: String,
}

/// A closed day shown in a calendar week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClosedDay {
    pub date: NaiveDate,
    pub label: String,
}

/// `week/<resource>/<yyyy-Www>`: a resource's bookings in one ISO week, by start. Queries add
/// the resource, the week's days and the structure's closed days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CalendarWeek {
    pub resource: Uuid,
    pub structure: String,
    /// `YYYY-Www`.
    pub week: String,
    pub entries: Vec<CalendarEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_doc: Option<ResourceDoc>,
    /// Monday of the week (filled in by queries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monday: Option<NaiveDate>,
    #[serde(default)]
    pub closed_days: Vec<ClosedDay>,
}

/// The occupancy of one resource in one ISO week: confirmed booked minutes over the minutes it
/// is open (its opening hours, less the structure's closed days).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Occupancy {
    pub resource: Uuid,
    pub code: String,
    pub name: String,
    pub week: String,
    pub open_minutes: i64,
    pub booked_minutes: i64,
    pub pending_minutes: i64,
    /// `booked_minutes / open_minutes` in percent, one decimal (0 when never open).
    pub rate_percent: f64,
}
