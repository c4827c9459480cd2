//! Times of bookings: local school time (Europe/Paris wall clock) as `NaiveDateTime`, opening
//! hours per weekday, ISO weeks.

use std::fmt;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::DomainError;

/// What a bookable resource is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    /// A room.
    Salle,
    /// A computer room.
    SalleInformatique,
    /// Equipment (a projector, a set of tablets).
    Materiel,
}

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Day {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Day {
    pub const ALL: [Day; 7] = [Day::Monday, Day::Tuesday, Day::Wednesday, Day::Thursday, Day::Friday, Day::Saturday, Day::Sunday];

    pub fn of(date: NaiveDate) -> Day {
        match date.weekday() {
            Weekday::Mon => Day::Monday,
            Weekday::Tue => Day::Tuesday,
            Weekday::Wed => Day::Wednesday,
            Weekday::Thu => Day::Thursday,
            Weekday::Fri => Day::Friday,
            Weekday::Sat => Day::Saturday,
            Weekday::Sun => Day::Sunday,
        }
    }

    /// The French name, for pages.
    pub fn french(self) -> &'static str {
        match self {
            Day::Monday => "lundi",
            Day::Tuesday => "mardi",
            Day::Wednesday => "mercredi",
            Day::Thursday => "jeudi",
            Day::Friday => "vendredi",
            Day::Saturday => "samedi",
            Day::Sunday => "dimanche",
        }
    }
}

/// A range of time in a day, `start` before `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeRange {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// The opening ranges of one weekday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpeningDay {
    pub day: Day,
    pub ranges: Vec<TimeRange>,
}

/// The opening ranges of `day` (none when it is not listed).
pub fn ranges_of(hours: &[OpeningDay], day: Day) -> impl Iterator<Item = &TimeRange> {
    hours.iter().filter(move |d| d.day == day).flat_map(|d| d.ranges.iter())
}

/// Minutes open on `day`.
pub fn open_minutes(hours: &[OpeningDay], day: Day) -> i64 {
    ranges_of(hours, day).map(|r| (r.end - r.start).num_minutes()).sum()
}

/// Checks opening hours: each weekday at most once, each range non-empty, ranges of a day not
/// overlapping. Returns them sorted by day and start.
pub fn check_opening_hours(hours: &[OpeningDay]) -> Result<Vec<OpeningDay>, DomainError> {
    let mut out: Vec<OpeningDay> = Vec::new();
    for (i, d) in hours.iter().enumerate() {
        if out.iter().any(|o| o.day == d.day) {
            return Err(DomainError::field(format!("opening_hours[{i}].day"), "this weekday is listed twice"));
        }
        let mut ranges = d.ranges.clone();
        for (j, r) in ranges.iter().enumerate() {
            if r.start >= r.end {
                return Err(DomainError::field(format!("opening_hours[{i}].ranges[{j}].end"), "a range ends after it starts"));
            }
        }
        ranges.sort_by_key(|r| r.start);
        if ranges.windows(2).any(|w| w[1].start < w[0].end) {
            return Err(DomainError::field(format!("opening_hours[{i}].ranges"), "ranges of one day overlap"));
        }
        if !ranges.is_empty() {
            out.push(OpeningDay { day: d.day, ranges });
        }
    }
    if out.is_empty() {
        return Err(DomainError::field("opening_hours", "open at least one range of one weekday"));
    }
    out.sort_by_key(|d| d.day);
    Ok(out)
}

/// One occurrence of a booking: `[from, to)`, local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Slot {
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
}

impl Slot {
    /// Two slots overlap when each starts before the other ends (touching ends do not).
    pub fn overlaps(&self, other: &Slot) -> bool {
        self.from < other.to && other.from < self.to
    }

    /// The days the slot touches (an end at midnight does not touch the next day).
    pub fn days(&self) -> Vec<NaiveDate> {
        let last = if self.to.time() == NaiveTime::MIN && self.to.date() > self.from.date() {
            self.to.date() - Duration::days(1)
        } else {
            self.to.date()
        };
        self.from.date().iter_days().take_while(|d| *d <= last).collect()
    }

    /// The ISO weeks the slot touches, in order.
    pub fn weeks(&self) -> Vec<IsoWeek> {
        let mut weeks: Vec<IsoWeek> = self.days().into_iter().map(IsoWeek::of).collect();
        weeks.dedup();
        weeks
    }

