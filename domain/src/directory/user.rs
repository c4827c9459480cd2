//! The user aggregate: a person's account, profile, class, children, assignments and grants.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::commands::{
    AppointInspector, AssignTeacher, ChangePassword, CreateRectoratUser, CreateUser, DeactivateUser, EnrolPupil, GrantAdmin,
};
use super::events::*;
use super::password_policy::{PasswordOwner, check_password};
use super::structure::StructureState;
use super::types::{Profile, Role, validate_text};
use crate::{Aggregate, DomainError, Event, PLATFORM, StreamId};

/// A teaching assignment: this subject, to this class or group.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Assignment {
    pub subject_id: Uuid,
    pub class_or_group: Uuid,
}

/// State of one user, folded from their stream.
#[derive(Debug, Clone, Default)]
pub struct UserState {
    pub user_id: Uuid,
    pub structure: String,
    pub profile: Option<Profile>,
    pub role: Option<Role>,
    pub first_name: String,
    pub last_name: String,
    pub login: String,
    pub active: bool,
    pub password_set: bool,
    /// Current class and the day the pupil joined it.
    pub class: Option<(Uuid, NaiveDate)>,
    /// Every enrolment, oldest first: (class, since).
    pub enrolments: Vec<(Uuid, NaiveDate)>,
    pub children: BTreeSet<Uuid>,
    pub assignments: BTreeSet<Assignment>,
    pub admin_of: BTreeSet<String>,
    /// A rectorat user appointed inspector.
    pub inspector: bool,
    /// Failed logins of the current run (docs/domain.md, "Logins"); see [`super::throttle`].
    pub failed_logins: u32,
    /// When the last failure of the run happened.
    pub last_failed_login: Option<DateTime<Utc>>,
    /// Logins are refused until then (a lockout), unless an administrator unlocks the account.
    pub locked_until: Option<DateTime<Utc>>,
    /// Sessions ended by a logout (their `sid`); see [`super::sessions`].
    pub revoked_sessions: BTreeSet<Uuid>,
    /// Tokens issued up to this instant (to the second) are refused (`RevokeSessions`).
    pub sessions_revoked_before: Option<DateTime<Utc>>,
    /// The external id a directory import matches this account on (docs/domain.md, "Rentrée import").
    pub external_id: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// An unused activation code works until then (docs/domain.md, "Activation codes").
    pub activation_expires_at: Option<DateTime<Utc>>,
}

impl UserState {
    /// The stream of user `id` in structure `structure`.
    pub fn stream(structure: &str, id: Uuid) -> StreamId {
        StreamId::new(structure, Self::TYPE, id.to_string())
    }

    pub fn exists(&self) -> bool {
        self.profile.is_some()
    }

    /// `first last`, for display.
    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// The class the pupil was in on `date`, if any.
    pub fn class_on(&self, date: NaiveDate) -> Option<Uuid> {
        self.enrolments.iter().rev().find(|(_, since)| *since <= date).map(|(c, _)| *c)
    }

    /// Whether this teacher teaches `subject` to `class_or_group`.
    pub fn teaches(&self, subject_id: Uuid, class_or_group: Uuid) -> bool {
        self.assignments.contains(&Assignment { subject_id, class_or_group })
    }

    /// Whether this teacher teaches anything to `class_or_group`.
    pub fn teaches_class(&self, class_or_group: Uuid) -> bool {
        self.assignments.iter().any(|a| a.class_or_group == class_or_group)
    }

    fn require_active(&self, field: &str, profile: Profile) -> Result<(), DomainError> {
        if !self.exists() {
            return Err(DomainError::NotFound(field.to_string()));
        }
        if self.profile != Some(profile) {
            return Err(DomainError::field(field, format!("is not a user with profile {profile:?}")));
        }
        if !self.active {
            return Err(DomainError::rule(format!("{field} is deactivated")));
        }
        Ok(())
    }
}

impl Aggregate for UserState {
    const TYPE: &'static str = "user";

