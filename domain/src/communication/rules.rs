//! Who may write to whom (docs/domain.md, "Communication rules"): the relational defaults, the
//! ADML's overrides (one stream per structure) and [`may_write`], the pure check every service
//! that delivers something to a person calls for each recipient.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::commands::{Party, RemoveCommunicationRule, SetCommunicationRule};
use super::events::{CommunicationRuleRemoved, CommunicationRuleSet};
use crate::directory::{Profile, Role, StructureState, UserState};
use crate::{Aggregate, DomainError, Event, StreamId};

/// The overrides of one structure, by (from, to).
#[derive(Debug, Clone, Default)]
pub struct CommunicationRules {
    pub overrides: BTreeMap<(Party, Party), bool>,
}

impl CommunicationRules {
    /// The stream of structure `uai`'s rules.
    pub fn stream(uai: &str) -> StreamId {
        StreamId::new(uai, Self::TYPE, uai)
    }
}

impl Aggregate for CommunicationRules {
    const TYPE: &'static str = "communication";

    fn apply(&mut self, event: &Event) {
        match event {
            Event::CommunicationRuleSet(e) => {
                self.overrides.insert((e.from, e.to), e.allowed);
            }
            Event::CommunicationRuleRemoved(e) => {
                self.overrides.remove(&(e.from, e.to));
            }
            _ => {}
        }
    }
}

/// Why a recipient is refused to a sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No such user, or a deactivated one.
    Unknown,
    /// The recipient belongs to another structure.
    OtherStructure,
    /// An override of the ADML forbids it.
    Override,
    /// The defaults do not allow it and no override does.
    NotAllowed,
}

impl Refusal {
    /// A short French-free explanation for problem bodies.
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::Unknown => "no active user with this id",
            Refusal::OtherStructure => "belongs to another structure",
            Refusal::Override => "a communication rule of the structure forbids it",
            Refusal::NotAllowed => "the communication rules do not allow writing to this person",
        }
    }
}

fn in_group(structure: &StructureState, group: Uuid, user: Uuid) -> bool {
    structure.groups.get(&group).is_some_and(|g| g.members.contains(&user))
}

fn matches(structure: &StructureState, party: Party, user: &UserState) -> bool {
    match party {
        Party::Profile(p) => user.profile == Some(p),
        Party::Group(g) => in_group(structure, g, user.user_id),
    }
}

fn specificity(party: Party) -> u8 {
    match party {
        Party::Profile(_) => 0,
        Party::Group(_) => 1,
    }
}

/// The override that decides between `sender` and `recipient`, if any: the most specific
/// matching rules (a group is more specific than a profile, counted on both sides); at equal
/// specificity a deny wins.
pub fn override_for(structure: &StructureState, rules: &CommunicationRules, sender: &UserState, recipient: &UserState) -> Option<bool> {
    let mut best: Option<(u8, bool)> = None;
    for (&(from, to), &allowed) in &rules.overrides {
        if !matches(structure, from, sender) || !matches(structure, to, recipient) {
            continue;
        }
        let s = specificity(from) + specificity(to);
        best = match best {
            None => Some((s, allowed)),
            Some((bs, _)) if s > bs => Some((s, allowed)),
            Some((bs, ba)) if s == bs => Some((bs, ba && allowed)),
            keep => keep,
        };
    }
    best.map(|(_, allowed)| allowed)
}

/// The classes and groups a pupil is in.
fn classes_of(structure: &StructureState, pupil: &UserState) -> Vec<Uuid> {
    let mut out: Vec<Uuid> = pupil.class.map(|(c, _)| c).into_iter().collect();
    out.extend(structure.groups.iter().filter(|(_, g)| g.members.contains(&pupil.user_id)).map(|(id, _)| *id));
    out
}

fn is_vie_scolaire_or_direction(u: &UserState) -> bool {
    u.profile == Some(Profile::Personnel) && matches!(u.role, Some(Role::Cpe) | Some(Role::Direction))
}

