//! Handlers of the directory commands: load what the rule needs, authorize, decide.

mod bootstrap;
mod structure;
mod users;

pub use bootstrap::{BootstrapOutcome, bootstrap_admin};
pub use structure::{create_class, create_group, create_structure, create_subject, define_periods};
pub use users::{
    appoint_inspector, assign_teacher, change_password, create_rectorat_user, create_user, deactivate_user, enrol_pupil, grant_admin,
    link_parent, revoke_sessions, unlock_account,
};
