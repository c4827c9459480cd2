//! Absences counted in half-days (demi-journées), their status given the justifications, and the
//! absenteeism rule of article L131-8 of the Code de l'éducation.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::commands::RecordAbsence;
use super::events::AbsenceRecorded;
use super::types::Half;
use crate::directory::{Profile, UserState};
use crate::{DomainError, Event, StreamId};

/// Missed unjustified half-days in one calendar month from which a pupil is reported.
pub const ABSENTEEISM_THRESHOLD: usize = 4;

/// The stream of the absences the vie scolaire records outside roll calls, one per pupil.
pub fn pupil_absences_stream(uai: &str, pupil: Uuid) -> StreamId {
    StreamId::new(uai, "pupil-absences", pupil.to_string())
}

/// `RecordAbsence`: the vie scolaire records a pupil absent for one or both halves of a day
/// (docs/domain.md, "Vie scolaire"). Only a pupil can be absent; no halves named means the
/// whole day; the halves are kept sorted and once each.
pub fn record_absence(pupil: &UserState, cmd: &RecordAbsence, absence_id: Uuid, recorded_by: Uuid) -> Result<Vec<Event>, DomainError> {
    if pupil.profile != Some(Profile::Eleve) {
        return Err(DomainError::field("pupil", "not a pupil"));
    }
    let mut halves = cmd.halves.clone().unwrap_or_else(|| vec![Half::Am, Half::Pm]);
    halves.sort();
    halves.dedup();
    if halves.is_empty() {
        return Err(DomainError::field("halves", "at least one half-day"));
    }
    Ok(vec![Event::AbsenceRecorded(AbsenceRecorded {
        absence_id,
        pupil: cmd.pupil,
        structure: pupil.structure.clone(),
        date: cmd.date,
        halves,
        recorded_by,
    })])
}

/// The default time separating morning and afternoon.
pub fn default_boundary() -> NaiveTime {
    NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN)
}

/// The half-day a lesson starting at `start` belongs to.
pub fn half_of(start: NaiveTime, boundary: NaiveTime) -> Half {
    if start < boundary { Half::Am } else { Half::Pm }
}

/// The time range of a half-day: `[start, end)`.
pub fn half_day_range(date: NaiveDate, half: Half, boundary: NaiveTime) -> (NaiveDateTime, NaiveDateTime) {
    let midnight = date.and_time(NaiveTime::MIN);
    let split = date.and_time(boundary);
    match half {
        Half::Am => (midnight, split),
        Half::Pm => (split, midnight + chrono::Duration::days(1)),
    }
}

/// Where a justification stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum JustificationState {
    Pending,
    Accepted,
    Refused,
}

/// A justification as the absence computation needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct JustificationFact {
    pub id: Uuid,
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
    pub state: JustificationState,
}

/// Status of a missed half-day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HalfDayStatus {
    /// No justification covers it.
    Unjustified,
    /// A justification was sent and awaits the CPE.
    Pending,
    /// A justification was accepted.
    Justified,
    /// The only justifications covering it were refused.
    Refused,
}

impl HalfDayStatus {
    /// Counts towards the L131-8 report: unjustified or refused. A pending justification is an
    /// excuse given by the family and does not count until the CPE refuses it.
    pub fn counts_for_absenteeism(self) -> bool {
        matches!(self, HalfDayStatus::Unjustified | HalfDayStatus::Refused)
    }
}

/// A lesson the pupil missed (marked absent, after amendments).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MissedLesson {
    pub lesson_id: Uuid,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// One missed half-day with its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MissedHalfDay {
    pub date: NaiveDate,
    pub half: Half,
    /// The lessons missed in it (empty when recorded for the whole half-day by the CPE).
    pub lessons: Vec<Uuid>,
    pub status: HalfDayStatus,
    /// The justification that decides the status, if any.
    pub justification: Option<Uuid>,
}

