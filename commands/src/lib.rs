//! Commands of the ENT: their types, who may issue them, and the pipeline that turns an accepted
//! command into appended events (load → authorize → decide → append, idempotent by command id).
//!
//! This crate declares the [`EventStore`] port; `infra` implements it.

pub mod actors;
pub mod authentication;
pub mod authorization;
pub mod cache;
pub mod cahier_de_textes;
pub mod cas;
pub mod command;
pub mod competences;
pub mod context;
pub mod directory;
pub mod envelope;
pub mod error;
pub mod fingerprint;
pub mod handler;
mod loading;
pub mod locks;
pub mod notes;
pub mod passwords;
pub mod schemas;
pub mod sealing;
pub mod store;
pub mod usage;
pub mod vie_scolaire;
// Espace de travail.
pub mod blobs;
pub mod espace;
// Forums, blogs, news (actualités).
pub mod actualites;
pub mod blogs;
pub mod forums;
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

pub use command::Command;
pub use envelope::CommandEnvelope;
pub use error::{CommandError, FieldError, RefusedRecipient};
pub use handler::{CommandHandler, Executed};
pub use store::{
    AppendRequest, AppendResult, EventStore, ExpectedVersion, NewEvent, RequestOrigin, SecretWrite, StoreError, StoredCommand, StreamAppend,
};
