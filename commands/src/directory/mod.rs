//! Handlers of the directory commands: load what the rule needs, authorize, decide.

mod activation;
mod bootstrap;
mod calendar;
mod import;
mod structure;
mod users;

pub use activation::{
    ActivationOutcome, attempt_activation, issue_activation_code_cmd as issue_activation_code, issue_class_activation_codes,
};
pub use bootstrap::{BootstrapOutcome, bootstrap_admin};
pub use calendar::{declare_closed_days, withdraw_closed_days};
pub use import::{import_directory, import_report, parse_mapping};
pub use structure::{create_class, create_group, create_structure, create_subject, define_periods};
pub use users::{
    appoint_inspector, assign_teacher, change_password, create_rectorat_user, create_user, deactivate_user, enrol_pupil, grant_admin,
    link_parent, revoke_sessions, unlock_account,
};
