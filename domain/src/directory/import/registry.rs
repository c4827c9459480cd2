//! The structure's imports: stream `<uai>/directory-import/<uai>`, one `DirectoryImported` per
//! file processed. Its state maps external ids to the accounts the import created and manages.

use std::collections::{BTreeMap, BTreeSet};

use uuid::Uuid;

use crate::directory::events::{DirectoryImported, ImportKind};
use crate::{Aggregate, Event, StreamId};

/// State of a structure's imports.
#[derive(Debug, Clone, Default)]
pub struct ImportRegistry {
    /// The accounts the import manages, by kind and external id.
    pub people: BTreeMap<(ImportKind, String), Uuid>,
    /// The last import of each kind: its file hash and its import id.
    pub last: BTreeMap<ImportKind, (String, Uuid)>,
    /// The accounts an import deactivated (absent from its file) and none reactivated since.
    pub deactivated: BTreeSet<Uuid>,
    /// Every import's report, by import id.
    pub reports: BTreeMap<Uuid, DirectoryImported>,
}

impl ImportRegistry {
    /// The stream of structure `uai`'s imports.
    pub fn stream(uai: &str) -> StreamId {
        StreamId::new(uai, Self::TYPE, uai)
    }

    /// The account managed by the import for this kind and external id.
    pub fn person(&self, kind: ImportKind, external_id: &str) -> Option<Uuid> {
        self.people.get(&(kind, external_id.to_string())).copied()
    }

    /// The accounts of one kind the import manages, by external id.
    pub fn people_of(&self, kind: ImportKind) -> impl Iterator<Item = (&str, Uuid)> {
        self.people.iter().filter(move |((k, _), _)| *k == kind).map(|((_, id), user)| (id.as_str(), *user))
    }
}

impl Aggregate for ImportRegistry {
    const TYPE: &'static str = "directory-import";

    fn apply(&mut self, event: &Event) {
        if let Event::DirectoryImported(e) = event {
            for p in &e.created {
                self.people.insert((e.kind, p.external_id.clone()), p.user_id);
            }
            self.deactivated.extend(e.deactivated.iter().copied());
            for id in &e.reactivated {
                self.deactivated.remove(id);
            }
            self.last.insert(e.kind, (e.file_sha256.clone(), e.import_id));
            self.reports.insert(e.import_id, e.clone());
        }
    }
}
