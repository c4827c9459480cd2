//! The time range of a personal agenda read (`GET /api/v1/agenda?from&to`): whole days, local
//! (Europe/Paris), `to` included, at most [`MAX_RANGE_DAYS`] days, so one read stays small.

use chrono::NaiveDate;

use crate::DomainError;

/// Longest range of one agenda read (a school term and a bit).
pub const MAX_RANGE_DAYS: i64 = 100;

/// Years an agenda read may start in (dates far outside are mistakes, not school years).
pub const YEARS: std::ops::RangeInclusive<i32> = 1970..=2200;

/// The days of an agenda read: `from` to `to` included (default: the week from `from`), `to` not
/// before `from`, at most [`MAX_RANGE_DAYS`] days, `from` in one of [`YEARS`].
pub fn agenda_range(from: NaiveDate, to: Option<NaiveDate>) -> Result<(NaiveDate, NaiveDate), DomainError> {
    use chrono::Datelike;
    if !YEARS.contains(&from.year()) {
        return Err(DomainError::field("from", format!("a year from {} to {}", YEARS.start(), YEARS.end())));
    }
    let to = to.unwrap_or(from + chrono::Duration::days(6));
    if to < from {
        return Err(DomainError::field("to", "the range ends on or after its first day"));
    }
    if (to - from).num_days() + 1 > MAX_RANGE_DAYS {
        return Err(DomainError::field("to", format!("at most {MAX_RANGE_DAYS} days at once")));
    }
    Ok((from, to))
}

/// The months (`YYYY-MM`) a range of days touches, in order.
pub fn months_of(from: NaiveDate, to: NaiveDate) -> Vec<String> {
    use chrono::Datelike;
    let mut months = Vec::new();
    let (mut y, mut m) = (from.year(), from.month());
    while (y, m) <= (to.year(), to.month()) {
        months.push(format!("{y:04}-{m:02}"));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    months
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn agenda_range_ends_on_or_after_its_start_and_is_bounded() {
        assert!(agenda_range(d("2026-10-05"), Some(d("2026-10-05"))).is_ok());
        assert!(
            matches!(agenda_range(d("2026-10-05"), Some(d("2026-10-04"))), Err(DomainError::InvalidField { field, .. }) if field == "to")
        );
        assert!(agenda_range(d("2026-09-01"), Some(d("2026-12-09"))).is_ok());
        assert!(agenda_range(d("2026-09-01"), Some(d("2026-12-10"))).is_err());
        assert_eq!(agenda_range(d("2026-10-05"), None), Ok((d("2026-10-05"), d("2026-10-11"))));
        assert!(matches!(agenda_range(NaiveDate::MAX, None), Err(DomainError::InvalidField { field, .. }) if field == "from"));
    }

    #[test]
    fn months_of_a_range_cross_the_year() {
        assert_eq!(months_of(d("2026-12-28"), d("2027-01-03")), vec!["2026-12", "2027-01"]);
        assert_eq!(months_of(d("2026-10-05"), d("2026-10-11")), vec!["2026-10"]);
    }

    proptest! {
        /// Every day of the range lies in one of its months, and the months are distinct.
        #[test]
        fn every_day_of_a_range_is_in_one_of_its_months(start in 0i64..2000, len in 0i64..100) {
            let from = d("2025-01-01") + chrono::Duration::days(start);
            let to = from + chrono::Duration::days(len);
            let months = months_of(from, to);
            let mut day = from;
            while day <= to {
                prop_assert!(months.contains(&day.format("%Y-%m").to_string()));
                day += chrono::Duration::days(1);
            }
            let mut unique = months.clone();
            unique.dedup();
            prop_assert_eq!(unique.len(), months.len());
        }
    }
}