    fn apply(&mut self, event: &Event) {
        match event {
            Event::UserCreated(e) => {
                self.user_id = e.user_id;
                self.structure = e.structure.clone();
                self.profile = Some(e.profile);
                self.role = e.role;
                self.first_name = e.first_name.clone();
                self.last_name = e.last_name.clone();
                self.login = e.login.clone();
                self.active = true;
            }
            Event::PasswordSet(_) => self.password_set = true,
            Event::PupilEnrolled(e) => {
                self.class = Some((e.class_id, e.since));
                self.enrolments.push((e.class_id, e.since));
            }
            Event::ParentLinked(e) => {
                self.children.insert(e.pupil);
            }
            Event::TeacherAssigned(e) => {
                self.assignments.insert(Assignment { subject_id: e.subject_id, class_or_group: e.class_or_group });
            }
            Event::AdminGranted(e) => {
                self.admin_of.insert(e.structure.clone());
            }
            Event::InspectorAppointed(_) => self.inspector = true,
            Event::UserDeactivated(_) => self.active = false,
            Event::UserReactivated(_) => self.active = true,
            Event::LoginFailed(e) => {
                self.failed_logins = e.consecutive;
                self.last_failed_login = Some(e.at);
                if self.locked_until.is_some_and(|until| e.at >= until) {
                    self.locked_until = None;
                }
            }
            Event::AccountLocked(e) => self.locked_until = Some(e.until),
            Event::SessionRevoked(e) => {
                self.revoked_sessions.insert(e.session_id);
            }
            Event::SessionsRevoked(e) => {
                self.sessions_revoked_before = self.sessions_revoked_before.max(Some(e.before));
            }
            Event::UserImported(e) => {
                self.external_id = Some(e.external_id.clone());
                self.birth_date = e.birth_date;
            }
            Event::ContactDetailsSet(e) => {
                self.email = e.email.clone();
                self.phone = e.phone.clone();
            }
            Event::ActivationCodeIssued(e) => self.activation_expires_at = Some(e.expires_at),
            Event::AccountActivated(_) => self.activation_expires_at = None,
            Event::AccountUnlocked(_) | Event::LoginSucceeded(_) => {
                self.failed_logins = 0;
                self.last_failed_login = None;
                self.locked_until = None;
            }
            _ => {}
        }
    }
}

/// `CreateUser`: names given, role only for personnel, no platform profile, structure exists.
/// The caller has already picked a free `login` and checked the password.
pub fn create_user(structure: &StructureState, cmd: &CreateUser, user_id: Uuid, login: &str) -> Result<Vec<Event>, DomainError> {
    if !structure.exists() {
        return Err(DomainError::NotFound("structure".into()));
    }
    if cmd.profile == Profile::PlatformAdmin {
        return Err(DomainError::field("profile", "platform administrators are created with `ent bootstrap-admin`"));
    }
    if cmd.profile == Profile::Rectorat {
        return Err(DomainError::field("profile", "rectorat users are platform-level: use `CreateRectoratUser`"));
    }
    if cmd.role.is_some() && cmd.profile != Profile::Personnel {
        return Err(DomainError::field("role", "only a personnel user has a role"));
    }
    let first_name = validate_text("first_name", &cmd.first_name, 100)?;
    let last_name = validate_text("last_name", &cmd.last_name, 100)?;
    let mut events = vec![Event::UserCreated(UserCreated {
        user_id,
        structure: structure.uai.clone(),
        profile: cmd.profile,
        role: cmd.role,
        first_name,
        last_name,
        login: login.to_string(),
    })];
    if cmd.password.is_some() {
        events.push(Event::PasswordSet(PasswordSet { user_id }));
    }
    Ok(events)
}

