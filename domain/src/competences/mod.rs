//! Livret de compétences: frameworks as data (socle commun, B2i and PIX built in), positionings
//! on the 4-level scale, certification validations and end-of-cycle assessments.

pub mod booklet;
pub mod builtin;
pub mod commands;
pub mod events;
pub mod framework;
pub mod types;

pub use booklet::BookletState;
pub use framework::FrameworkState;
pub use types::*;
