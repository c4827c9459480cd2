//! Handlers of the agenda: school events (the staff of the structure) and personal calendar
//! feeds (each user their own; an administrator of the structure may revoke one), and the check
//! of a feed's token for the iCalendar route.

mod feeds;
mod school_events;

pub use feeds::{FeedOwner, create_calendar_feed, feed_owner, feed_secret_key, revoke_calendar_feed};
pub use school_events::{cancel_school_event, create_school_event, update_school_event};