/// The defaults (docs/domain.md, "Communication rules"): teachers and staff write to everyone
/// of their structure; a pupil to their teachers, their class, the vie scolaire (CPE) and the
/// direction; a parent to their children's teachers, the vie scolaire, the direction and their
/// own children — never to another parent or to a pupil who is not their child.
pub fn default_allows(structure: &StructureState, sender: &UserState, children: &[UserState], recipient: &UserState) -> bool {
    match sender.profile {
        Some(Profile::Enseignant | Profile::Personnel) => true,
        Some(Profile::Eleve) => match recipient.profile {
            Some(Profile::Enseignant) => classes_of(structure, sender).iter().any(|c| recipient.teaches_class(*c)),
            Some(Profile::Eleve) => sender.class.is_some() && sender.class.map(|(c, _)| c) == recipient.class.map(|(c, _)| c),
            Some(Profile::Personnel) => is_vie_scolaire_or_direction(recipient),
            _ => false,
        },
        Some(Profile::Parent) => match recipient.profile {
            Some(Profile::Enseignant) => children
                .iter()
                .filter(|c| sender.children.contains(&c.user_id))
                .any(|c| classes_of(structure, c).iter().any(|cg| recipient.teaches_class(*cg))),
            Some(Profile::Eleve) => sender.children.contains(&recipient.user_id),
            Some(Profile::Personnel) => is_vie_scolaire_or_direction(recipient),
            _ => false,
        },
        _ => false,
    }
}

/// May `sender` write to `recipient` in `structure`? `children` are the sender's children's
/// states when the sender is a parent (others are ignored). Writing to oneself is allowed; the
/// ADML of the structure and platform administrators write to everyone of it; overrides beat
/// the defaults.
pub fn may_write(
    structure: &StructureState,
    rules: &CommunicationRules,
    sender: &UserState,
    children: &[UserState],
    recipient: &UserState,
) -> Result<(), Refusal> {
    if !recipient.exists() || !recipient.active {
        return Err(Refusal::Unknown);
    }
    if recipient.structure != structure.uai {
        return Err(Refusal::OtherStructure);
    }
    if sender.user_id == recipient.user_id || sender.profile == Some(Profile::PlatformAdmin) || sender.admin_of.contains(&structure.uai) {
        return Ok(());
    }
    if sender.structure != structure.uai {
        return Err(Refusal::OtherStructure);
    }
    match override_for(structure, rules, sender, recipient) {
        Some(true) => Ok(()),
        Some(false) => Err(Refusal::Override),
        None if default_allows(structure, sender, children, recipient) => Ok(()),
        None => Err(Refusal::NotAllowed),
    }
}

fn check_party(structure: &StructureState, field: &str, party: Party) -> Result<(), DomainError> {
    match party {
        Party::Profile(Profile::Eleve | Profile::Parent | Profile::Enseignant | Profile::Personnel) => Ok(()),
        Party::Profile(_) => Err(DomainError::field(field, "only the profiles of a structure: eleve, parent, enseignant, personnel")),
        Party::Group(g) if structure.groups.contains_key(&g) => Ok(()),
        Party::Group(_) => Err(DomainError::field(field, "no such group in this structure")),
    }
}

/// `SetCommunicationRule`: parties of the structure; something must change.
pub fn set_communication_rule(
    structure: &StructureState,
    rules: &CommunicationRules,
    cmd: &SetCommunicationRule,
) -> Result<Vec<Event>, DomainError> {
    if !structure.exists() {
        return Err(DomainError::NotFound("structure".into()));
    }
    check_party(structure, "from", cmd.from)?;
    check_party(structure, "to", cmd.to)?;
    if rules.overrides.get(&(cmd.from, cmd.to)) == Some(&cmd.allowed) {
        return Err(DomainError::rule("this rule is already set"));
    }
    Ok(vec![Event::CommunicationRuleSet(CommunicationRuleSet {
        structure: structure.uai.clone(),
        from: cmd.from,
        to: cmd.to,
        allowed: cmd.allowed,
    })])
}

