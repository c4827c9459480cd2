//! Per-structure settings of the vie scolaire (half-day boundary).

use chrono::NaiveTime;

use super::absences::default_boundary;
use super::commands::SetHalfDayBoundary;
use super::events::HalfDayBoundarySet;
use crate::{Aggregate, DomainError, Event, StreamId};

/// Settings of one structure.
#[derive(Debug, Clone, Default)]
pub struct VieScolaireSettings {
    pub boundary: Option<NaiveTime>,
}

impl VieScolaireSettings {
    pub fn stream(uai: &str) -> StreamId {
        StreamId::new(uai, Self::TYPE, uai)
    }

    /// The boundary in force (12:00 unless set).
    pub fn boundary(&self) -> NaiveTime {
        self.boundary.unwrap_or_else(default_boundary)
    }
}

impl Aggregate for VieScolaireSettings {
    const TYPE: &'static str = "vie-scolaire";

    fn apply(&mut self, event: &Event) {
        if let Event::HalfDayBoundarySet(e) = event {
            self.boundary = Some(e.boundary);
        }
    }
}

/// `SetHalfDayBoundary`: between 10:00 and 15:00.
pub fn set_half_day_boundary(uai: &str, cmd: &SetHalfDayBoundary) -> Result<Vec<Event>, DomainError> {
    let (lo, hi) = (NaiveTime::from_hms_opt(10, 0, 0), NaiveTime::from_hms_opt(15, 0, 0));
    if lo.is_some_and(|lo| cmd.boundary < lo) || hi.is_some_and(|hi| cmd.boundary > hi) {
        return Err(DomainError::field("boundary", "between 10:00 and 15:00"));
    }
    Ok(vec![Event::HalfDayBoundarySet(HalfDayBoundarySet { structure: uai.to_string(), boundary: cmd.boundary })])
}
