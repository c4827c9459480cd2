//! Who may issue which command (BRIEF §1). Handlers call these after loading what they need;
//! HTTP handlers never decide authorization.

use ent_domain::Actor;

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

/// Granting ADML rights: platform admins, or an ADML of that structure.
pub fn require_grant_admin(actor: &Actor, uai: &str) -> Result<(), CommandError> {
    let allowed = actor.is_platform_admin() || actor.user().is_some_and(|u| u.admin_of.contains(uai));
    if allowed { Ok(()) } else { Err(CommandError::Forbidden(format!("only a local administrator of {uai} may grant administration"))) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ent_domain::directory::{Profile, Role, UserState};

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
}