/// The missed half-days of a pupil: a half-day is missed when the pupil was absent from at least
/// one of its lessons, or when the CPE recorded it. Sorted by date and half.
pub fn missed_half_days(
    lessons: &[MissedLesson],
    recorded: &[(NaiveDate, Half)],
    justifications: &[JustificationFact],
    boundary: NaiveTime,
) -> Vec<MissedHalfDay> {
    let mut halves: BTreeMap<(NaiveDate, Half), Vec<Uuid>> = BTreeMap::new();
    for l in lessons {
        halves.entry((l.date, half_of(l.start, boundary))).or_default().push(l.lesson_id);
    }
    for (date, half) in recorded {
        halves.entry((*date, *half)).or_default();
    }
    halves
        .into_iter()
        .map(|((date, half), lessons)| {
            let (start, end) = half_day_range(date, half, boundary);
            let covering: Vec<&JustificationFact> = justifications.iter().filter(|j| j.from < end && j.to > start).collect();
            let pick = |state| covering.iter().find(|j| j.state == state).map(|j| j.id);
            let (status, justification) = if let Some(id) = pick(JustificationState::Accepted) {
                (HalfDayStatus::Justified, Some(id))
            } else if let Some(id) = pick(JustificationState::Pending) {
                (HalfDayStatus::Pending, Some(id))
            } else if let Some(id) = pick(JustificationState::Refused) {
                (HalfDayStatus::Refused, Some(id))
            } else {
                (HalfDayStatus::Unjustified, None)
            };
            MissedHalfDay { date, half, lessons, status, justification }
        })
        .collect()
}

/// L131-8: the half-days of `month` (year, month) that count, when there are at least
/// [`ABSENTEEISM_THRESHOLD`] of them; `None` when the pupil is not to be reported.
pub fn absenteeism_alert(half_days: &[MissedHalfDay], year: i32, month: u32) -> Option<Vec<MissedHalfDay>> {
    let counted: Vec<MissedHalfDay> = half_days
        .iter()
        .filter(|h| h.date.year() == year && h.date.month() == month && h.status.counts_for_absenteeism())
        .cloned()
        .collect();
    (counted.len() >= ABSENTEEISM_THRESHOLD).then_some(counted)
}

#[cfg(test)]
mod tests {

    fn person(profile: Profile) -> UserState {
        UserState { user_id: Uuid::new_v4(), structure: "0751234A".into(), profile: Some(profile), active: true, ..UserState::default() }
    }

    #[test]
    fn an_absence_is_recorded_for_both_halves_unless_named_sorted_and_once_each() {
        let pupil = person(Profile::Eleve);
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
        let cmd = RecordAbsence { pupil: pupil.user_id, date: day, halves: None };
        let events = record_absence(&pupil, &cmd, Uuid::new_v4(), Uuid::new_v4()).expect("recorded");
        let Event::AbsenceRecorded(e) = &events[0] else { panic!("{events:?}") };
        assert_eq!(e.halves, vec![Half::Am, Half::Pm]);
        assert_eq!(e.structure, "0751234A");
        let cmd = RecordAbsence { pupil: pupil.user_id, date: day, halves: Some(vec![Half::Pm, Half::Am, Half::Pm]) };
        let events = record_absence(&pupil, &cmd, Uuid::new_v4(), Uuid::new_v4()).expect("recorded");
        let Event::AbsenceRecorded(e) = &events[0] else { panic!("{events:?}") };
        assert_eq!(e.halves, vec![Half::Am, Half::Pm]);
    }