    /// The part of the slot inside `[from, to)`, in minutes.
    pub fn minutes_within(&self, from: NaiveDateTime, to: NaiveDateTime) -> i64 {
        let (a, b) = (self.from.max(from), self.to.min(to));
        if a < b { (b - a).num_minutes() } else { 0 }
    }
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from.date() == self.to.date() {
            write!(f, "{} {}–{}", self.from.date(), self.from.time().format("%H:%M"), self.to.time().format("%H:%M"))
        } else {
            write!(f, "{} – {}", self.from.format("%Y-%m-%d %H:%M"), self.to.format("%Y-%m-%d %H:%M"))
        }
    }
}

/// An ISO 8601 week (`2026-W41`): Monday to Sunday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoWeek {
    pub year: i32,
    pub week: u32,
}

impl IsoWeek {
    pub fn of(date: NaiveDate) -> Self {
        let w = date.iso_week();
        IsoWeek { year: w.year(), week: w.week() }
    }

    /// Its Monday.
    pub fn monday(self) -> Option<NaiveDate> {
        NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Mon)
    }

    /// Its seven days, Monday first.
    pub fn days(self) -> Vec<NaiveDate> {
        self.monday().map(|m| m.iter_days().take(7).collect()).unwrap_or_default()
    }

    /// The week after this one.
    pub fn next(self) -> Option<Self> {
        self.monday().map(|m| IsoWeek::of(m + Duration::days(7)))
    }

    /// The week before this one.
    pub fn previous(self) -> Option<Self> {
        self.monday().map(|m| IsoWeek::of(m - Duration::days(7)))
    }

    /// Parses `YYYY-Www` (e.g. `2026-W41`).
    pub fn parse(s: &str) -> Option<Self> {
        let (y, w) = s.split_once("-W")?;
        let (year, week) = (y.parse().ok()?, w.parse().ok()?);
        let parsed = IsoWeek { year, week };
        parsed.monday().map(|_| parsed)
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> NaiveDateTime {
        s.parse().unwrap()
    }

    #[test]
    fn iso_week_round_trips_and_crosses_years() {
        let w = IsoWeek::of("2026-12-31".parse().unwrap());
        assert_eq!(w.to_string(), "2026-W53");
        assert_eq!(IsoWeek::parse("2026-W53"), Some(w));
        assert_eq!(w.next().map(|n| n.to_string()), Some("2027-W01".into()));
        assert_eq!(IsoWeek::parse("2026-W54"), None);
        assert_eq!(IsoWeek::parse("2026-41"), None);
    }

    #[test]
    fn touching_slots_do_not_overlap() {
        let a = Slot { from: dt("2026-10-05T08:00:00"), to: dt("2026-10-05T09:00:00") };
        let b = Slot { from: dt("2026-10-05T09:00:00"), to: dt("2026-10-05T10:00:00") };
        let c = Slot { from: dt("2026-10-05T08:59:00"), to: dt("2026-10-05T09:30:00") };
        assert!(!a.overlaps(&b) && !b.overlaps(&a));
        assert!(a.overlaps(&c) && c.overlaps(&b));
    }

    #[test]
    fn a_slot_over_a_weekend_touches_two_weeks() {
        let s = Slot { from: dt("2026-10-09T16:00:00"), to: dt("2026-10-12T08:00:00") };
        assert_eq!(s.weeks().iter().map(ToString::to_string).collect::<Vec<_>>(), ["2026-W41", "2026-W42"]);
        let midnight = Slot { from: dt("2026-10-11T20:00:00"), to: dt("2026-10-12T00:00:00") };
        assert_eq!(midnight.weeks().len(), 1);
    }

    #[test]
    fn opening_hours_refuse_overlapping_or_empty_ranges() {
        let t = |s: &str| s.parse::<NaiveTime>().unwrap();
        let day = |ranges: Vec<TimeRange>| vec![OpeningDay { day: Day::Monday, ranges }];
        assert!(check_opening_hours(&day(vec![TimeRange { start: t("10:00"), end: t("09:00") }])).is_err());
        assert!(
            check_opening_hours(&day(vec![
                TimeRange { start: t("08:00"), end: t("12:00") },
                TimeRange { start: t("11:00"), end: t("13:00") }
            ]))
            .is_err()
        );
        assert!(check_opening_hours(&[]).is_err());
        let ok = check_opening_hours(&day(vec![
            TimeRange { start: t("13:30"), end: t("17:30") },
            TimeRange { start: t("08:00"), end: t("12:00") },
        ]))
        .unwrap();
        assert_eq!(ok[0].ranges[0].start, t("08:00"));
        assert_eq!(open_minutes(&ok, Day::Monday), 480);
    }
}
