//! How directory events fold into the directory documents.

use ent_domain::directory::events::*;
use ent_domain::{Event, RecordedEvent};

use super::NAME;
use super::models::*;
use crate::docs::{DocKey, DocView};
use crate::error::ApplyError;
use crate::projection::Projection;

pub(crate) const STRUCTURES: &str = "structure";
pub(crate) const USERS: &str = "user";
pub(crate) const ROSTERS: &str = "roster";

/// Folds directory events into structure trees, rosters and user cards.
pub struct DirectoryProjection;

impl Projection for DirectoryProjection {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "structure trees, class and group rosters, user cards (children, classes, assignments), the CAS service registry"
    }

    fn apply(&self, view: &mut DocView<'_>, _recorded: &RecordedEvent, event: &Event) -> Result<(), ApplyError> {
        match event {
            Event::StructureCreated(e) => structure_created(view, e),
            Event::ClassCreated(e) => class_created(view, e),
            Event::GroupCreated(e) => group_created(view, e),
            Event::SubjectCreated(e) => subject_created(view, e),
            Event::PeriodsDefined(e) => periods_defined(view, e),
            Event::UserCreated(e) => user_created(view, e),
            Event::PupilEnrolled(e) => pupil_enrolled(view, e),
            Event::ParentLinked(e) => parent_linked(view, e),
            Event::TeacherAssigned(e) => teacher_assigned(view, e),
            Event::AdminGranted(e) => view.update(USERS, e.user_id, |c: &mut UserCard| {
                if !c.admin_of.contains(&e.structure) {
                    c.admin_of.push(e.structure.clone());
                }
            }),
            Event::CasServiceRegistered(e) => super::cas::cas_service_registered(view, e),
            Event::CasServiceUnregistered(e) => super::cas::cas_service_unregistered(view, e),
            Event::UserDeactivated(e) => view.update(USERS, e.user_id, |c: &mut UserCard| c.active = false),
            Event::UserReactivated(e) => view.update(USERS, e.user_id, |c: &mut UserCard| c.active = true),
            // The structure's closed days.
            Event::ClosedDaysDeclared(e) => super::calendar::closed_days_declared(view, e),
            Event::ClosedDaysWithdrawn(e) => super::calendar::closed_days_withdrawn(view, e),
            _ => Ok(()),
        }
    }
}

fn structure_created(view: &mut DocView<'_>, e: &StructureCreated) -> Result<(), ApplyError> {
    let tree = StructureTree {
        uai: e.uai.clone(),
        name: e.name.clone(),
        kind: e.kind,
        classes: vec![],
        groups: vec![],
        subjects: vec![],
        periods: Default::default(),
    };
    view.put(STRUCTURES, &e.uai, &tree)
}

fn class_created(view: &mut DocView<'_>, e: &ClassCreated) -> Result<(), ApplyError> {
    view.update(STRUCTURES, &e.structure, |t: &mut StructureTree| {
        t.classes.push(ClassSummary { id: e.class_id, code: e.code.clone(), level: e.level, pupils: 0 });
        t.classes.sort_by(|a, b| a.code.cmp(&b.code));
    })?;
    let roster = ClassRoster {
        id: e.class_id,
        structure: e.structure.clone(),
        code: e.code.clone(),
        kind: "class".into(),
        level: Some(e.level),
        name: None,
        members: vec![],
        teachers: vec![],
    };
    view.put(ROSTERS, e.class_id, &roster)
}

fn group_created(view: &mut DocView<'_>, e: &GroupCreated) -> Result<(), ApplyError> {
    view.prefetch(e.members.iter().map(|m| DocKey::new(USERS, m)))?;
    let mut members = Vec::new();
    for m in &e.members {
        if let Some(card) = view.get_as::<UserCard>(USERS, m)? {
            members.push(card.person());
        }
    }
    sort_people(&mut members);
    view.update(STRUCTURES, &e.structure, |t: &mut StructureTree| {
        t.groups.push(GroupSummary { id: e.group_id, code: e.code.clone(), name: e.name.clone(), members: members.len() });
        t.groups.sort_by(|a, b| a.code.cmp(&b.code));
    })?;
    let roster = ClassRoster {
        id: e.group_id,
        structure: e.structure.clone(),
        code: e.code.clone(),
        kind: "group".into(),
        level: None,
        name: Some(e.name.clone()),
        members,
        teachers: vec![],
    };
    view.put(ROSTERS, e.group_id, &roster)
}

fn subject_created(view: &mut DocView<'_>, e: &SubjectCreated) -> Result<(), ApplyError> {
    view.update(STRUCTURES, &e.structure, |t: &mut StructureTree| {
        t.subjects.push(SubjectSummary { id: e.subject_id, code: e.code.clone(), name: e.name.clone() });
        t.subjects.sort_by(|a, b| a.code.cmp(&b.code));
    })
}

fn periods_defined(view: &mut DocView<'_>, e: &PeriodsDefined) -> Result<(), ApplyError> {
    view.update(STRUCTURES, &e.structure, |t: &mut StructureTree| {
        t.periods.insert(e.school_year.clone(), SchoolYearPeriods { kind: e.kind, periods: e.periods.clone() });
    })
}

fn user_created(view: &mut DocView<'_>, e: &UserCreated) -> Result<(), ApplyError> {
    let card = UserCard {
        id: e.user_id,
        structure: e.structure.clone(),
        profile: e.profile,
        role: e.role,
        first_name: e.first_name.clone(),
        last_name: e.last_name.clone(),
        login: e.login.clone(),
        active: true,
        class: None,
        class_since: None,
        children: vec![],
        parents: vec![],
        parent_names: vec![],
        assignments: vec![],
        admin_of: vec![],
    };
    view.put(USERS, e.user_id, &card)
}

