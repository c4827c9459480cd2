//! The periods indicators are summed over: days, ISO weeks, months.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// How indicator cells are grouped in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    Day,
    Week,
    Month,
}

impl Granularity {
    /// Parses `day`, `week` or `month`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "day" => Some(Granularity::Day),
            "week" => Some(Granularity::Week),
            "month" => Some(Granularity::Month),
            _ => None,
        }
    }

    /// The period containing `date`: its label (`2026-10-05`, ISO week `2026-W41`, `2026-10`)
    /// and its first day.
    pub fn period_of(self, date: NaiveDate) -> (String, NaiveDate) {
        match self {
            Granularity::Day => (date.format("%Y-%m-%d").to_string(), date),
            Granularity::Week => {
                let week = date.iso_week();
                let monday = date - chrono::Days::new(u64::from(date.weekday().num_days_from_monday()));
                (format!("{}-W{:02}", week.year(), week.week()), monday)
            }
            Granularity::Month => (date.format("%Y-%m").to_string(), date.with_day(1).unwrap_or(date)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_are_days_iso_weeks_and_months() {
        assert_eq!(Granularity::Day.period_of(d("2026-10-07")), ("2026-10-07".into(), d("2026-10-07")));
        assert_eq!(Granularity::Week.period_of(d("2026-10-07")), ("2026-W41".into(), d("2026-10-05")));
        assert_eq!(Granularity::Week.period_of(d("2027-01-01")), ("2026-W53".into(), d("2026-12-28")), "ISO year");
        assert_eq!(Granularity::Month.period_of(d("2026-10-07")), ("2026-10".into(), d("2026-10-01")));
        assert_eq!(Granularity::parse("year"), None);
    }
}
