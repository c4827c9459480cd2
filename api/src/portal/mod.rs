//! The portal: the web interface of the ENT, server-rendered HTML in French, served by the same
//! binary under `/` (docs/ARCHITECTURE.md, "The portal"). Pages call the same commands and
//! queries as the API, in process — never the API over HTTP — so every rule (authorization,
//! validation, idempotency) stays where it is. Templates are askama's, compiled with the code.
//!
//! Pages are declared in [`pages`]; `routes/mod.rs` mounts them beside the API routes.

mod assets;
mod booklet;
mod bulletins;
mod charts;
mod direction;
mod family;
mod forms;
mod indicators;
mod inspection;
mod login;
mod nav;
pub(crate) mod page;
mod policy;
// Réservations.
mod rectorat;
mod reservations;
mod staff;
mod teacher;
mod vie_scolaire;
// Espace de travail.
mod espace;
// Forums, blogs, news (actualités).
mod actualites;
mod blogs;
mod forums;
// agenda
mod agenda;
// ressources
mod ressources;
// Communication rules and messagerie.
mod messagerie;
pub(crate) mod session;
// Chat and visio.
mod chat;
mod visio;

use axum::routing::{MethodRouter, get, post};
use ent_domain::usage::Service;

pub use page::not_found;
pub use policy::apply as policy;

use crate::state::AppState;

/// One page: its path, its handlers, and the service its views count for in the usage
/// indicators (as the API's reads of that service do; none for sign-in and assets).
pub struct Page {
    pub path: &'static str,
    pub handlers: MethodRouter<AppState>,
    pub service: Option<Service>,
}

fn page(path: &'static str, handlers: MethodRouter<AppState>, service: impl Into<Option<Service>>) -> Page {
    Page { path, handlers, service: service.into() }
}

