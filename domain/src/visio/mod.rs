//! Visio meetings (docs/domain.md, "Visio"): a meeting scheduled with a link to an external
//! video-conference service (BigBlueButton, Jitsi…); no media server of our own.

pub mod commands;
pub mod events;
pub mod meetings;
