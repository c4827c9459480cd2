//! The structure's closed days in the directory read model (`closed-days/<uai>`), and who reads
//! them: every member of the structure (the agenda and the booking pages show them).

use chrono::NaiveDate;
use ent_domain::Actor;
use ent_domain::directory::calendar::{ClosedDaysDeclared, ClosedDaysWithdrawn};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::docs::DocView;
use crate::error::{ApplyError, QueryError};
use crate::source::{StoreSource, get_as};
use crate::store::ReadModelStore;

pub(crate) const CLOSED_DAYS: &str = "closed-days";

/// One declared range of closed days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClosedDaysEntry {
    pub id: Uuid,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub label: String,
}

/// `closed-days/<uai>`: the structure's closed days, in date order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClosedDaysDoc {
    pub structure: String,
    pub days: Vec<ClosedDaysEntry>,
}

impl ClosedDaysDoc {
    /// The range `day` falls in, if any.
    pub fn on(&self, day: NaiveDate) -> Option<&ClosedDaysEntry> {
        self.days.iter().find(|d| d.from <= day && day <= d.to)
    }
}

pub(crate) fn closed_days_declared(view: &mut DocView<'_>, e: &ClosedDaysDeclared) -> Result<(), ApplyError> {
    let mut doc = view.get_as::<ClosedDaysDoc>(CLOSED_DAYS, &e.structure)?.unwrap_or_default();
    doc.structure = e.structure.clone();
    doc.days.retain(|d| d.id != e.closed_days_id);
    doc.days.push(ClosedDaysEntry { id: e.closed_days_id, from: e.from, to: e.to, label: e.label.clone() });
    doc.days.sort_by_key(|d| (d.from, d.to, d.id));
    view.put(CLOSED_DAYS, &e.structure, &doc)
}

pub(crate) fn closed_days_withdrawn(view: &mut DocView<'_>, e: &ClosedDaysWithdrawn) -> Result<(), ApplyError> {
    view.update(CLOSED_DAYS, &e.structure, |doc: &mut ClosedDaysDoc| doc.days.retain(|d| d.id != e.closed_days_id))
}

/// The closed days of a structure, without checking who reads (for other read models' queries).
pub async fn closed_days_of(store: &dyn ReadModelStore, uai: &str) -> Result<ClosedDaysDoc, QueryError> {
    let dir = StoreSource { store, projection: super::NAME };
    Ok(get_as::<ClosedDaysDoc>(&dir, CLOSED_DAYS, uai)
        .await?
        .unwrap_or_else(|| ClosedDaysDoc { structure: uai.to_string(), days: Vec::new() }))
}

/// The closed days of a structure, for its members (anyone else: not found).
pub async fn closed_days(store: &dyn ReadModelStore, actor: &Actor, uai: &str) -> Result<ClosedDaysDoc, QueryError> {
    let uai = uai.to_ascii_uppercase();
    if !actor.belongs_to(&uai) {
        return Err(QueryError::not_found("structure"));
    }
    let dir = StoreSource { store, projection: super::NAME };
    if get_as::<super::StructureTree>(&dir, super::fold::STRUCTURES, &uai).await?.is_none() {
        return Err(QueryError::not_found("structure"));
    }
    closed_days_of(store, &uai).await
}