fn sort_people(people: &mut [PersonRef]) {
    people.sort_by(|a, b| (&a.last_name, &a.first_name, a.id).cmp(&(&b.last_name, &b.first_name, b.id)));
}

fn pupil_enrolled(view: &mut DocView<'_>, e: &PupilEnrolled) -> Result<(), ApplyError> {
    let mut keys = vec![DocKey::new(USERS, e.pupil), DocKey::new(ROSTERS, e.class_id), DocKey::new(STRUCTURES, &e.structure)];
    keys.extend(e.previous_class.map(|c| DocKey::new(ROSTERS, c)));
    view.prefetch(keys)?;
    let Some(mut pupil) = view.get_as::<UserCard>(USERS, e.pupil)? else { return Ok(()) };
    let Some(tree) = view.get_as::<StructureTree>(STRUCTURES, &e.structure)? else { return Ok(()) };
    let Some(class) = tree.classes.iter().find(|c| c.id == e.class_id) else { return Ok(()) };
    let class_ref = ClassRef { id: class.id, code: class.code.clone() };

    if let Some(previous) = e.previous_class
        && let Some(mut roster) = view.get_as::<ClassRoster>(ROSTERS, previous)?
    {
        roster.members.retain(|m| m.id != e.pupil);
        view.put(ROSTERS, previous, &roster)?;
    }
    if let Some(mut roster) = view.get_as::<ClassRoster>(ROSTERS, e.class_id)? {
        roster.members.retain(|m| m.id != e.pupil);
        roster.members.push(pupil.person());
        sort_people(&mut roster.members);
        view.put(ROSTERS, e.class_id, &roster)?;
    }
    view.update(STRUCTURES, &e.structure, |t: &mut StructureTree| {
        for c in &mut t.classes {
            if c.id == e.class_id {
                c.pupils += 1;
            } else if Some(c.id) == e.previous_class {
                c.pupils = c.pupils.saturating_sub(1);
            }
        }
    })?;
    pupil.class = Some(class_ref.clone());
    pupil.class_since = Some(e.since);
    view.put(USERS, e.pupil, &pupil)?;

    view.prefetch(pupil.parents.iter().map(|p| DocKey::new(USERS, p)))?;
    for parent in &pupil.parents {
        view.update(USERS, *parent, |card: &mut UserCard| {
            for child in card.children.iter_mut().filter(|c| c.id == e.pupil) {
                child.class = Some(class_ref.clone());
            }
        })?;
    }
    Ok(())
}

fn parent_linked(view: &mut DocView<'_>, e: &ParentLinked) -> Result<(), ApplyError> {
    view.prefetch([DocKey::new(USERS, e.parent), DocKey::new(USERS, e.pupil)])?;
    let Some(pupil) = view.get_as::<UserCard>(USERS, e.pupil)? else { return Ok(()) };
    let child = ChildRef {
        id: pupil.id,
        first_name: pupil.first_name.clone(),
        last_name: pupil.last_name.clone(),
        structure: pupil.structure.clone(),
        class: pupil.class.clone(),
    };
    view.update(USERS, e.parent, |c: &mut UserCard| {
        c.children.retain(|k| k.id != child.id);
        c.children.push(child);
    })?;
    let parent = view.get_as::<UserCard>(USERS, e.parent)?.map(|p| p.person());
    view.update(USERS, e.pupil, |c: &mut UserCard| {
        if !c.parents.contains(&e.parent) {
            c.parents.push(e.parent);
        }
        if let Some(parent) = parent
            && !c.parent_names.iter().any(|p| p.id == parent.id)
        {
            c.parent_names.push(parent);
        }
    })
}

fn teacher_assigned(view: &mut DocView<'_>, e: &TeacherAssigned) -> Result<(), ApplyError> {
    view.prefetch([DocKey::new(USERS, e.teacher), DocKey::new(STRUCTURES, &e.structure), DocKey::new(ROSTERS, e.class_or_group)])?;
    let Some(tree) = view.get_as::<StructureTree>(STRUCTURES, &e.structure)? else { return Ok(()) };
    let Some(subject) = tree.subjects.iter().find(|s| s.id == e.subject_id) else { return Ok(()) };
    let code = tree
        .classes
        .iter()
        .find(|c| c.id == e.class_or_group)
        .map(|c| c.code.clone())
        .or_else(|| tree.groups.iter().find(|g| g.id == e.class_or_group).map(|g| g.code.clone()))
        .unwrap_or_default();
    let assignment = AssignmentRef {
        subject_id: subject.id,
        subject_code: subject.code.clone(),
        subject_name: subject.name.clone(),
        class_or_group: e.class_or_group,
        class_or_group_code: code,
    };
    if let Some(card) = view.get_as::<UserCard>(USERS, e.teacher)? {
        let teacher = TeacherRef {
            id: card.id,
            first_name: card.first_name.clone(),
            last_name: card.last_name.clone(),
            subject_id: subject.id,
            subject_name: subject.name.clone(),
        };
        view.update(ROSTERS, e.class_or_group, |r: &mut ClassRoster| {
            if !r.teachers.contains(&teacher) {
                r.teachers.push(teacher);
                r.teachers
                    .sort_by(|a, b| (&a.subject_name, &a.last_name, &a.first_name).cmp(&(&b.subject_name, &b.last_name, &b.first_name)));
            }
        })?;
    }
    view.update(USERS, e.teacher, |c: &mut UserCard| {
        if !c.assignments.contains(&assignment) {
            c.assignments.push(assignment);
            c.assignments.sort_by(|a, b| (&a.class_or_group_code, &a.subject_code).cmp(&(&b.class_or_group_code, &b.subject_code)));
        }
    })
}
