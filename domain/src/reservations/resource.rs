//! The resource catalogue of a structure: one stream per structure, so a code is unique in it.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::commands::DefineBookableResource;
use super::events::BookableResourceDefined;
use super::time::check_opening_hours;
use crate::directory::{Profile, StructureState, UserState, validate_code, validate_text};
use crate::{Aggregate, DomainError, Event, StreamId};

/// Largest capacity accepted.
const MAX_CAPACITY: u32 = 10_000;
/// Most managers of one resource.
const MAX_MANAGERS: usize = 20;

/// The bookable resources of one structure, by id.
#[derive(Debug, Clone, Default)]
pub struct ResourceCatalogueState {
    pub resources: BTreeMap<Uuid, BookableResourceDefined>,
}

impl ResourceCatalogueState {
    pub fn stream(uai: &str) -> StreamId {
        StreamId::new(uai, Self::TYPE, uai)
    }

    pub fn get(&self, id: Uuid) -> Option<&BookableResourceDefined> {
        self.resources.get(&id)
    }
}

impl Aggregate for ResourceCatalogueState {
    const TYPE: &'static str = "resource-catalogue";

    fn apply(&mut self, event: &Event) {
        if let Event::BookableResourceDefined(e) = event {
            self.resources.insert(e.resource_id, e.clone());
        }
    }
}

/// Whether `user` may manage a resource of structure `uai`: an active member of its staff or
/// teaching body.
pub fn may_manage(user: &UserState, uai: &str) -> bool {
    user.exists() && user.active && user.structure == uai && matches!(user.profile, Some(Profile::Personnel | Profile::Enseignant))
}

/// `DefineBookableResource`: a code unique in the structure (but to the resource redefined), a
/// name, a capacity in range, valid opening hours, managers who are active staff or teachers
/// of the structure. `managers[i]` is the loaded state of `cmd.managers[i]` (empty if unknown).
pub fn define_bookable_resource(
    structure: &StructureState,
    catalogue: &ResourceCatalogueState,
    cmd: &DefineBookableResource,
    id: Uuid,
    managers: &[UserState],
) -> Result<Vec<Event>, DomainError> {
    if !structure.exists() {
        return Err(DomainError::NotFound("structure".into()));
    }
    let code = validate_code("code", &cmd.code)?;
    let name = validate_text("name", &cmd.name, 200)?;
    if let Some((other, _)) = catalogue.resources.iter().find(|(rid, r)| **rid != id && r.code.eq_ignore_ascii_case(&code)) {
        return Err(DomainError::field("code", format!("already the code of resource {other}")));
    }
    if let Some(c) = cmd.capacity
        && (c == 0 || c > MAX_CAPACITY)
    {
        return Err(DomainError::field("capacity", format!("between 1 and {MAX_CAPACITY}")));
    }
    let opening_hours = check_opening_hours(&cmd.opening_hours)?;
    if cmd.managers.len() > MAX_MANAGERS {
        return Err(DomainError::field("managers", format!("at most {MAX_MANAGERS}")));
    }
    let mut ids = Vec::new();
    for (i, m) in cmd.managers.iter().enumerate() {
        let ok = managers.iter().any(|u| u.user_id == *m && may_manage(u, &structure.uai));
        if !ok {
            return Err(DomainError::field(format!("managers[{i}]"), "not an active member of the staff of this structure"));
        }
        if !ids.contains(m) {
            ids.push(*m);
        }
    }
    if cmd.requires_approval && ids.is_empty() {
        return Err(DomainError::field("managers", "a resource whose bookings need approval needs at least one manager"));
    }
    let defined = BookableResourceDefined {
        resource_id: id,
        structure: structure.uai.clone(),
        code,
        name,
        kind: cmd.kind,
        capacity: cmd.capacity,
        opening_hours,
        requires_approval: cmd.requires_approval,
        managers: ids,
    };
    if catalogue.get(id) == Some(&defined) {
        return Err(DomainError::rule("nothing to change"));
    }
    Ok(vec![Event::BookableResourceDefined(defined)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::Role;
    use crate::notes::fixtures::fixture;
    use crate::reservations::time::{Day, OpeningDay, ResourceKind, TimeRange};

    fn define(code: &str, requires_approval: bool, managers: Vec<Uuid>) -> DefineBookableResource {
        DefineBookableResource {
            resource_id: None,
            structure: "0751234A".into(),
            code: code.into(),
            name: "Salle informatique 1".into(),
            kind: ResourceKind::SalleInformatique,
            capacity: Some(24),
            opening_hours: vec![OpeningDay {
                day: Day::Monday,
                ranges: vec![TimeRange { start: "08:00".parse().unwrap(), end: "18:00".parse().unwrap() }],
            }],
            requires_approval,
            managers,
        }
    }

    fn cpe() -> UserState {
        UserState {
            user_id: Uuid::from_u128(42),
            structure: "0751234A".into(),
            profile: Some(Profile::Personnel),
            role: Some(Role::Cpe),
            active: true,
            ..Default::default()
        }
    }

    #[test]
    fn resource_code_is_unique_in_the_structure_but_a_resource_may_be_redefined() {
        let f = fixture();
        let id = Uuid::new_v4();
        let events =
            define_bookable_resource(&f.structure, &ResourceCatalogueState::default(), &define("INFO1", false, vec![]), id, &[]).unwrap();
        let catalogue = ResourceCatalogueState::from_history(&events);
        let err = define_bookable_resource(&f.structure, &catalogue, &define("info1", false, vec![]), Uuid::new_v4(), &[]).unwrap_err();
        assert!(matches!(err, DomainError::InvalidField { field, .. } if field == "code"));
        let mut renamed = define("INFO1", false, vec![]);
        renamed.name = "Salle informatique (bâtiment B)".into();
        assert!(define_bookable_resource(&f.structure, &catalogue, &renamed, id, &[]).is_ok());
        assert!(define_bookable_resource(&f.structure, &catalogue, &define("INFO1", false, vec![]), id, &[]).is_err(), "no change");
    }

    #[test]
    fn resource_managers_are_staff_of_the_structure_and_approval_needs_one() {
        let f = fixture();
        let cat = ResourceCatalogueState::default();
        let err = define_bookable_resource(&f.structure, &cat, &define("INFO1", true, vec![]), Uuid::new_v4(), &[]).unwrap_err();
        assert!(matches!(err, DomainError::InvalidField { field, .. } if field == "managers"));
        let pupil = f.pupil.clone();
        let err = define_bookable_resource(&f.structure, &cat, &define("INFO1", true, vec![pupil.user_id]), Uuid::new_v4(), &[pupil])
            .unwrap_err();
        assert!(matches!(err, DomainError::InvalidField { field, .. } if field == "managers[0]"));
        let c = cpe();
        assert!(define_bookable_resource(&f.structure, &cat, &define("INFO1", true, vec![c.user_id]), Uuid::new_v4(), &[c]).is_ok());
    }
}
