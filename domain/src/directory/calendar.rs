//! The structure's closed days: holidays and other days the établissement is closed, declared by
//! its ADMLs or direction (docs/domain.md, "Closed days"). They live on the structure aggregate,
//! so every rule that loads the structure (bookings, the agenda) sees them.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::structure::StructureState;
use super::types::validate_text;
use crate::{DomainError, Event};

/// Longest closed range accepted, in days (a whole summer holiday fits).
pub const MAX_CLOSED_RANGE_DAYS: i64 = 120;
/// Most ranges declared by one command.
pub const MAX_RANGES_PER_DECLARATION: usize = 50;

/// One range of closed days, both ends included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosedRange {
    /// First closed day.
    pub from: NaiveDate,
    /// Last closed day (on or after `from`).
    pub to: NaiveDate,
    /// What the closure is, e.g. `Vacances de la Toussaint`.
    pub label: String,
}

/// Declare days the structure is closed (holidays, bridges, exam days). ADMLs and direction.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclareClosedDays {
    pub structure: String,
    /// The ranges, none overlapping another one of the structure.
    pub days: Vec<ClosedRange>,
}

/// Withdraw a declared range of closed days.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawClosedDays {
    pub structure: String,
    /// The id of the range, as returned by `DeclareClosedDays` (`closed_days_id`).
    pub closed_days: Uuid,
}

/// A range of closed days was declared. Stream: the structure's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ClosedDaysDeclared {
    pub structure: String,
    pub closed_days_id: Uuid,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub label: String,
}

/// A declared range of closed days was withdrawn. Stream: the structure's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ClosedDaysWithdrawn {
    pub structure: String,
    pub closed_days_id: Uuid,
}

/// A declared range as the structure holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedDays {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub label: String,
}

impl ClosedDays {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }
}

/// Folds a closed-days event into the structure's state (called from its `apply`).
pub(crate) fn apply(state: &mut StructureState, event: &Event) {
    match event {
        Event::ClosedDaysDeclared(e) => {
            state.closed_days.insert(e.closed_days_id, ClosedDays { from: e.from, to: e.to, label: e.label.clone() });
        }
        Event::ClosedDaysWithdrawn(e) => {
            state.closed_days.remove(&e.closed_days_id);
        }
        _ => {}
    }
}

impl StructureState {
    /// The declared closure `day` falls in, if any.
    pub fn closed_on(&self, day: NaiveDate) -> Option<&ClosedDays> {
        self.closed_days.values().find(|c| c.contains(day))
    }
}

/// `DeclareClosedDays`: at least one range; each ends on or after it starts, spans at most
/// [`MAX_CLOSED_RANGE_DAYS`] days, has a label, and overlaps neither another range of the command
/// nor one already declared. `ids[i]` is the id of range `i`.
pub fn declare_closed_days(state: &StructureState, cmd: &DeclareClosedDays, ids: &[Uuid]) -> Result<Vec<Event>, DomainError> {
    if !state.exists() {
        return Err(DomainError::NotFound("structure".into()));
    }
    if cmd.days.is_empty() {
        return Err(DomainError::field("days", "declare at least one range"));
    }
    if cmd.days.len() > MAX_RANGES_PER_DECLARATION || ids.len() < cmd.days.len() {
        return Err(DomainError::field("days", format!("at most {MAX_RANGES_PER_DECLARATION} ranges at once")));
    }
    let mut events = Vec::with_capacity(cmd.days.len());
    let mut accepted: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for (i, (range, id)) in cmd.days.iter().zip(ids).enumerate() {
        if range.to < range.from {
            return Err(DomainError::field(format!("days[{i}].to"), "ends before it starts"));
        }
        if (range.to - range.from).num_days() >= MAX_CLOSED_RANGE_DAYS {
            return Err(DomainError::field(format!("days[{i}]"), format!("at most {MAX_CLOSED_RANGE_DAYS} days in one range")));
        }
        let label = validate_text(&format!("days[{i}].label"), &range.label, 200)?;
        if let Some(existing) = state.closed_days.values().find(|c| c.from <= range.to && range.from <= c.to) {
            return Err(DomainError::field(
                format!("days[{i}]"),
                format!("overlaps the closed days already declared: {} ({} – {})", existing.label, existing.from, existing.to),
            ));
        }
        if accepted.iter().any(|(f, t)| *f <= range.to && range.from <= *t) {
            return Err(DomainError::field(format!("days[{i}]"), "overlaps another range of this declaration"));
        }
        accepted.push((range.from, range.to));
        events.push(Event::ClosedDaysDeclared(ClosedDaysDeclared {
            structure: state.uai.clone(),
            closed_days_id: *id,
            from: range.from,
            to: range.to,
            label,
        }));
    }
    Ok(events)
}

