//! Usage indicators (BRIEF §2.11): which service was used, by which profile of which structure,
//! how often and by how many distinct users — counts only, never who.
//!
//! Reads are tallied in memory per minute ([`tally`]) and appended as compact `UsageRecorded`
//! events carrying a [`hll::Hll`] sketch of distinct users; logins append `UserLoggedIn`; the
//! actions of each service are counted from the services' own events ([`actions`]).

pub mod actions;
pub mod events;
pub mod hll;
pub mod period;
pub mod service;
pub mod tally;

pub use hll::Hll;
pub use period::Granularity;
pub use service::Service;
pub use tally::UsageTally;

use crate::StreamId;

/// Cells of cross-structure views with fewer distinct users than this are suppressed.
pub const MIN_DISTINCT_USERS: u64 = 5;

/// Whether a cross-structure cell must be hidden: too few distinct users to stay anonymous.
pub fn is_suppressed(distinct_users: u64) -> bool {
    distinct_users < MIN_DISTINCT_USERS
}

/// The stream usage facts of `structure` on `day` are appended to (`<structure>/usage/<day>`):
/// one stream per structure and day keeps streams short; appends use no version check.
pub fn stream(structure: &str, day: chrono::NaiveDate) -> StreamId {
    StreamId::new(structure, "usage", day.format("%Y-%m-%d").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_with_fewer_than_five_users_is_suppressed() {
        for n in 0..5 {
            assert!(is_suppressed(n), "{n} users");
        }
        assert!(!is_suppressed(5));
        assert!(!is_suppressed(1_000));
    }
}
