//! Who may act in the vie scolaire (BRIEF §1, §2.5).

use ent_domain::Actor;
use ent_domain::directory::{Profile, Role};

use crate::error::CommandError;

fn personnel_role(actor: &Actor, uai: &str, roles: &[Role]) -> bool {
    actor.user().is_some_and(|u| u.structure == uai && u.profile == Some(Profile::Personnel) && u.role.is_some_and(|r| roles.contains(&r)))
}

/// The timetable: the structure's administrators and its administrative staff.
pub fn require_timetable_manager(actor: &Actor, uai: &str) -> Result<(), CommandError> {
    if actor.administers(uai) || personnel_role(actor, uai, &[Role::Administratif]) {
        Ok(())
    } else {
        Err(CommandError::Forbidden("only the direction or administrative staff manage the timetable".into()))
    }
}

/// Absence follow-up (justification decisions, absences reported by phone): CPE and direction.
pub fn require_vie_scolaire(actor: &Actor, uai: &str) -> Result<(), CommandError> {
    if actor.is_platform_admin() || personnel_role(actor, uai, &[Role::Cpe, Role::Direction]) {
        Ok(())
    } else {
        Err(CommandError::Forbidden("only the CPE or the direction may do this".into()))
    }
}

/// Sanctions: the head of school (direction) only, R511-13.
pub fn require_direction(actor: &Actor, uai: &str) -> Result<(), CommandError> {
    if matches!(actor, Actor::System) || personnel_role(actor, uai, &[Role::Direction]) {
        Ok(())
    } else {
        Err(CommandError::Forbidden("only the head of school pronounces or erases sanctions".into()))
    }
}

/// Punishments: any teacher or staff member of the structure.
pub fn require_educator(actor: &Actor, uai: &str) -> Result<(), CommandError> {
    let ok = actor.user().is_some_and(|u| u.structure == uai && matches!(u.profile, Some(Profile::Enseignant | Profile::Personnel)));
    if ok { Ok(()) } else { Err(CommandError::Forbidden("only teachers and staff of the pupil's structure give punishments".into())) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ent_domain::directory::UserState;

    fn user(profile: Profile, role: Option<Role>) -> Actor {
        Actor::User(Box::new(UserState { profile: Some(profile), role, structure: "0751234A".into(), active: true, ..Default::default() }))
    }

    #[test]
    fn sanction_authority_is_the_direction_only() {
        assert!(require_direction(&user(Profile::Personnel, Some(Role::Direction)), "0751234A").is_ok());
        assert!(require_direction(&user(Profile::Personnel, Some(Role::Cpe)), "0751234A").is_err());
        assert!(require_direction(&user(Profile::Enseignant, None), "0751234A").is_err());
        assert!(require_direction(&user(Profile::Personnel, Some(Role::Direction)), "0759999Z").is_err());
    }

    #[test]
    fn any_teacher_or_staff_gives_punishments_but_not_parents() {
        assert!(require_educator(&user(Profile::Enseignant, None), "0751234A").is_ok());
        assert!(require_educator(&user(Profile::Personnel, Some(Role::Administratif)), "0751234A").is_ok());
        assert!(require_educator(&user(Profile::Parent, None), "0751234A").is_err());
    }
}
