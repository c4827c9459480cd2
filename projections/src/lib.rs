//! Read models of the ENT. A projection is a pure fold of events into JSON documents
//! ([`Projection::apply`] over a [`DocView`]); the [`runner`] feeds it from the log and commits
//! its writes together with its checkpoint through a [`ReadModelStore`] (implemented in `infra`).
//!
//! Invariant: no SQL here; storage is behind the two ports [`EventFeed`] and [`ReadModelStore`].

pub mod admin;
pub mod cahier_de_textes;
pub mod competences;
pub mod directory;
pub mod docs;
pub mod error;
pub mod feed;
pub mod names;
pub mod notes;
pub mod projection;
pub mod rebuild;
pub mod runner;
pub mod sealed;
pub mod source;
pub mod status;
pub mod store;
pub mod subscription;
pub mod today;
pub mod usage;
pub mod vie_scolaire;
// Espace de travail.
pub mod espace;
// Forums, blogs, news (actualités).
pub mod actualites;
pub mod blogs;
pub mod forums;
pub mod reach;
// agenda
pub mod agenda;
// Réservations.
pub mod reservations;
// ressources
pub mod ressources;
pub mod search;
// Communication rules and messagerie.
pub mod communication;
pub mod messagerie;
// Chat and visio.
pub mod chat;
pub mod visio;

pub use docs::{DocKey, DocView, DocWrite};
pub use error::{ApplyError, QueryError, ReadModelError};
pub use feed::EventFeed;
pub use projection::Projection;
pub use rebuild::{RebuildPhases, RebuildReport, rebuild};
pub use runner::ProjectionRunner;
pub use sealed::ContentOpener;
pub use status::StatusBoard;
pub use store::{CommitOutcome, ReadModelStore, WriteChunk};
pub use subscription::Subscription;

use std::sync::Arc;

/// Every projection the server runs, in the order they are listed to operators.
pub fn all() -> Vec<Arc<dyn Projection>> {
    vec![
        Arc::new(directory::DirectoryProjection),
        Arc::new(vie_scolaire::VieScolaireProjection),
        Arc::new(usage::UsageProjection),
        Arc::new(notes::NotesProjection),
        Arc::new(cahier_de_textes::CahierProjection),
        Arc::new(competences::CompetencesProjection),
        // Espace de travail.
        Arc::new(espace::EspaceProjection),
        // Forums, blogs, news.
        Arc::new(forums::ForumsProjection),
        Arc::new(blogs::BlogsProjection),
        Arc::new(actualites::NewsProjection),
        // agenda
        Arc::new(agenda::AgendaProjection),
        // Réservations.
        Arc::new(reservations::ReservationsProjection),
        // ressources
        Arc::new(ressources::RessourcesProjection),
        // Communication rules and messagerie.
        Arc::new(communication::CommunicationProjection),
        Arc::new(messagerie::MessagerieProjection),
        // Chat and visio.
        Arc::new(chat::ChatProjection),
        Arc::new(visio::VisioProjection),
    ]
}

/// The projection with this name.
pub fn by_name(name: &str) -> Option<Arc<dyn Projection>> {
    all().into_iter().find(|p| p.name() == name)
}