/// Every page of the portal.
pub fn pages() -> Vec<Page> {
    use Service::{Actualites, Admin, Blogs, CahierDeTextes, Competences, Directory, Forums, Notes, VieScolaire};
    vec![
        page("/", get(family::home), Directory),
        page("/connexion", get(login::form).post(login::submit), None),
        page("/deconnexion", post(login::logout), None),
        page("/eleves/{pupil}", get(family::pupil_page), VieScolaire),
        page("/eleves/{pupil}/justifications", post(family::justify), VieScolaire),
        page("/eleves/{pupil}/bulletins/{period}", get(bulletins::page), Notes),
        page("/eleves/{pupil}/bulletins/{period}/pdf", get(bulletins::pdf), Notes),
        page("/eleves/{pupil}/livret", get(booklet::page), Competences),
        page("/vie-scolaire", get(vie_scolaire::dashboard::page), VieScolaire),
        page("/vie-scolaire/justifications", get(vie_scolaire::justifications::pending), VieScolaire),
        page("/vie-scolaire/justifications/{justification}", post(vie_scolaire::justifications::decide), VieScolaire),
        page("/vie-scolaire/signalements", get(vie_scolaire::report::page), VieScolaire),
        page("/vie-scolaire/punitions", get(vie_scolaire::punishments::list).post(vie_scolaire::punishments::give), VieScolaire),
        page("/direction/indicateurs", get(direction::indicators::page), Admin),
        page("/direction/sanctions", get(direction::sanctions::page).post(direction::sanctions::pronounce), VieScolaire),
        page("/direction/bulletins", get(direction::bulletins::page).post(direction::bulletins::publish), Notes),
        page("/rectorat/indicateurs", get(rectorat::page), Admin),
        page("/rectorat/indicateurs.csv", get(rectorat::csv), Admin),
        page("/inspection", get(inspection::list), CahierDeTextes),
        page("/inspection/cahiers/{class_or_group}/{subject}", get(inspection::cahier).post(inspection::visa), CahierDeTextes),
        page("/enseignant/appel/{lesson}", get(teacher::roll_call::form).post(teacher::roll_call::submit), VieScolaire),
        page("/enseignant/notes/{class}/{subject}", get(teacher::grades::evaluations).post(teacher::grades::create), Notes),
        page("/enseignant/notes/{class}/{subject}/{period}/{evaluation}", get(teacher::grades::grid).post(teacher::grades::record), Notes),
        page("/enseignant/cahier/{class}/{subject}", get(teacher::cahier::view), CahierDeTextes),
        page("/enseignant/cahier/{class}/{subject}/seances", post(teacher::cahier::log_lesson), CahierDeTextes),
        page("/enseignant/cahier/{class}/{subject}/devoirs", post(teacher::cahier::assign_homework), CahierDeTextes),
        // Espace de travail.
        page("/espace", get(espace::home), Service::Espace),
        page("/espace/dossiers", post(espace::create_folder), Service::Espace),
        page("/espace/depot", post(espace::upload).layer(axum::extract::DefaultBodyLimit::disable()), Service::Espace),
        page("/espace/partages", get(espace::shared), Service::Espace),
        page("/espace/corbeille", get(espace::trash), Service::Espace),
        page("/espace/fichiers/{file}", get(espace::download), Service::Espace),
        page("/espace/fichiers/{file}/{action}", post(espace::act), Service::Espace),
        // Forums, blogs, news (actualités).
        page("/forums", get(forums::list), Forums),
        page("/forums/{category}", get(forums::category).post(forums::open_topic), Forums),
        page("/forums/sujets/{topic}", get(forums::topic).post(forums::reply), Forums),
        page("/forums/sujets/{topic}/moderation", post(forums::moderate), Forums),
        page("/blogs", get(blogs::list), Blogs),
        page("/blogs/{blog}", get(blogs::blog).post(blogs::write), Blogs),
        page("/blogs/{blog}/actions", post(blogs::act), Blogs),
        page("/actualites", get(actualites::feed).post(actualites::publish), Actualites),
        // agenda
        page("/agenda", get(agenda::week), Service::Agenda),
        page("/agenda/abonnement", get(agenda::feeds).post(agenda::create_feed), Service::Agenda),
        page("/agenda/abonnement/{feed}/revocation", post(agenda::revoke_feed), Service::Agenda),
        page("/agenda/evenements", get(agenda::events).post(agenda::create_event), Service::Agenda),
        page("/agenda/evenements/{event}", get(agenda::event).post(agenda::update_event), Service::Agenda),
        page("/agenda/evenements/{event}/annulation", post(agenda::cancel_event), Service::Agenda),
        // Réservations (and the structure's closed days, a directory form).
        page("/reservations", get(reservations::home), Service::Reservations),
        page("/reservations/{booking}/annulation", post(reservations::cancel), Service::Reservations),
        page("/reservations/ressources/{resource}", get(reservations::calendar).post(reservations::book), Service::Reservations),
        page("/reservations/validations", get(reservations::approvals), Service::Reservations),
        page("/reservations/validations/{booking}", post(reservations::decide), Service::Reservations),
        page("/reservations/occupation", get(reservations::occupancy), Service::Reservations),
        page("/direction/fermetures", get(reservations::closed_days).post(reservations::declare_closed_days), Directory),
        page("/direction/fermetures/{id}/retrait", post(reservations::withdraw_closed_days), Directory),
        // ressources
        page("/ressources", get(ressources::catalogue).post(ressources::publish), Some(Service::Ressources)),
        page("/parcours", get(ressources::paths), Some(Service::Ressources)),
        page("/parcours/{path}/etapes/{step}", post(ressources::complete), Some(Service::Ressources)),
        page("/parcours/{path}/suivi", get(ressources::progress), Some(Service::Ressources)),
        // Messagerie.
        page("/messagerie", get(messagerie::mailbox), Service::Messagerie),
        page("/messagerie/nouveau", get(messagerie::compose).post(messagerie::send), Service::Messagerie),
        page("/messagerie/messages/{id}", get(messagerie::message).post(messagerie::act), Service::Messagerie),
        page(assets::CSS_PATH, get(assets::css), None),
        page(assets::JS_PATH, get(assets::js), None),
        // Chat and visio.
        page("/discussions", get(chat::rooms), Service::Chat),
        page("/discussions/{room}", get(chat::room).post(chat::post), Service::Chat),
        page("/visio", get(visio::view).post(visio::schedule), Service::Visio),
        page(assets::CHAT_JS_PATH, get(assets::chat_js), None),
    ]
}

/// Whether a path belongs to the portal (HTML answers) rather than to the API, the operations
/// endpoints or the CAS server (problem+json answers).
pub fn owns(path: &str) -> bool {
    !["/api/", "/cas/", "/health", "/ready", "/metrics"].iter().any(|p| path.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::owns;

    #[test]
    fn the_portal_owns_every_path_but_the_api_and_operations() {
        for path in ["/", "/connexion", "/eleves/x", "/static/portal.css", "/nulle-part"] {
            assert!(owns(path), "{path}");
        }
        for path in ["/api/v1/me", "/api/openapi.json", "/health", "/ready", "/metrics", "/cas/login"] {
            assert!(!owns(path), "{path}");
        }
    }
}
