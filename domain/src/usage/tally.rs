//! The in-memory tally of reads: per (structure, service, profile, minute), a count and a sketch
//! of distinct users. It turns hundreds of reads per user into one small event per cell and flush.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::events::UsageRecorded;
use super::hll::Hll;
use super::service::Service;
use crate::directory::Profile;

/// Address of one tally cell.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellKey {
    pub structure: String,
    pub minute: DateTime<Utc>,
    pub service: Service,
    pub profile: Profile,
}

#[derive(Debug, Clone, Default)]
struct Cell {
    count: u64,
    users: Hll,
}

/// Reads not yet appended.
#[derive(Debug, Clone, Default)]
pub struct UsageTally {
    cells: HashMap<CellKey, Cell>,
}

/// The start of the minute of `at`.
pub fn minute_of(at: DateTime<Utc>) -> DateTime<Utc> {
    let secs = at.timestamp().div_euclid(60) * 60;
    DateTime::from_timestamp(secs, 0).unwrap_or(at)
}

impl UsageTally {
    /// Counts one read of `service` by `user` (of `profile`, in `structure`) at `at`.
    pub fn record(&mut self, structure: &str, service: Service, profile: Profile, user: Uuid, at: DateTime<Utc>) {
        let key = CellKey { structure: structure.to_string(), minute: minute_of(at), service, profile };
        let cell = self.cells.entry(key).or_default();
        cell.count += 1;
        cell.users.insert(user);
    }

    /// How many cells are pending.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// Adds another tally into this one (used to put back a tally whose append failed).
    pub fn absorb(&mut self, other: UsageTally) {
        for (key, cell) in other.cells {
            let mine = self.cells.entry(key).or_default();
            mine.count += cell.count;
            mine.users.merge(&cell.users);
        }
    }

    /// One `UsageRecorded` per cell, ordered by structure, minute, service and profile.
    pub fn to_events(&self) -> Vec<UsageRecorded> {
        let mut keys: Vec<&CellKey> = self.cells.keys().collect();
        keys.sort();
        keys.into_iter()
            .map(|k| {
                let cell = &self.cells[k];
                UsageRecorded {
                    structure: k.structure.clone(),
                    service: k.service,
                    profile: k.profile,
                    minute: k.minute,
                    count: cell.count,
                    distinct_users_hll: cell.users.to_base64(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 10, 5, h, m, s).unwrap()
    }

    #[test]
    fn reads_of_one_minute_make_one_cell_with_a_count_and_distinct_users() {
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let mut t = UsageTally::default();
        for s in [0, 10, 59] {
            t.record("0751234A", Service::Notes, Profile::Eleve, a, at(8, 0, s));
        }
        t.record("0751234A", Service::Notes, Profile::Eleve, b, at(8, 0, 30));
        t.record("0751234A", Service::Notes, Profile::Eleve, b, at(8, 1, 0));
        t.record("0751234A", Service::Notes, Profile::Parent, b, at(8, 0, 1));
        t.record("0759999Z", Service::Notes, Profile::Eleve, a, at(8, 0, 1));
        t.record("0751234A", Service::VieScolaire, Profile::Eleve, a, at(8, 0, 1));
        let events = t.to_events();
        assert_eq!(events.len(), 5);
        let first = &events[0];
        assert_eq!((first.minute, first.service, first.profile, first.count), (at(8, 0, 0), Service::Notes, Profile::Eleve, 4));
        assert_eq!(Hll::from_base64(&first.distinct_users_hll).unwrap().estimate(), 2);
        assert_eq!(events[3].minute, at(8, 1, 0));
        assert_eq!(events[4].structure, "0759999Z");
    }

    #[test]
    fn absorbing_a_tally_adds_counts_and_merges_users() {
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let mut t = UsageTally::default();
        t.record("0751234A", Service::Directory, Profile::Enseignant, a, at(9, 0, 0));
        let mut u = UsageTally::default();
        u.record("0751234A", Service::Directory, Profile::Enseignant, a, at(9, 0, 5));
        u.record("0751234A", Service::Directory, Profile::Enseignant, b, at(9, 0, 6));
        t.absorb(u);
        let events = t.to_events();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].count, 3);
        assert_eq!(Hll::from_base64(&events[0].distinct_users_hll).unwrap().estimate(), 2);
    }

    #[test]
    fn minutes_start_on_the_minute() {
        assert_eq!(minute_of(at(7, 59, 59)), at(7, 59, 0));
        assert_eq!(minute_of(at(8, 0, 0)), at(8, 0, 0));
    }
}
