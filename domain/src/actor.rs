//! Who issues a command or a query: the system itself or an authenticated user.

use crate::directory::{Profile, Role, UserState};

/// The author of a command or query, with what authorization needs to know about them.
#[derive(Debug, Clone)]
pub enum Actor {
    /// The platform itself (bootstrap, scheduled jobs, the CLI).
    System,
    /// A logged-in user, as their aggregate stands now.
    User(Box<UserState>),
}

impl Actor {
    /// The id recorded in event metadata: the user id, or `system`.
    pub fn id_string(&self) -> String {
        match self {
            Actor::System => "system".to_string(),
            Actor::User(u) => u.user_id.to_string(),
        }
    }

    /// The user behind the actor, if any.
    pub fn user(&self) -> Option<&UserState> {
        match self {
            Actor::System => None,
            Actor::User(u) => Some(u),
        }
    }

    /// The system and platform administrators may act on every structure.
    pub fn is_platform_admin(&self) -> bool {
        match self {
            Actor::System => true,
            Actor::User(u) => u.profile == Some(Profile::PlatformAdmin),
        }
    }

    /// A rectorat user: cross-structure usage indicators only, never personal data.
    pub fn is_rectorat(&self) -> bool {
        self.user().is_some_and(|u| u.profile == Some(Profile::Rectorat))
    }

    /// May read the académie-wide usage indicators: the rectorat and platform administrators.
    pub fn reads_academie_indicators(&self) -> bool {
        self.is_platform_admin() || self.is_rectorat()
    }

    /// May manage the directory of `uai`: platform admin, ADML of it, or its direction.
    pub fn administers(&self, uai: &str) -> bool {
        if self.is_platform_admin() {
            return true;
        }
        self.user().is_some_and(|u| {
            u.admin_of.contains(uai) || (u.structure == uai && u.profile == Some(Profile::Personnel) && u.role == Some(Role::Direction))
        })
    }

    /// Is a member (any profile) of structure `uai`.
    pub fn belongs_to(&self, uai: &str) -> bool {
        self.is_platform_admin() || self.user().is_some_and(|u| u.structure == uai || u.admin_of.contains(uai))
    }

    /// Is a staff member (personnel or ADML) of structure `uai`, or a platform admin.
    pub fn is_staff_of(&self, uai: &str) -> bool {
        self.administers(uai) || self.user().is_some_and(|u| u.structure == uai && u.profile == Some(Profile::Personnel))
    }

    /// Is an active rectorat user appointed inspector.
    pub fn is_inspector(&self) -> bool {
        self.user().is_some_and(|u| u.active && u.profile == Some(Profile::Rectorat) && u.inspector)
    }

    /// Is the direction (head of school, deputies) of structure `uai`, or a platform admin.
    pub fn is_direction_of(&self, uai: &str) -> bool {
        self.is_platform_admin()
            || self.user().is_some_and(|u| u.structure == uai && u.profile == Some(Profile::Personnel) && u.role == Some(Role::Direction))
    }

    /// Is the teacher of `subject` for `class_or_group` in structure `uai`.
    pub fn teaches(&self, uai: &str, subject: uuid::Uuid, class_or_group: uuid::Uuid) -> bool {
        self.user().is_some_and(|u| u.structure == uai && u.profile == Some(Profile::Enseignant) && u.teaches(subject, class_or_group))
    }
}