/// `CreateRectoratUser`: a platform-level user of profile `rectorat`, names given. The caller
/// has already picked a free `login` and checked the password.
pub fn create_rectorat_user(cmd: &CreateRectoratUser, user_id: Uuid, login: &str) -> Result<Vec<Event>, DomainError> {
    let first_name = validate_text("first_name", &cmd.first_name, 100)?;
    let last_name = validate_text("last_name", &cmd.last_name, 100)?;
    if cmd.discipline.is_some() && !cmd.inspector {
        return Err(DomainError::field("discipline", "only an inspector has a discipline"));
    }
    let discipline = cmd.discipline.as_deref().map(|d| validate_text("discipline", d, 100)).transpose()?;
    let mut events = vec![Event::UserCreated(UserCreated {
        user_id,
        structure: PLATFORM.to_string(),
        profile: Profile::Rectorat,
        role: None,
        first_name,
        last_name,
        login: login.to_string(),
    })];
    if cmd.inspector {
        events.push(Event::InspectorAppointed(InspectorAppointed { user_id, discipline }));
    }
    if cmd.password.is_some() {
        events.push(Event::PasswordSet(PasswordSet { user_id }));
    }
    Ok(events)
}

/// `AppointInspector`: an active rectorat user who is not an inspector yet.
pub fn appoint_inspector(user: &UserState, cmd: &AppointInspector) -> Result<Vec<Event>, DomainError> {
    if !user.exists() {
        return Err(DomainError::NotFound("user".into()));
    }
    if user.profile != Some(Profile::Rectorat) {
        return Err(DomainError::field("user", "only a rectorat user can be appointed inspector"));
    }
    if !user.active {
        return Err(DomainError::rule("user is deactivated"));
    }
    if user.inspector {
        return Err(DomainError::rule("the user is already an inspector"));
    }
    let discipline = cmd.discipline.as_deref().map(|d| validate_text("discipline", d, 100)).transpose()?;
    Ok(vec![Event::InspectorAppointed(InspectorAppointed { user_id: user.user_id, discipline })])
}

/// `EnrolPupil`: an active pupil, into a class of their own structure, not the one they are in.
pub fn enrol_pupil(pupil: &UserState, structure: &StructureState, cmd: &EnrolPupil, today: NaiveDate) -> Result<Vec<Event>, DomainError> {
    pupil.require_active("pupil", Profile::Eleve)?;
    if !structure.classes.contains_key(&cmd.class) {
        return Err(DomainError::NotFound("class".into()));
    }
    let since = cmd.since.unwrap_or(today);
    if let Some((current, current_since)) = pupil.class {
        if current == cmd.class {
            return Err(DomainError::rule("the pupil is already enrolled in this class"));
        }
        if since < current_since {
            return Err(DomainError::field("since", "before the pupil's current enrolment"));
        }
    }
    Ok(vec![Event::PupilEnrolled(PupilEnrolled {
        pupil: pupil.user_id,
        structure: structure.uai.clone(),
        class_id: cmd.class,
        since,
        previous_class: pupil.class.map(|(c, _)| c),
    })])
}

/// `LinkParent`: an active parent and a pupil, not already linked.
pub fn link_parent(parent: &UserState, pupil: &UserState) -> Result<Vec<Event>, DomainError> {
    parent.require_active("parent", Profile::Parent)?;
    pupil.require_active("pupil", Profile::Eleve)?;
    if parent.children.contains(&pupil.user_id) {
        return Err(DomainError::rule("this parent is already linked to this pupil"));
    }
    Ok(vec![Event::ParentLinked(ParentLinked { parent: parent.user_id, pupil: pupil.user_id })])
}

/// `AssignTeacher`: an active teacher, a subject and a class/group of the teacher's structure.
pub fn assign_teacher(teacher: &UserState, structure: &StructureState, cmd: &AssignTeacher) -> Result<Vec<Event>, DomainError> {
    teacher.require_active("teacher", Profile::Enseignant)?;
    if !structure.subjects.contains_key(&cmd.subject) {
        return Err(DomainError::NotFound("subject".into()));
    }
    if !structure.has_class_or_group(cmd.class_or_group) {
        return Err(DomainError::NotFound("class_or_group".into()));
    }
    if teacher.teaches(cmd.subject, cmd.class_or_group) {
        return Err(DomainError::rule("this teacher is already assigned to this subject and class"));
    }
    Ok(vec![Event::TeacherAssigned(TeacherAssigned {
        teacher: teacher.user_id,
        structure: structure.uai.clone(),
        subject_id: cmd.subject,
        class_or_group: cmd.class_or_group,
    })])
}

