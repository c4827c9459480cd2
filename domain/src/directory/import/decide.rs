//! What an import file changes (docs/domain.md, "Rentrée import"): accounts to create, changes to
//! accounts the import already manages (class, links, contact details, assignments), accounts no
//! longer listed to deactivate, and the report. Pure: the commands layer loads the states, picks
//! logins and appends.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::mapping::{Column, ColumnMapping};
use super::parse::{GuardianRow, ParsedFile, PupilRow, Rows, TeacherRow};
use super::registry::ImportRegistry;
use crate::directory::activation::issue_code_events;
use crate::directory::commands::EnrolPupil;
use crate::directory::events::*;
use crate::directory::structure::StructureState;
use crate::directory::types::Profile;
use crate::directory::user::{UserState, enrol_pupil};
use crate::{Aggregate, Event};

/// What the import is decided on.
pub struct ImportInput<'a> {
    pub structure: &'a StructureState,
    pub registry: &'a ImportRegistry,
    pub kind: ImportKind,
    pub mapping: &'a ColumnMapping,
    pub import_id: Uuid,
    pub file_sha256: String,
    pub now: DateTime<Utc>,
    /// The accounts the registry maps for this kind (and the pupils, for guardians), by id.
    pub users: &'a BTreeMap<Uuid, UserState>,
}

/// An account to create. Its login is chosen by the caller ([`NewPerson::events`]).
#[derive(Debug, Clone, PartialEq)]
pub struct NewPerson {
    pub user_id: Uuid,
    pub external_id: String,
    pub profile: Profile,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: Option<chrono::NaiveDate>,
    /// The pupil's class id, for the activation slips.
    pub class: Option<Uuid>,
    /// What follows the creation: enrolment, links, contact details, assignments.
    pub follow_up: Vec<Event>,
}

/// The decision on one file.
#[derive(Debug, Clone)]
pub struct ImportDecision {
    pub new_people: Vec<NewPerson>,
    /// Events for accounts the import already manages, by user id.
    pub changes: BTreeMap<Uuid, Vec<Event>>,
    pub report: DirectoryImported,
    /// Nothing changes and the file is the one the last import of this kind processed: nothing
    /// is appended, the last report stands.
    pub same_as_last: Option<Uuid>,
}

impl NewPerson {
    /// The events creating this account with `login`, in a structure, with an activation code
    /// valid from `now` (docs/domain.md, "Activation codes").
    pub fn events(&self, structure: &str, kind: ImportKind, login: &str, now: DateTime<Utc>) -> Vec<Event> {
        let mut events = vec![
            Event::UserCreated(UserCreated {
                user_id: self.user_id,
                structure: structure.to_string(),
                profile: self.profile,
                role: None,
                first_name: self.first_name.clone(),
                last_name: self.last_name.clone(),
                login: login.to_string(),
            }),
            Event::UserImported(UserImported {
                user_id: self.user_id,
                structure: structure.to_string(),
                kind,
                external_id: self.external_id.clone(),
                birth_date: self.birth_date,
            }),
        ];
        events.extend(self.follow_up.iter().cloned());
        events.extend(issue_code_events(self.user_id, now));
        events
    }
}

/// A teacher's rows: the first (for the names), the (subject, class or group) pairs of all, their
/// lines.
type TeacherServices = (TeacherRow, BTreeSet<(Uuid, Uuid)>, Vec<u32>);

struct Decider<'a> {
    input: &'a ImportInput<'a>,
    rejected: Vec<RejectedRow>,
    new_people: Vec<NewPerson>,
    changes: BTreeMap<Uuid, Vec<Event>>,
    unchanged: u32,
    /// External ids named by a row of the file, accepted or not: never deactivated.
    listed: BTreeSet<String>,
    reactivated: Vec<Uuid>,
}

