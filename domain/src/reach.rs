//! The classes and groups a user reaches through pupils: their own as a pupil, their children's
//! as a parent. Handlers and queries compute it (from the directory) and the communication
//! services' rules read it (docs/domain.md, "Forums, blogs and news").

use std::collections::BTreeSet;

use uuid::Uuid;

/// The classes and groups of a pupil, or of a parent's children.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reach {
    pub classes: BTreeSet<Uuid>,
    pub groups: BTreeSet<Uuid>,
}

impl Reach {
    /// Whether one of these classes or groups is `class_or_group`.
    pub fn includes(&self, class_or_group: Uuid) -> bool {
        self.classes.contains(&class_or_group) || self.groups.contains(&class_or_group)
    }
}