/// `GrantAdmin`: an active staff member (personnel or teacher) of that very structure.
pub fn grant_admin(user: &UserState, structure: &StructureState, cmd: &GrantAdmin) -> Result<Vec<Event>, DomainError> {
    if !user.exists() {
        return Err(DomainError::NotFound("user".into()));
    }
    if !structure.exists() {
        return Err(DomainError::NotFound("structure".into()));
    }
    if !matches!(user.profile, Some(Profile::Personnel | Profile::Enseignant)) {
        return Err(DomainError::field("user", "only personnel or teachers can be local administrators"));
    }
    if !user.active {
        return Err(DomainError::rule("user is deactivated"));
    }
    if user.structure != structure.uai {
        return Err(DomainError::field("structure", "the user does not belong to this structure"));
    }
    if user.admin_of.contains(&structure.uai) {
        return Err(DomainError::rule("the user already administers this structure"));
    }
    Ok(vec![Event::AdminGranted(AdminGranted { user_id: user.user_id, structure: cmd.structure.clone() })])
}

/// `DeactivateUser`: an active user, with a reason.
pub fn deactivate_user(user: &UserState, cmd: &DeactivateUser) -> Result<Vec<Event>, DomainError> {
    if !user.exists() {
        return Err(DomainError::NotFound("user".into()));
    }
    if !user.active {
        return Err(DomainError::rule("the user is already deactivated"));
    }
    let reason = validate_text("reason", &cmd.reason, 500)?;
    Ok(vec![Event::UserDeactivated(UserDeactivated { user_id: user.user_id, reason })])
}

