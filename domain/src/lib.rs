//! The ENT domain: events, aggregates and the rules of a French school.
//!
//! Invariant: this crate does no I/O and has no async code. Every business rule lives here as a
//! pure `decide` function (state + command → events or a [`DomainError`]) and every aggregate is
//! rebuilt by folding its events with `evolve`.

pub mod actor;
pub mod aggregate;
pub mod cahier_de_textes;
pub mod cas;
pub mod competences;
pub mod directory;
pub mod envelope;
pub mod error;
pub mod event;
pub mod notes;
pub mod stream;
pub mod usage;
pub mod vie_scolaire;
// Espace de travail.
pub mod espace;
// Forums, blogs, news (actualités) and their shared pieces.
pub mod actualites;
pub mod blogs;
pub mod forums;
pub mod html;
pub mod reach;
// agenda
pub mod agenda;
// Réservations.
pub mod reservations;
// ressources
pub mod ressources;
// Communication rules and messagerie.
pub mod communication;
pub mod messagerie;
// Chat and visio.
pub mod chat;
pub mod visio;

pub use actor::Actor;
pub use aggregate::Aggregate;
pub use envelope::RecordedEvent;
pub use error::{DomainError, FieldIssue, RefusedRecipient};
pub use event::{Event, EventDecodeError};
pub use stream::{PLATFORM, StreamId};
