//! The documents of the directory read model.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use ent_domain::directory::events::Period;
use ent_domain::directory::{Level, PeriodKind, Profile, Role, StructureKind};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A structure with its classes, groups, subjects and periods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StructureTree {
    pub uai: String,
    pub name: String,
    pub kind: StructureKind,
    pub classes: Vec<ClassSummary>,
    pub groups: Vec<GroupSummary>,
    pub subjects: Vec<SubjectSummary>,
    /// Periods by school year.
    pub periods: BTreeMap<String, SchoolYearPeriods>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClassSummary {
    pub id: Uuid,
    pub code: String,
    pub level: Level,
    pub pupils: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GroupSummary {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub members: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SubjectSummary {
    pub id: Uuid,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SchoolYearPeriods {
    pub kind: PeriodKind,
    pub periods: Vec<Period>,
}

/// The members of a class or group, sorted by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClassRoster {
    pub id: Uuid,
    pub structure: String,
    pub code: String,
    /// `class` or `group`.
    pub kind: String,
    pub level: Option<Level>,
    pub name: Option<String>,
    pub members: Vec<PersonRef>,
    /// Who teaches what in this class or group, with names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teachers: Vec<TeacherRef>,
}

/// A teacher of a class or group, for one subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TeacherRef {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub subject_id: Uuid,
    pub subject_name: String,
}

/// A person as listed in a roster or a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PersonRef {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
}

/// A child as shown to a parent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChildRef {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub structure: String,
    pub class: Option<ClassRef>,
}

/// A class as referenced from a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClassRef {
    pub id: Uuid,
    pub code: String,
}

/// A teaching assignment as shown to the teacher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AssignmentRef {
    pub subject_id: Uuid,
    pub subject_code: String,
    pub subject_name: String,
    pub class_or_group: Uuid,
    pub class_or_group_code: String,
}

/// The profile card of one user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UserCard {
    pub id: Uuid,
    pub structure: String,
    pub profile: Profile,
    pub role: Option<Role>,
    pub first_name: String,
    pub last_name: String,
    pub login: String,
    pub active: bool,
    pub class: Option<ClassRef>,
    pub class_since: Option<NaiveDate>,
    pub children: Vec<ChildRef>,
    pub parents: Vec<Uuid>,
    /// The parents with their names, in the order of `parents`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parent_names: Vec<PersonRef>,
    pub assignments: Vec<AssignmentRef>,
    pub admin_of: Vec<String>,
}

impl UserCard {
    pub fn person(&self) -> PersonRef {
        PersonRef { id: self.id, first_name: self.first_name.clone(), last_name: self.last_name.clone() }
    }
}