/// `ChangePassword`: an active user, a new password following the policy (docs/domain.md,
/// "Passwords") and different from the current one. The caller has already checked `current`
/// against the stored hash.
pub fn change_password(user: &UserState, cmd: &ChangePassword) -> Result<Vec<Event>, DomainError> {
    if !user.exists() {
        return Err(DomainError::NotFound("user".into()));
    }
    if !user.active {
        return Err(DomainError::rule("the account is deactivated"));
    }
    if cmd.new == cmd.current {
        return Err(DomainError::field("new", "must differ from the current password"));
    }
    check_password("new", &cmd.new, PasswordOwner { login: &user.login, first_name: &user.first_name, last_name: &user.last_name })?;
    Ok(vec![Event::PasswordSet(PasswordSet { user_id: user.user_id })])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::commands::{CreateClass, CreateStructure};
    use crate::directory::structure::{create_class, create_structure};
    use crate::directory::types::{Level, StructureKind};

    fn structure_with_class() -> (StructureState, Uuid) {
        let s = StructureState::default();
        let cmd = CreateStructure { uai: "0751234A".into(), name: "Collège".into(), kind: StructureKind::College };
        let s = StructureState::from_history(&create_structure(&s, &cmd).unwrap());
        let class = Uuid::new_v4();
        let cmd = CreateClass { class_id: None, structure: s.uai.clone(), code: "6A".into(), level: Level::Sixieme };
        let events = create_class(&s, &cmd, class).unwrap();
        let s = s.evolve(&events[0]);
        (s, class)
    }

    fn user(s: &StructureState, profile: Profile, role: Option<Role>) -> UserState {
        let cmd = CreateUser {
            user_id: None,
            structure: s.uai.clone(),
            profile,
            role,
            first_name: "Léa".into(),
            last_name: "Martin".into(),
            login: None,
            password: None,
        };
        UserState::from_history(&create_user(s, &cmd, Uuid::new_v4(), "lea.martin").unwrap())
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 9, 2).unwrap()
    }

    #[test]
    fn only_personnel_has_a_role() {
        let (s, _) = structure_with_class();
        let cmd = CreateUser {
            user_id: None,
            structure: s.uai.clone(),
            profile: Profile::Enseignant,
            role: Some(Role::Cpe),
            first_name: "A".into(),
            last_name: "B".into(),
            login: None,
            password: None,
        };
        assert!(matches!(create_user(&s, &cmd, Uuid::new_v4(), "a.b"), Err(DomainError::InvalidField { field, .. }) if field == "role"));
    }

    #[test]
    fn platform_admin_cannot_be_created_through_create_user() {
        let (s, _) = structure_with_class();
        let cmd = CreateUser {
            user_id: None,
            structure: s.uai.clone(),
            profile: Profile::PlatformAdmin,
            role: None,
            first_name: "A".into(),
            last_name: "B".into(),
            login: None,
            password: None,
        };
        assert!(create_user(&s, &cmd, Uuid::new_v4(), "a.b").is_err());
    }

    #[test]
    fn rectorat_user_lives_on_the_platform_and_not_in_a_structure() {
        let (s, _) = structure_with_class();
        let cmd = CreateUser {
            user_id: None,
            structure: s.uai.clone(),
            profile: Profile::Rectorat,
            role: None,
            first_name: "A".into(),
            last_name: "B".into(),
            login: None,
            password: None,
        };
        assert!(matches!(create_user(&s, &cmd, Uuid::new_v4(), "a.b"), Err(DomainError::InvalidField { field, .. }) if field == "profile"));
        let cmd = CreateRectoratUser {
            user_id: None,
            first_name: "Inès".into(),
            last_name: "Garnier".into(),
            login: None,
            password: Some("Recteur-visite-2026".into()),
            inspector: false,
            discipline: None,
        };
        let user = UserState::from_history(&create_rectorat_user(&cmd, Uuid::new_v4(), "ines.garnier").unwrap());
        assert_eq!((user.structure.as_str(), user.profile, user.password_set), (PLATFORM, Some(Profile::Rectorat), true));
        assert!(!user.inspector);
        let blank = CreateRectoratUser { first_name: " ".into(), ..cmd };
        assert!(create_rectorat_user(&blank, Uuid::new_v4(), "x.y").is_err());
    }

    #[test]
    fn only_an_active_rectorat_user_not_yet_inspector_can_be_appointed_inspector() {
        let (s, _) = structure_with_class();
        let cmd = AppointInspector { user: Uuid::nil(), discipline: Some("lettres".into()) };
        let teacher = user(&s, Profile::Enseignant, None);
        assert!(matches!(appoint_inspector(&teacher, &cmd), Err(DomainError::InvalidField { field, .. }) if field == "user"));
        let create = CreateRectoratUser {
            user_id: None,
            first_name: "Inès".into(),
            last_name: "Garnier".into(),
            login: None,
            password: None,
            inspector: false,
            discipline: None,
        };
        let mut history = create_rectorat_user(&create, Uuid::new_v4(), "ines.garnier").unwrap();
        let rectorat = UserState::from_history(&history);
        history.extend(appoint_inspector(&rectorat, &cmd).unwrap());
        let inspector = UserState::from_history(&history);
        assert!(inspector.inspector);
        assert!(matches!(appoint_inspector(&inspector, &cmd), Err(DomainError::Rule(_))));
    }

    #[test]
    fn an_inspector_is_a_rectorat_user_appointed_at_creation_and_only_an_inspector_has_a_discipline() {
        let cmd = CreateRectoratUser {
            user_id: None,
            first_name: "Paul".into(),
            last_name: "Meyer".into(),
            login: None,
            password: None,
            inspector: true,
            discipline: Some("mathématiques".into()),
        };
        let events = create_rectorat_user(&cmd, Uuid::new_v4(), "paul.meyer").unwrap();
        assert!(matches!(&events[1], Event::InspectorAppointed(e) if e.discipline.as_deref() == Some("mathématiques")));
        let user = UserState::from_history(&events);
        assert_eq!((user.profile, user.inspector, user.structure.as_str()), (Some(Profile::Rectorat), true, PLATFORM));
        let not_inspector = CreateRectoratUser { inspector: false, ..cmd };
        assert!(matches!(
            create_rectorat_user(&not_inspector, Uuid::new_v4(), "x.y"),
            Err(DomainError::InvalidField { field, .. }) if field == "discipline"
        ));
    }

    #[test]
    fn only_a_pupil_can_be_enrolled_and_only_in_a_class_of_the_structure() {
        let (s, class) = structure_with_class();
        let pupil = user(&s, Profile::Eleve, None);
        let teacher = user(&s, Profile::Enseignant, None);
        let cmd = EnrolPupil { pupil: pupil.user_id, class, since: None };
        assert!(enrol_pupil(&pupil, &s, &cmd, today()).is_ok());
        assert!(enrol_pupil(&teacher, &s, &cmd, today()).is_err());
        let elsewhere = EnrolPupil { pupil: pupil.user_id, class: Uuid::new_v4(), since: None };
        assert!(matches!(enrol_pupil(&pupil, &s, &elsewhere, today()), Err(DomainError::NotFound(_))));
    }

    #[test]
    fn enrolment_history_answers_which_class_on_a_date() {
        let (s, class) = structure_with_class();
        let pupil = user(&s, Profile::Eleve, None);
        let cmd = EnrolPupil { pupil: pupil.user_id, class, since: Some(today()) };
        let events = enrol_pupil(&pupil, &s, &cmd, today()).unwrap();
        let pupil = pupil.evolve(&events[0]);
        assert_eq!(pupil.class_on(today()), Some(class));
        assert_eq!(pupil.class_on(today().pred_opt().unwrap()), None);
        assert!(enrol_pupil(&pupil, &s, &cmd, today()).is_err(), "same class twice");
    }

    #[test]
    fn a_parent_is_linked_to_a_pupil_once() {
        let (s, _) = structure_with_class();
        let parent = user(&s, Profile::Parent, None);
        let pupil = user(&s, Profile::Eleve, None);
        let events = link_parent(&parent, &pupil).unwrap();
        let parent = parent.evolve(&events[0]);
        assert!(parent.children.contains(&pupil.user_id));
        assert!(link_parent(&parent, &pupil).is_err());
        assert!(link_parent(&pupil, &parent).is_err(), "profiles swapped");
    }

    #[test]
    fn a_deactivated_user_cannot_be_deactivated_again_nor_enrolled() {
        let (s, class) = structure_with_class();
        let pupil = user(&s, Profile::Eleve, None);
        let cmd = DeactivateUser { user: pupil.user_id, reason: "départ".into() };
        let events = deactivate_user(&pupil, &cmd).unwrap();
        let pupil = pupil.evolve(&events[0]);
        assert!(deactivate_user(&pupil, &cmd).is_err());
        let enrol = EnrolPupil { pupil: pupil.user_id, class, since: None };
        assert!(enrol_pupil(&pupil, &s, &enrol, today()).is_err());
    }

    #[test]
    fn a_new_password_follows_the_policy_and_differs_from_the_current_one() {
        let (s, _) = structure_with_class();
        let lea = user(&s, Profile::Enseignant, None);
        let change = |new: &str| change_password(&lea, &ChangePassword { current: "user-password-1".into(), new: new.into() });
        assert!(matches!(change("user-password-1"), Err(DomainError::InvalidField { field, .. }) if field == "new"));
        assert!(matches!(change("short"), Err(DomainError::InvalidField { field, .. }) if field == "new"));
        assert!(matches!(change("Lea-Martin-2026"), Err(DomainError::InvalidField { field, .. }) if field == "new"));
        assert!(matches!(&change("trois-pommes-vertes-2026").unwrap()[..], [Event::PasswordSet(e)] if e.user_id == lea.user_id));
    }

    #[test]
    fn admin_grant_needs_staff_of_that_structure() {
        let (s, _) = structure_with_class();
        let staff = user(&s, Profile::Personnel, Some(Role::Administratif));
        let parent = user(&s, Profile::Parent, None);
        let cmd = GrantAdmin { user: staff.user_id, structure: s.uai.clone() };
        assert!(grant_admin(&staff, &s, &cmd).is_ok());
        assert!(grant_admin(&parent, &s, &cmd).is_err());
    }
}
