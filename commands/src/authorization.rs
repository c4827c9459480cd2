//! Who may issue which command (BRIEF §1). Handlers call these after loading what they need;
//! HTTP handlers never decide authorization.

use ent_domain::Actor;
use ent_domain::directory::{Profile, StructureState};
use uuid::Uuid;

use crate::error::CommandError;

/// Only platform administrators (or the system) act on the platform itself.
pub fn require_platform_admin(actor: &Actor) -> Result<(), CommandError> {
    if actor.is_platform_admin() { Ok(()) } else { Err(CommandError::Forbidden("only a platform administrator may do this".into())) }
}

/// The directory of a structure is managed by its ADMLs, its direction and platform admins.
pub fn require_directory_admin(actor: &Actor, uai: &str) -> Result<(), CommandError> {
    if actor.administers(uai) {
        Ok(())
    } else {
        Err(CommandError::Forbidden(format!("only an administrator of structure {uai} may do this")))
    }
}

/// Unlocking an account, revoking its sessions: platform admins, or an ADML of the account's
/// structure (docs/domain.md, "Logins").
pub fn require_account_admin(actor: &Actor, uai: &str) -> Result<(), CommandError> {
    let allowed = actor.is_platform_admin() || actor.user().is_some_and(|u| u.admin_of.contains(uai));
    if allowed {
        Ok(())
    } else {
        Err(CommandError::Forbidden(format!("only a local administrator of {uai} or a platform administrator may do this")))
    }
}

/// Granting ADML rights: platform admins, or an ADML of that structure.
pub fn require_grant_admin(actor: &Actor, uai: &str) -> Result<(), CommandError> {
    let allowed = actor.is_platform_admin() || actor.user().is_some_and(|u| u.admin_of.contains(uai));
    if allowed { Ok(()) } else { Err(CommandError::Forbidden(format!("only a local administrator of {uai} may grant administration"))) }
}

/// The structure an actor acts in (commands that name a class or an entry, not a structure).
pub fn actor_structure(actor: &Actor) -> Result<String, CommandError> {
    match actor.user() {
        Some(u) if !actor.is_platform_admin() => Ok(u.structure.clone()),
        _ => Err(CommandError::Forbidden("only members of a structure act on its pedagogy".into())),
    }
}

/// Pedagogy of a class or group in a subject (grades, lesson log): its teacher, or the direction.
pub fn require_teacher_or_direction(actor: &Actor, uai: &str, subject: Uuid, class_or_group: Uuid) -> Result<(), CommandError> {
    if actor.teaches(uai, subject, class_or_group) || actor.is_direction_of(uai) {
        Ok(())
    } else {
        Err(CommandError::Forbidden("only the teacher of this subject in this class or group, or the direction, may do this".into()))
    }
}

/// Publishing bulletins, subject coefficients, visas: the direction of the structure.
pub fn require_direction(actor: &Actor, uai: &str) -> Result<(), CommandError> {
    if actor.is_direction_of(uai) { Ok(()) } else { Err(CommandError::Forbidden(format!("only the direction of {uai} may do this"))) }
}

/// Following a pupil (council appreciation, competencies): a teacher of the pupil's class or of
/// one of their groups (any subject), or the direction.
pub fn require_teacher_of_pupil(actor: &Actor, structure: &StructureState, class: Option<Uuid>, pupil: Uuid) -> Result<(), CommandError> {
    let teaches = actor.user().is_some_and(|u| {
        u.structure == structure.uai
            && u.profile == Some(Profile::Enseignant)
            && (class.is_some_and(|c| u.teaches_class(c))
                || structure.groups.iter().any(|(id, g)| g.members.contains(&pupil) && u.teaches_class(*id)))
    });
    if teaches || actor.is_direction_of(&structure.uai) {
        Ok(())
    } else {
        Err(CommandError::Forbidden("only a teacher of this pupil, or the direction, may do this".into()))
    }
}

/// A subject appreciation: the teacher of that subject in the pupil's class or one of their
/// groups, or the direction.
pub fn require_subject_teacher_of_pupil(
    actor: &Actor,
    structure: &StructureState,
    class: Uuid,
    pupil: Uuid,
    subject: Uuid,
) -> Result<(), CommandError> {
    let uai = &structure.uai;
    let teaches = actor.teaches(uai, subject, class)
        || structure.groups.iter().any(|(id, g)| g.members.contains(&pupil) && actor.teaches(uai, subject, *id));
    if teaches || actor.is_direction_of(uai) {
        Ok(())
    } else {
        Err(CommandError::Forbidden("only the pupil's teacher of this subject, or the direction, may do this".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ent_domain::directory::{Role, UserState};

    fn user(profile: Profile, role: Option<Role>, structure: &str) -> Actor {
        Actor::User(Box::new(UserState { profile: Some(profile), role, structure: structure.into(), active: true, ..Default::default() }))
    }

    #[test]
    fn teacher_cannot_administer_the_directory() {
        assert!(require_directory_admin(&user(Profile::Enseignant, None, "0751234A"), "0751234A").is_err());
        assert!(require_platform_admin(&user(Profile::Enseignant, None, "0751234A")).is_err());
    }

    #[test]
    fn direction_administers_only_its_own_structure() {
        let head = user(Profile::Personnel, Some(Role::Direction), "0751234A");
        assert!(require_directory_admin(&head, "0751234A").is_ok());
        assert!(require_directory_admin(&head, "0759999Z").is_err());
        assert!(require_grant_admin(&head, "0751234A").is_err());
    }

    #[test]
    fn system_may_do_everything() {
        assert!(require_platform_admin(&Actor::System).is_ok());
        assert!(require_directory_admin(&Actor::System, "0751234A").is_ok());
    }

    #[test]
    fn only_the_teacher_of_that_subject_and_class_or_the_direction_grades() {
        let (subject, other_subject, class) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let mut teacher =
            UserState { profile: Some(Profile::Enseignant), structure: "0751234A".into(), active: true, ..Default::default() };
        teacher.assignments.insert(ent_domain::directory::user::Assignment { subject_id: subject, class_or_group: class });
        let teacher = Actor::User(Box::new(teacher));
        assert!(require_teacher_or_direction(&teacher, "0751234A", subject, class).is_ok());
        assert!(require_teacher_or_direction(&teacher, "0751234A", other_subject, class).is_err());
        assert!(require_teacher_or_direction(&teacher, "0759999Z", subject, class).is_err());
        let head = user(Profile::Personnel, Some(Role::Direction), "0751234A");
        assert!(require_teacher_or_direction(&head, "0751234A", other_subject, class).is_ok());
    }

    #[test]
    fn only_the_direction_publishes_bulletins() {
        assert!(require_direction(&user(Profile::Personnel, Some(Role::Direction), "0751234A"), "0751234A").is_ok());
        assert!(require_direction(&user(Profile::Personnel, Some(Role::Cpe), "0751234A"), "0751234A").is_err());
        assert!(require_direction(&user(Profile::Enseignant, None, "0751234A"), "0751234A").is_err());
    }
}
