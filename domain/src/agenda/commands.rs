//! Commands of the agenda.

use chrono::NaiveDateTime;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Who a school event is for: the whole structure, classes, groups or named users. The pupils of
/// a class or group see it, their parents through their child's agenda, and the teachers of that
/// class or group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", content = "ids", rename_all = "snake_case")]
pub enum Audience {
    /// Everyone of the structure.
    Structure,
    /// The pupils (and their parents) and teachers of these classes.
    Classes(Vec<Uuid>),
    /// The pupils (and their parents) and teachers of these groups.
    Groups(Vec<Uuid>),
    /// These users of the structure.
    Users(Vec<Uuid>),
}

impl Audience {
    /// The ids the audience names (none for the whole structure).
    pub fn ids(&self) -> &[Uuid] {
        match self {
            Audience::Structure => &[],
            Audience::Classes(ids) | Audience::Groups(ids) | Audience::Users(ids) => ids,
        }
    }
}

/// Put an event in the structure's calendar (conseil de classe, réunion parents-professeurs,
/// sortie…). Times are Europe/Paris wall-clock times (`2026-10-12T17:30:00`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSchoolEvent {
    /// Id of the new event, chosen by the client; generated when absent. An id already in use is
    /// refused (422 naming this field).
    #[serde(default)]
    pub event_id: Option<Uuid>,
    /// UAI of the structure.
    pub structure: String,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Start, local time (Europe/Paris).
    pub from: NaiveDateTime,
    /// End, local time (Europe/Paris), after `from`, at most 31 days later.
    pub to: NaiveDateTime,
    #[serde(default)]
    pub location: Option<String>,
    pub audience: Audience,
}

/// Change a school event; absent fields keep their value, an empty `description` or `location`
/// removes it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSchoolEvent {
    pub event: Uuid,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub from: Option<NaiveDateTime>,
    #[serde(default)]
    pub to: Option<NaiveDateTime>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub audience: Option<Audience>,
}

/// Cancel a school event: it stays in the agenda and the feeds, marked cancelled.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelSchoolEvent {
    pub event: Uuid,
    #[serde(default)]
    pub reason: Option<String>,
}

/// Create a personal calendar feed (an iCalendar subscription URL) for the calling user. The
/// feed's token is answered once, in the command's result, and kept only hashed.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCalendarFeed {
    /// Id of the new feed, chosen by the client; generated when absent.
    #[serde(default)]
    pub feed_id: Option<Uuid>,
    /// A name to recognise the feed by (e.g. "Téléphone").
    #[serde(default)]
    pub label: Option<String>,
}

/// Revoke a calendar feed: its URL stops working at once.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeCalendarFeed {
    pub feed: Uuid,
    /// The owner of the feed (default: the caller). Revoking another user's feed is for the
    /// administrators of their structure.
    #[serde(default)]
    pub user: Option<Uuid>,
}
