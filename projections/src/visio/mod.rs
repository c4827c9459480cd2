//! Visio read models: one document per meeting, and the meetings of each participant (what the
//! agenda shows: `queries::agenda`).

mod fold;
pub mod queries;

pub use fold::{MeetingDoc, VisioProjection};
pub use queries::{AgendaMeeting, MeetingView};

/// The projection name.
pub const NAME: &str = "visio";