    #[test]
    fn only_a_pupil_is_recorded_absent_and_for_at_least_one_half() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
        let teacher = person(Profile::Enseignant);
        let cmd = RecordAbsence { pupil: teacher.user_id, date: day, halves: None };
        assert!(
            matches!(record_absence(&teacher, &cmd, Uuid::new_v4(), Uuid::new_v4()), Err(DomainError::InvalidField { field, .. }) if field == "pupil")
        );
        let pupil = person(Profile::Eleve);
        let cmd = RecordAbsence { pupil: pupil.user_id, date: day, halves: Some(vec![]) };
        assert!(
            matches!(record_absence(&pupil, &cmd, Uuid::new_v4(), Uuid::new_v4()), Err(DomainError::InvalidField { field, .. }) if field == "halves")
        );
    }

    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }
    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }
    fn lesson(date: &str, h: u32) -> MissedLesson {
        MissedLesson { lesson_id: Uuid::new_v4(), date: d(date), start: t(h, 0), end: t(h + 1, 0) }
    }
    fn justification(from: &str, to: &str, state: JustificationState) -> JustificationFact {
        JustificationFact { id: Uuid::new_v4(), from: from.parse().unwrap(), to: to.parse().unwrap(), state }
    }

    #[test]
    fn absent_from_any_lesson_of_a_half_day_misses_that_half_day() {
        let lessons = [lesson("2026-10-05", 8), lesson("2026-10-05", 10), lesson("2026-10-05", 14)];
        let days = missed_half_days(&lessons, &[], &[], default_boundary());
        assert_eq!(days.len(), 2, "two lessons of the morning make one half-day");
        assert_eq!((days[0].half, days[0].lessons.len()), (Half::Am, 2));
        assert_eq!(days[1].half, Half::Pm);
    }

    #[test]
    fn half_day_boundary_is_configurable() {
        let lessons = [lesson("2026-10-05", 12)];
        assert_eq!(missed_half_days(&lessons, &[], &[], default_boundary())[0].half, Half::Pm);
        assert_eq!(missed_half_days(&lessons, &[], &[], t(12, 30))[0].half, Half::Am);
    }

    #[test]
    fn recorded_whole_day_counts_two_half_days_once() {
        let lessons = [lesson("2026-10-05", 8)];
        let days = missed_half_days(&lessons, &[(d("2026-10-05"), Half::Am), (d("2026-10-05"), Half::Pm)], &[], default_boundary());
        assert_eq!(days.len(), 2);
    }

    #[test]
    fn justification_status_decides_the_half_day_status() {
        let lessons = [lesson("2026-10-05", 8), lesson("2026-10-05", 14)];
        let morning_pending = justification("2026-10-05T07:00:00", "2026-10-05T11:00:00", JustificationState::Pending);
        let days = missed_half_days(&lessons, &[], std::slice::from_ref(&morning_pending), default_boundary());
        assert_eq!((days[0].status, days[1].status), (HalfDayStatus::Pending, HalfDayStatus::Unjustified));
        let refused = JustificationFact { state: JustificationState::Refused, ..morning_pending.clone() };
        assert_eq!(missed_half_days(&lessons, &[], std::slice::from_ref(&refused), default_boundary())[0].status, HalfDayStatus::Refused);
        let accepted = justification("2026-10-05T00:00:00", "2026-10-06T00:00:00", JustificationState::Accepted);
        let days = missed_half_days(&lessons, &[], &[refused, accepted], default_boundary());
        assert!(days.iter().all(|h| h.status == HalfDayStatus::Justified));
    }

    fn four_mornings() -> Vec<MissedLesson> {
        ["2026-10-05", "2026-10-06", "2026-10-07", "2026-10-08"].iter().map(|x| lesson(x, 8)).collect()
    }

    #[test]
    fn absence_of_four_unjustified_half_days_raises_alert() {
        let days = missed_half_days(&four_mornings(), &[], &[], default_boundary());
        assert_eq!(absenteeism_alert(&days, 2026, 10).map(|v| v.len()), Some(4));
        assert_eq!(absenteeism_alert(&days[..3], 2026, 10), None, "three are not enough");
        assert_eq!(absenteeism_alert(&days, 2026, 11), None, "another month");
    }

    #[test]
    fn justified_half_days_do_not_raise_the_alert() {
        let j = justification("2026-10-08T00:00:00", "2026-10-09T00:00:00", JustificationState::Accepted);
        let days = missed_half_days(&four_mornings(), &[], &[j], default_boundary());
        assert_eq!(absenteeism_alert(&days, 2026, 10), None);
        let pending = justification("2026-10-08T00:00:00", "2026-10-09T00:00:00", JustificationState::Pending);
        assert_eq!(absenteeism_alert(&missed_half_days(&four_mornings(), &[], &[pending], default_boundary()), 2026, 10), None);
    }

    #[test]
    fn refused_justification_counts_as_unjustified_for_the_alert() {
        let j = justification("2026-10-08T00:00:00", "2026-10-09T00:00:00", JustificationState::Refused);
        let days = missed_half_days(&four_mornings(), &[], &[j], default_boundary());
        assert_eq!(absenteeism_alert(&days, 2026, 10).map(|v| v.len()), Some(4));
    }

    #[test]
    fn the_alert_counts_one_calendar_month() {
        let lessons: Vec<_> = ["2026-09-29", "2026-09-30", "2026-10-01", "2026-10-02"].iter().map(|x| lesson(x, 8)).collect();
        let days = missed_half_days(&lessons, &[], &[], default_boundary());
        assert_eq!(absenteeism_alert(&days, 2026, 9), None);
        assert_eq!(absenteeism_alert(&days, 2026, 10), None);
    }
}
