//! Agenda: the structure's school events (conseils de classe, réunions parents-professeurs,
//! sorties) with their audience, the personal calendar feeds (iCalendar subscriptions) and the
//! rules of a personal agenda's time range (docs/domain.md, "Agenda").

pub mod commands;
pub mod events;
pub mod feeds;
pub mod range;
pub mod school_event;

pub use feeds::CalendarFeedsState;
pub use school_event::SchoolEventState;