/// Decides what `parsed` changes. `new_id` gives the id of the account to create for an
/// external id (the same on every retry of the command).
pub fn decide_import(input: &ImportInput<'_>, parsed: ParsedFile, mut new_id: impl FnMut(&str) -> Uuid) -> ImportDecision {
    let mut d = Decider {
        input,
        listed: parsed.rejected.iter().filter_map(|r| r.external_id.clone()).collect(),
        rejected: parsed.rejected,
        new_people: Vec::new(),
        changes: BTreeMap::new(),
        unchanged: 0,
        reactivated: Vec::new(),
    };
    match parsed.rows {
        Rows::Pupils(rows) => d.pupils(rows, &mut new_id),
        Rows::Guardians(rows) => d.guardians(rows, &mut new_id),
        Rows::Teachers(rows) => d.teachers(rows, &mut new_id),
    }
    let deactivated = d.departures();
    d.rejected.sort_by_key(|r| r.line);
    let rejected_rows = d.rejected.len() as u32;
    let counts = ImportCounts {
        rows: parsed.total,
        accepted: parsed.total.saturating_sub(rejected_rows),
        rejected: rejected_rows,
        created: d.new_people.len() as u32,
        updated: d.changes.len() as u32,
        unchanged: d.unchanged,
        deactivated: deactivated.len() as u32,
    };
    for id in &deactivated {
        d.changes.entry(*id).or_default().push(Event::UserDeactivated(UserDeactivated {
            user_id: *id,
            reason: format!("absent from the {} import of {}", input.kind.as_str(), input.now.date_naive()),
        }));
    }
    let same_as_last = match input.registry.last.get(&input.kind) {
        Some((sha, import_id)) if *sha == input.file_sha256 && d.new_people.is_empty() && d.changes.is_empty() => Some(*import_id),
        _ => None,
    };
    let report = DirectoryImported {
        import_id: input.import_id,
        structure: input.structure.uai.clone(),
        kind: input.kind,
        file_sha256: input.file_sha256.clone(),
        at: input.now,
        counts,
        rejected: d.rejected,
        created: d.new_people.iter().map(|p| ImportedPerson { external_id: p.external_id.clone(), user_id: p.user_id }).collect(),
        deactivated,
        reactivated: d.reactivated,
    };
    ImportDecision { new_people: d.new_people, changes: d.changes, report, same_as_last }
}