/// `RemoveCommunicationRule`: an override that exists.
pub fn remove_communication_rule(
    structure: &StructureState,
    rules: &CommunicationRules,
    cmd: &RemoveCommunicationRule,
) -> Result<Vec<Event>, DomainError> {
    if !rules.overrides.contains_key(&(cmd.from, cmd.to)) {
        return Err(DomainError::NotFound("communication rule".into()));
    }
    Ok(vec![Event::CommunicationRuleRemoved(CommunicationRuleRemoved { structure: structure.uai.clone(), from: cmd.from, to: cmd.to })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::structure::GroupInfo;
    use crate::directory::user::Assignment;
    use crate::notes::fixtures::{Fixture, fixture};

    fn user(f: &Fixture, profile: Profile, role: Option<Role>) -> UserState {
        UserState {
            user_id: Uuid::new_v4(),
            structure: f.structure.uai.clone(),
            profile: Some(profile),
            role,
            active: true,
            first_name: "Prénom".into(),
            last_name: "Nom".into(),
            ..Default::default()
        }
    }

    fn teacher_of(f: &Fixture, class_or_group: Uuid) -> UserState {
        let mut t = user(f, Profile::Enseignant, None);
        t.assignments.insert(Assignment { subject_id: f.subject, class_or_group });
        t
    }

    fn pupil_in(f: &Fixture, class: Uuid) -> UserState {
        let mut p = user(f, Profile::Eleve, None);
        p.class = Some((class, crate::notes::fixtures::d("2026-09-01")));
        p
    }

    fn parent_of(f: &Fixture, child: &UserState) -> UserState {
        let mut p = user(f, Profile::Parent, None);
        p.children.insert(child.user_id);
        p
    }

    fn allowed(f: &Fixture, rules: &CommunicationRules, from: &UserState, children: &[UserState], to: &UserState) -> bool {
        may_write(&f.structure, rules, from, children, to).is_ok()
    }

    #[test]
    fn default_pupil_writes_to_their_teachers_only() {
        let f = fixture();
        let none = CommunicationRules::default();
        assert!(allowed(&f, &none, &f.pupil, &[], &teacher_of(&f, f.class)));
        assert!(allowed(&f, &none, &f.pupil, &[], &teacher_of(&f, f.group)), "the teacher of one of their groups");
        assert!(!allowed(&f, &none, &f.pupil, &[], &teacher_of(&f, f.other_class)));
    }

    #[test]
    fn default_pupil_writes_to_their_class() {
        let f = fixture();
        let none = CommunicationRules::default();
        assert!(allowed(&f, &none, &f.pupil, &[], &pupil_in(&f, f.class)));
        assert!(!allowed(&f, &none, &f.pupil, &[], &pupil_in(&f, f.other_class)));
    }

    #[test]
    fn default_pupil_writes_to_vie_scolaire_and_direction() {
        let f = fixture();
        let none = CommunicationRules::default();
        assert!(allowed(&f, &none, &f.pupil, &[], &user(&f, Profile::Personnel, Some(Role::Cpe))));
        assert!(allowed(&f, &none, &f.pupil, &[], &user(&f, Profile::Personnel, Some(Role::Direction))));
        assert!(!allowed(&f, &none, &f.pupil, &[], &user(&f, Profile::Personnel, Some(Role::Administratif))));
        assert!(!allowed(&f, &none, &f.pupil, &[], &parent_of(&f, &pupil_in(&f, f.class))), "not to a parent");
    }

    #[test]
    fn default_parent_writes_to_their_childrens_teachers() {
        let f = fixture();
        let none = CommunicationRules::default();
        let parent = parent_of(&f, &f.pupil);
        let children = [f.pupil.clone()];
        assert!(allowed(&f, &none, &parent, &children, &teacher_of(&f, f.class)));
        assert!(allowed(&f, &none, &parent, &children, &teacher_of(&f, f.group)));
        assert!(!allowed(&f, &none, &parent, &children, &teacher_of(&f, f.other_class)));
    }

    #[test]
    fn default_parent_writes_to_vie_scolaire_and_direction() {
        let f = fixture();
        let none = CommunicationRules::default();
        let parent = parent_of(&f, &f.pupil);
        assert!(allowed(&f, &none, &parent, &[], &user(&f, Profile::Personnel, Some(Role::Cpe))));
        assert!(allowed(&f, &none, &parent, &[], &user(&f, Profile::Personnel, Some(Role::Direction))));
    }

    #[test]
    fn default_parent_never_writes_to_another_parent_or_another_pupil() {
        let f = fixture();
        let none = CommunicationRules::default();
        let parent = parent_of(&f, &f.pupil);
        let other_child = pupil_in(&f, f.class);
        let other_parent = parent_of(&f, &other_child);
        assert_eq!(may_write(&f.structure, &none, &parent, std::slice::from_ref(&f.pupil), &other_parent), Err(Refusal::NotAllowed));
        assert_eq!(may_write(&f.structure, &none, &parent, std::slice::from_ref(&f.pupil), &other_child), Err(Refusal::NotAllowed));
        assert!(allowed(&f, &none, &parent, std::slice::from_ref(&f.pupil), &f.pupil), "their own child");
    }

    #[test]
    fn default_teachers_and_staff_write_to_everyone_of_their_structure() {
        let f = fixture();
        let none = CommunicationRules::default();
        let teacher = teacher_of(&f, f.other_class);
        let secretary = user(&f, Profile::Personnel, Some(Role::Administratif));
        let parent = parent_of(&f, &f.pupil);
        for sender in [&teacher, &secretary] {
            for recipient in [&f.pupil, &parent, &teacher, &secretary] {
                assert!(allowed(&f, &none, sender, &[], recipient));
            }
        }
        let mut elsewhere = parent.clone();
        elsewhere.structure = "0999999Z".into();
        assert_eq!(may_write(&f.structure, &none, &teacher, &[], &elsewhere), Err(Refusal::OtherStructure));
        let mut gone = parent.clone();
        gone.active = false;
        assert_eq!(may_write(&f.structure, &none, &teacher, &[], &gone), Err(Refusal::Unknown));
    }

    #[test]
    fn adml_override_allows_parents_to_write_to_parents() {
        let f = fixture();
        let parent = parent_of(&f, &f.pupil);
        let other = parent_of(&f, &pupil_in(&f, f.class));
        let cmd = SetCommunicationRule {
            structure: f.structure.uai.clone(),
            from: Party::Profile(Profile::Parent),
            to: Party::Profile(Profile::Parent),
            allowed: true,
        };
        let rules = CommunicationRules::from_history(&set_communication_rule(&f.structure, &CommunicationRules::default(), &cmd).unwrap());
        assert!(allowed(&f, &rules, &parent, &[], &other));
        assert!(set_communication_rule(&f.structure, &rules, &cmd).is_err(), "nothing to change");
        let removed = remove_communication_rule(
            &f.structure,
            &rules,
            &RemoveCommunicationRule { structure: f.structure.uai.clone(), from: cmd.from, to: cmd.to },
        )
        .unwrap();
        let rules = rules.evolve(&removed[0]);
        assert!(!allowed(&f, &rules, &parent, &[], &other));
    }

    #[test]
    fn adml_override_forbids_and_a_group_rule_beats_a_profile_rule() {
        let mut f = fixture();
        let teacher = teacher_of(&f, f.class);
        let group = f.group;
        if let Some(g) = f.structure.groups.get_mut(&group) {
            g.members.push(f.pupil.user_id);
        } else {
            f.structure.groups.insert(group, GroupInfo { code: "G".into(), name: "G".into(), members: vec![f.pupil.user_id] });
        }
        let set = |from, to, allowed| SetCommunicationRule { structure: f.structure.uai.clone(), from, to, allowed };
        let deny = set(Party::Profile(Profile::Eleve), Party::Profile(Profile::Enseignant), false);
        let rules = CommunicationRules::from_history(&set_communication_rule(&f.structure, &CommunicationRules::default(), &deny).unwrap());
        assert_eq!(may_write(&f.structure, &rules, &f.pupil, &[], &teacher), Err(Refusal::Override));
        let allow = set(Party::Group(group), Party::Profile(Profile::Enseignant), true);
        let ev = set_communication_rule(&f.structure, &rules, &allow).unwrap();
        let rules = rules.evolve(&ev[0]);
        assert!(allowed(&f, &rules, &f.pupil, &[], &teacher), "the group's rule is more specific");
        // At equal specificity a deny wins.
        let deny_too = set(Party::Group(group), Party::Profile(Profile::Enseignant), false);
        let mut both = rules.clone();
        both.overrides.insert((Party::Profile(Profile::Eleve), Party::Group(group)), true);
        both.overrides.insert((deny_too.from, deny_too.to), false);
        assert_eq!(override_for(&f.structure, &both, &f.pupil, &teacher), Some(false));
    }

    #[test]
    fn the_adml_writes_to_everyone_and_a_rule_names_real_parties() {
        let f = fixture();
        let mut adml = user(&f, Profile::Personnel, Some(Role::Administratif));
        adml.admin_of.insert(f.structure.uai.clone());
        let rules = CommunicationRules::default();
        let other_parent = parent_of(&f, &pupil_in(&f, f.class));
        assert!(allowed(&f, &rules, &adml, &[], &other_parent));
        let bad = SetCommunicationRule {
            structure: f.structure.uai.clone(),
            from: Party::Group(Uuid::new_v4()),
            to: Party::Profile(Profile::PlatformAdmin),
            allowed: true,
        };
        assert!(
            matches!(set_communication_rule(&f.structure, &rules, &bad), Err(DomainError::InvalidField { field, .. }) if field == "from")
        );
    }
}
