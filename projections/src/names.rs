//! Display names, joined at read time from the directory read model.
//!
//! Read models of the other services keep ids only (a grade cell stays compact, see
//! docs/benchmarks.md); queries fill in the names next to the ids from the directory's documents:
//! the structure tree (subjects, classes, groups, periods) and user cards (people). Names are
//! thus never copied into another service's documents, so a rename only has to reach the
//! directory's documents to show everywhere, and rebuilds of the other read models are unaffected.

use std::collections::HashMap;

use uuid::Uuid;

use crate::directory::{ClassRoster, StructureTree, UserCard};
use crate::error::QueryError;
use crate::source::{StoreSource, get_as};
use crate::store::ReadModelStore;

/// The display name of a person: first name and last name.
pub fn person_name(first_name: &str, last_name: &str) -> String {
    format!("{first_name} {last_name}")
}

/// The names of one structure and of the people a query shows.
#[derive(Debug, Default)]
pub struct Names {
    tree: Option<StructureTree>,
    people: HashMap<Uuid, String>,
}

impl Names {
    /// Loads the structure tree of `uai` and the names of `people` (unknown ids are left out).
    pub async fn load(store: &dyn ReadModelStore, uai: &str, people: impl IntoIterator<Item = Uuid>) -> Result<Self, QueryError> {
        let dir = StoreSource { store, projection: crate::directory::NAME };
        let tree = get_as::<StructureTree>(&dir, "structure", uai).await?;
        let mut names = Names { tree, people: HashMap::new() };
        names.add_people(store, people).await?;
        Ok(names)
    }

    /// Adds the names of `people` not known yet, reading their cards concurrently.
    pub async fn add_people(&mut self, store: &dyn ReadModelStore, people: impl IntoIterator<Item = Uuid>) -> Result<(), QueryError> {
        let dir = StoreSource { store, projection: crate::directory::NAME };
        let mut wanted: Vec<Uuid> = people.into_iter().filter(|id| !self.people.contains_key(id)).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let keys: Vec<String> = wanted.iter().map(Uuid::to_string).collect();
        let cards = futures::future::try_join_all(keys.iter().map(|key| get_as::<UserCard>(&dir, "user", key))).await?;
        for card in cards.into_iter().flatten() {
            self.people.insert(card.id, person_name(&card.first_name, &card.last_name));
        }
        Ok(())
    }

    /// Adds the members of a roster (one document for a whole class).
    pub fn add_roster(&mut self, roster: &ClassRoster) {
        for m in &roster.members {
            self.people.entry(m.id).or_insert_with(|| person_name(&m.first_name, &m.last_name));
        }
    }

    /// The structure tree, when it is known.
    pub fn tree(&self) -> Option<&StructureTree> {
        self.tree.as_ref()
    }

    /// The name of the structure.
    pub fn structure(&self) -> Option<String> {
        self.tree.as_ref().map(|t| t.name.clone())
    }

    /// The name of a subject.
    pub fn subject(&self, id: Uuid) -> Option<String> {
        self.tree.as_ref()?.subjects.iter().find(|s| s.id == id).map(|s| s.name.clone())
    }

    /// The name of a class (its code, e.g. `6A`) or of a group (its name, e.g. `Latin`).
    pub fn class_or_group(&self, id: Uuid) -> Option<String> {
        let tree = self.tree.as_ref()?;
        tree.classes
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.code.clone())
            .or_else(|| tree.groups.iter().find(|g| g.id == id).map(|g| g.name.clone()))
    }

    /// The name of a period (e.g. `Trimestre 1`).
    pub fn period(&self, id: Uuid) -> Option<String> {
        self.tree.as_ref()?.periods.values().flat_map(|y| y.periods.iter()).find(|p| p.period_id == id).map(|p| p.name.clone())
    }

    /// The display name of a person.
    pub fn person(&self, id: Uuid) -> Option<String> {
        self.people.get(&id).cloned()
    }

    /// The display name of a person given as the actor id of an event (`system` has none).
    pub fn actor(&self, id: &str) -> Option<String> {
        Uuid::parse_str(id).ok().and_then(|id| self.person(id))
    }
}

/// The people ids among actor ids (events' `actor`: a user id or `system`).
pub fn actor_ids<'a>(actors: impl IntoIterator<Item = &'a str>) -> Vec<Uuid> {
    actors.into_iter().filter_map(|a| Uuid::parse_str(a).ok()).collect()
}
