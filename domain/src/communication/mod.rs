//! Communication rules: who may write to whom in a structure (docs/domain.md, "Communication
//! rules"). The defaults are relational (who teaches whom, who is whose child); the ADML's
//! overrides are data, one stream per structure. [`rules::may_write`] is the one pure function
//! every service that delivers something to a person calls.

pub mod commands;
pub mod events;
pub mod rules;

pub use rules::{CommunicationRules, Refusal, may_write};