/// `WithdrawClosedDays`: a range the structure has declared (and not withdrawn yet).
pub fn withdraw_closed_days(state: &StructureState, cmd: &WithdrawClosedDays) -> Result<Vec<Event>, DomainError> {
    if !state.exists() {
        return Err(DomainError::NotFound("structure".into()));
    }
    if !state.closed_days.contains_key(&cmd.closed_days) {
        return Err(DomainError::NotFound("closed_days".into()));
    }
    Ok(vec![Event::ClosedDaysWithdrawn(ClosedDaysWithdrawn { structure: state.uai.clone(), closed_days_id: cmd.closed_days })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Aggregate;
    use crate::notes::fixtures::{d, fixture};

    fn declare(from: &str, to: &str, label: &str) -> DeclareClosedDays {
        DeclareClosedDays { structure: "0751234A".into(), days: vec![ClosedRange { from: d(from), to: d(to), label: label.into() }] }
    }

    #[test]
    fn declared_closed_days_are_folded_into_the_structure() {
        let f = fixture();
        let id = Uuid::new_v4();
        let events = declare_closed_days(&f.structure, &declare("2026-10-17", "2026-11-01", "Toussaint"), &[id]).unwrap();
        let s = f.structure.clone().evolve(&events[0]);
        assert_eq!(s.closed_on(d("2026-10-20")).map(|c| c.label.as_str()), Some("Toussaint"));
        assert!(s.closed_on(d("2026-11-02")).is_none());
        let withdrawn = withdraw_closed_days(&s, &WithdrawClosedDays { structure: s.uai.clone(), closed_days: id }).unwrap();
        let s = s.evolve(&withdrawn[0]);
        assert!(s.closed_on(d("2026-10-20")).is_none());
        assert!(withdraw_closed_days(&s, &WithdrawClosedDays { structure: s.uai.clone(), closed_days: id }).is_err());
    }

    #[test]
    fn closed_range_must_end_on_or_after_it_starts() {
        let f = fixture();
        let err = declare_closed_days(&f.structure, &declare("2026-11-02", "2026-11-01", "x"), &[Uuid::new_v4()]).unwrap_err();
        assert!(matches!(err, DomainError::InvalidField { field, .. } if field == "days[0].to"));
        assert!(declare_closed_days(&f.structure, &declare("2026-11-11", "2026-11-11", "Armistice"), &[Uuid::new_v4()]).is_ok());
    }

    #[test]
    fn closed_ranges_may_not_overlap() {
        let f = fixture();
        let events = declare_closed_days(&f.structure, &declare("2026-12-19", "2027-01-03", "Noël"), &[Uuid::new_v4()]).unwrap();
        let s = f.structure.clone().evolve(&events[0]);
        let err = declare_closed_days(&s, &declare("2027-01-01", "2027-01-01", "Jour de l'an"), &[Uuid::new_v4()]).unwrap_err();
        assert!(matches!(err, DomainError::InvalidField { field, message } if field == "days[0]" && message.contains("Noël")));
        let mut both = declare("2027-02-10", "2027-02-20", "Hiver");
        both.days.push(ClosedRange { from: d("2027-02-20"), to: d("2027-02-25"), label: "Hiver bis".into() });
        assert!(declare_closed_days(&s, &both, &[Uuid::new_v4(), Uuid::new_v4()]).is_err());
    }

    #[test]
    fn closed_range_needs_a_label_and_a_bounded_length() {
        let f = fixture();
        assert!(declare_closed_days(&f.structure, &declare("2026-11-01", "2026-11-01", "  "), &[Uuid::new_v4()]).is_err());
        assert!(declare_closed_days(&f.structure, &declare("2026-01-01", "2026-12-31", "Année"), &[Uuid::new_v4()]).is_err());
        let empty = DeclareClosedDays { structure: "0751234A".into(), days: vec![] };
        assert!(declare_closed_days(&f.structure, &empty, &[]).is_err());
    }
}