impl Decider<'_> {
    fn reject(&mut self, line: u32, external_id: &str, column: Column, reason: String) {
        self.rejected.push(RejectedRow {
            line,
            external_id: Some(external_id.to_string()),
            field: Some(self.input.mapping.name(column).to_string()),
            reason,
        });
    }

    /// The managed account of `external_id`, when it exists. An account an import deactivated
    /// comes back (`UserReactivated` first, then what the row changes); one an administrator
    /// deactivated is `Err`.
    fn existing(&mut self, kind: ImportKind, external_id: &str) -> Result<Option<UserState>, String> {
        let Some(id) = self.input.registry.person(kind, external_id) else { return Ok(None) };
        match self.input.users.get(&id) {
            Some(u) if u.active => Ok(Some(u.clone())),
            Some(u) if self.input.registry.deactivated.contains(&id) => {
                let reactivated = Event::UserReactivated(UserReactivated {
                    user_id: id,
                    reason: format!("listed again by the {} import of {}", self.input.kind.as_str(), self.input.now.date_naive()),
                });
                let mut user = u.clone();
                user.apply(&reactivated);
                self.changes.entry(id).or_default().push(reactivated);
                self.reactivated.push(id);
                Ok(Some(user))
            }
            _ => Err("the account of this id was deactivated by an administrator".into()),
        }
    }

    fn class_by_code(&self, code: &str) -> Option<Uuid> {
        self.input.structure.classes.iter().find(|(_, c)| c.code.eq_ignore_ascii_case(code)).map(|(id, _)| *id)
    }

    fn class_or_group_by_code(&self, code: &str) -> Option<Uuid> {
        self.class_by_code(code)
            .or_else(|| self.input.structure.groups.iter().find(|(_, g)| g.code.eq_ignore_ascii_case(code)).map(|(id, _)| *id))
    }

    fn pupils(&mut self, rows: Vec<PupilRow>, new_id: &mut dyn FnMut(&str) -> Uuid) {
        let uai = self.input.structure.uai.clone();
        let today = self.input.now.date_naive();
        for row in rows {
            self.listed.insert(row.national_id.clone());
            let Some(class) = self.class_by_code(&row.class_code) else {
                self.reject(row.line, &row.national_id, Column::Class, format!("unknown class {:?}", row.class_code));
                continue;
            };
            match self.existing(ImportKind::Pupils, &row.national_id) {
                Err(reason) => self.reject(row.line, &row.national_id, Column::NationalId, reason),
                Ok(Some(pupil)) if pupil.class.map(|(c, _)| c) == Some(class) => {
                    if !self.changes.contains_key(&pupil.user_id) {
                        self.unchanged += 1;
                    }
                }
                Ok(Some(pupil)) => {
                    let since = pupil.class.map_or(today, |(_, s)| s.max(today));
                    let cmd = EnrolPupil { pupil: pupil.user_id, class, since: Some(since) };
                    match enrol_pupil(&pupil, self.input.structure, &cmd, today) {
                        Ok(events) => self.changes.entry(pupil.user_id).or_default().extend(events),
                        Err(e) => self.reject(row.line, &row.national_id, Column::Class, e.to_string()),
                    }
                }
                Ok(None) => {
                    let user_id = new_id(&row.national_id);
                    self.new_people.push(NewPerson {
                        user_id,
                        external_id: row.national_id,
                        profile: Profile::Eleve,
                        first_name: row.first_name,
                        last_name: row.last_name,
                        birth_date: Some(row.birth_date),
                        class: Some(class),
                        follow_up: vec![Event::PupilEnrolled(PupilEnrolled {
                            pupil: user_id,
                            structure: uai.clone(),
                            class_id: class,
                            since: today,
                            previous_class: None,
                        })],
                    });
                }
            }
        }
    }

    fn guardians(&mut self, rows: Vec<GuardianRow>, new_id: &mut dyn FnMut(&str) -> Uuid) {
        // One guardian, several rows (one per child): names and contact details of the first.
        let mut by_guardian: BTreeMap<String, Vec<GuardianRow>> = BTreeMap::new();
        let mut order = Vec::new();
        for row in rows {
            self.listed.insert(row.guardian_id.clone());
            if !by_guardian.contains_key(&row.guardian_id) {
                order.push(row.guardian_id.clone());
            }
            by_guardian.entry(row.guardian_id.clone()).or_default().push(row);
        }
        for guardian_id in order {
            let Some(rows) = by_guardian.remove(&guardian_id) else { continue };
            let mut children = Vec::new();
            for row in &rows {
                match self.input.registry.person(ImportKind::Pupils, &row.pupil_national_id).and_then(|id| self.input.users.get(&id)) {
                    Some(p) if p.active => children.push((row.line, p.user_id)),
                    _ => self.reject(
                        row.line,
                        &guardian_id,
                        Column::PupilNationalId,
                        format!("unknown pupil {:?}: import the pupils first", row.pupil_national_id),
                    ),
                }
            }
            let Some(first) = rows.iter().find(|r| children.iter().any(|(line, _)| *line == r.line)) else { continue };
            let (email, phone) = (first.email.clone(), first.phone.clone());
            match self.existing(ImportKind::Guardians, &guardian_id) {
                Err(reason) => {
                    for (line, _) in &children {
                        self.reject(*line, &guardian_id, Column::GuardianId, reason.clone());
                    }
                }
                Ok(Some(parent)) => {
                    let mut events: Vec<Event> = children
                        .iter()
                        .filter(|(_, c)| !parent.children.contains(c))
                        .map(|(_, c)| Event::ParentLinked(ParentLinked { parent: parent.user_id, pupil: *c }))
                        .collect();
                    if (parent.email.as_ref(), parent.phone.as_ref()) != (email.as_ref(), phone.as_ref()) {
                        events.push(Event::ContactDetailsSet(ContactDetailsSet { user_id: parent.user_id, email, phone }));
                    }
                    if events.is_empty() && !self.changes.contains_key(&parent.user_id) {
                        self.unchanged += 1;
                    } else {
                        self.changes.entry(parent.user_id).or_default().extend(events);
                    }
                }
                Ok(None) => {
                    let user_id = new_id(&guardian_id);
                    let mut follow_up = Vec::new();
                    if email.is_some() || phone.is_some() {
                        follow_up.push(Event::ContactDetailsSet(ContactDetailsSet { user_id, email, phone }));
                    }
                    follow_up.extend(children.iter().map(|(_, c)| Event::ParentLinked(ParentLinked { parent: user_id, pupil: *c })));
                    self.new_people.push(NewPerson {
                        user_id,
                        external_id: guardian_id,
                        profile: Profile::Parent,
                        first_name: first.first_name.clone(),
                        last_name: first.last_name.clone(),
                        birth_date: None,
                        class: None,
                        follow_up,
                    });
                }
            }
        }
    }

    fn teachers(&mut self, rows: Vec<TeacherRow>, new_id: &mut dyn FnMut(&str) -> Uuid) {
        let uai = self.input.structure.uai.clone();
        // One teacher, several rows (one per subject): names of the first, lines of all.
        let mut by_teacher: BTreeMap<String, TeacherServices> = BTreeMap::new();
        let mut order = Vec::new();
        for row in rows {
            self.listed.insert(row.teacher_id.clone());
            let subject =
                self.input.structure.subjects.iter().find(|(_, (code, _))| code.eq_ignore_ascii_case(&row.subject_code)).map(|(id, _)| *id);
            let Some(subject) = subject else {
                self.reject(row.line, &row.teacher_id, Column::Subject, format!("unknown subject {:?}", row.subject_code));
                continue;
            };
            let classes: Result<Vec<Uuid>, String> = row
                .class_codes
                .iter()
                .map(|code| self.class_or_group_by_code(code).ok_or_else(|| format!("unknown class {code:?}")))
                .collect();
            let classes = match classes {
                Ok(c) => c,
                Err(reason) => {
                    self.reject(row.line, &row.teacher_id, Column::Classes, reason);
                    continue;
                }
            };
            if !by_teacher.contains_key(&row.teacher_id) {
                order.push(row.teacher_id.clone());
            }
            let entry = by_teacher.entry(row.teacher_id.clone()).or_insert_with(|| (row.clone(), BTreeSet::new(), Vec::new()));
            entry.1.extend(classes.into_iter().map(|c| (subject, c)));
            entry.2.push(row.line);
        }
        for teacher_id in order {
            let Some((first, assignments, lines)) = by_teacher.remove(&teacher_id) else { continue };
            let assigned = |teacher: Uuid, (subject_id, class_or_group): (Uuid, Uuid)| {
                Event::TeacherAssigned(TeacherAssigned { teacher, structure: uai.clone(), subject_id, class_or_group })
            };
            match self.existing(ImportKind::Teachers, &teacher_id) {
                Err(reason) => {
                    for line in lines {
                        self.reject(line, &teacher_id, Column::TeacherId, reason.clone());
                    }
                }
                Ok(Some(teacher)) => {
                    let events: Vec<Event> =
                        assignments.iter().filter(|(s, c)| !teacher.teaches(*s, *c)).map(|a| assigned(teacher.user_id, *a)).collect();
                    if events.is_empty() && !self.changes.contains_key(&teacher.user_id) {
                        self.unchanged += 1;
                    } else {
                        self.changes.entry(teacher.user_id).or_default().extend(events);
                    }
                }
                Ok(None) => {
                    let user_id = new_id(&teacher_id);
                    self.new_people.push(NewPerson {
                        user_id,
                        external_id: teacher_id,
                        profile: Profile::Enseignant,
                        first_name: first.first_name.clone(),
                        last_name: first.last_name.clone(),
                        birth_date: None,
                        class: None,
                        follow_up: assignments.iter().map(|a| assigned(user_id, *a)).collect(),
                    });
                }
            }
        }
    }

    /// The active accounts of this kind the import manages that no row of the file names.
    fn departures(&self) -> Vec<Uuid> {
        self.input
            .registry
            .people_of(self.input.kind)
            .filter(|(external_id, _)| !self.listed.contains(*external_id))
            .filter(|(_, id)| self.input.users.get(id).is_some_and(|u| u.active))
            .map(|(_, id)| id)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Aggregate;
    use crate::directory::commands::{CreateClass, CreateStructure, CreateSubject};
    use crate::directory::import::parse::parse_file;
    use crate::directory::structure::{create_class, create_structure, create_subject};
    use crate::directory::types::{Level, StructureKind};

    fn now() -> DateTime<Utc> {
        chrono::NaiveDate::from_ymd_opt(2026, 9, 1).and_then(|d| d.and_hms_opt(8, 0, 0)).map(|d| d.and_utc()).unwrap()
    }

    fn school() -> StructureState {
        let cmd = CreateStructure { uai: "0751234A".into(), name: "Collège".into(), kind: StructureKind::College };
        let mut s = StructureState::from_history(&create_structure(&StructureState::default(), &cmd).unwrap());
        for code in ["6A", "6B"] {
            let cmd = CreateClass { class_id: None, structure: s.uai.clone(), code: code.into(), level: Level::Sixieme };
            for e in create_class(&s, &cmd, Uuid::new_v4()).unwrap() {
                s.apply(&e);
            }
        }
        let cmd = CreateSubject { subject_id: None, structure: s.uai.clone(), code: "MATHS".into(), name: "Maths".into() };
        for e in create_subject(&s, &cmd, Uuid::new_v4()).unwrap() {
            s.apply(&e);
        }
        s
    }

    /// Decides `text` and applies it as the commands layer would: the registry and the users.
    fn import(
        s: &StructureState,
        registry: &mut ImportRegistry,
        users: &mut BTreeMap<Uuid, UserState>,
        kind: ImportKind,
        text: &str,
    ) -> ImportDecision {
        let parsed = parse_file(kind, &ColumnMapping::default(), text).unwrap();
        let input = ImportInput {
            structure: s,
            registry,
            kind,
            mapping: &ColumnMapping::default(),
            import_id: Uuid::new_v4(),
            file_sha256: format!("{:x}", text.len() * 31 + text.bytes().map(usize::from).sum::<usize>()),
            now: now(),
            users,
        };
        let decision = decide_import(&input, parsed, |_| Uuid::new_v4());
        if decision.same_as_last.is_none() {
            for p in &decision.new_people {
                users.insert(p.user_id, UserState::from_history(&p.events(&s.uai, kind, "x.y", now())));
            }
            for (id, events) in &decision.changes {
                if let Some(u) = users.get_mut(id) {
                    events.iter().for_each(|e| u.apply(e));
                }
            }
            registry.apply(&Event::DirectoryImported(decision.report.clone()));
        }
        decision
    }

    const PUPILS: &str =
        "INE;NOM;PRENOM;DATE_NAISSANCE;DIVISION\n1A;Martin;Léa;02/03/2014;6A\n2A;Roux;Noé;02/03/2014;6A\n3A;Petit;Inès;02/03/2014;6C\n";

    #[test]
    fn pupils_are_created_once_moved_when_their_class_changes_and_deactivated_when_they_leave() {
        let (s, mut registry, mut users) = (school(), ImportRegistry::default(), BTreeMap::new());
        let first = import(&s, &mut registry, &mut users, ImportKind::Pupils, PUPILS);
        assert_eq!((first.new_people.len(), first.report.rejected.len()), (2, 1));
        assert_eq!(first.report.rejected[0].reason, "unknown class \"6C\"");
        assert_eq!(import(&s, &mut registry, &mut users, ImportKind::Pupils, PUPILS).same_as_last, Some(first.report.import_id));

        let next = "INE;NOM;PRENOM;DATE_NAISSANCE;DIVISION\n1A;Martin;Léa;02/03/2014;6B\n3A;Petit;Inès;02/03/2014;6C\n";
        let second = import(&s, &mut registry, &mut users, ImportKind::Pupils, next);
        let lea = registry.person(ImportKind::Pupils, "1A").unwrap();
        let noe = registry.person(ImportKind::Pupils, "2A").unwrap();
        assert!(matches!(&second.changes[&lea][..], [Event::PupilEnrolled(e)] if e.previous_class.is_some()));
        assert!(matches!(&second.changes[&noe][..], [Event::UserDeactivated(_)]));
        assert_eq!((second.report.counts.updated, second.report.counts.deactivated), (1, 1));
        assert!(!users[&noe].active);
        // Noé comes back: the import had deactivated him, it reactivates him.
        let back = import(&s, &mut registry, &mut users, ImportKind::Pupils, PUPILS);
        assert_eq!(back.report.rejected.iter().map(|r| r.line).collect::<Vec<_>>(), vec![4]);
        assert!(matches!(&back.changes[&noe][..], [Event::UserReactivated(_)]));
        assert_eq!((back.report.reactivated.clone(), users[&noe].active), (vec![noe], true));
        // An account an administrator deactivated is reported, not reactivated.
        let by_admin = Event::UserDeactivated(UserDeactivated { user_id: lea, reason: "exclusion".into() });
        users.entry(lea).and_modify(|u| u.apply(&by_admin));
        let next = "INE;NOM;PRENOM;DATE_NAISSANCE;DIVISION\n1A;Martin;Léa;02/03/2014;6B\n2A;Roux;Noé;02/03/2014;6A\n";
        let d = import(&s, &mut registry, &mut users, ImportKind::Pupils, next);
        assert_eq!(d.report.rejected[0].reason, "the account of this id was deactivated by an administrator");
        assert!(d.changes.is_empty() && !users[&lea].active);
    }

    #[test]
    fn a_pupil_with_a_bad_row_this_week_is_not_taken_for_a_departure() {
        let (s, mut registry, mut users) = (school(), ImportRegistry::default(), BTreeMap::new());
        import(&s, &mut registry, &mut users, ImportKind::Pupils, PUPILS);
        let next = "INE;NOM;PRENOM;DATE_NAISSANCE;DIVISION\n1A;Martin;Léa;02/03/2014;6A\n2A;Roux;Noé;31/02/2014;6A\n";
        let d = import(&s, &mut registry, &mut users, ImportKind::Pupils, next);
        assert_eq!((d.report.counts.deactivated, d.report.counts.rejected), (0, 1));
    }

    #[test]
    fn guardians_are_linked_to_imported_pupils_only_and_teachers_to_known_subjects_and_classes() {
        let (s, mut registry, mut users) = (school(), ImportRegistry::default(), BTreeMap::new());
        import(&s, &mut registry, &mut users, ImportKind::Pupils, PUPILS);
        let guardians = "ID_RESPONSABLE;NOM;PRENOM;INE_ELEVE;LIEN;EMAIL;TELEPHONE\n\
                         R1;Martin;Anne;1A;mère;;\nR1;Martin;Anne;2A;mère;;\nR1;Martin;Anne;9Z;mère;;\n";
        let d = import(&s, &mut registry, &mut users, ImportKind::Guardians, guardians);
        let links = d.new_people[0].follow_up.iter().filter(|e| matches!(e, Event::ParentLinked(_))).count();
        assert_eq!((links, d.report.rejected.len(), d.report.rejected[0].line), (2, 1, 4));
        let teachers = "ID_STS;NOM;PRENOM;MATIERE;DIVISIONS\nT1;Blanc;Ana;MATHS;6A,6B\nT2;Noir;Léo;MATHS;6A,5Z\n";
        let d = import(&s, &mut registry, &mut users, ImportKind::Teachers, teachers);
        assert_eq!(d.new_people.len(), 1);
        assert_eq!(d.new_people[0].follow_up.len(), 2);
        assert_eq!(d.report.rejected[0].reason, "unknown class \"5Z\"");
    }
}
