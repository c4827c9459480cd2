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
mod rectorat;
mod session;
mod staff;
mod teacher;
mod vie_scolaire;

use axum::routing::{MethodRouter, get, post};

pub use page::not_found;
pub use policy::apply as policy;

use crate::state::AppState;

/// Every page of the portal: (path, handlers).
pub fn pages() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/", get(family::home)),
        ("/connexion", get(login::form).post(login::submit)),
        ("/deconnexion", post(login::logout)),
        ("/eleves/{pupil}", get(family::pupil_page)),
        ("/eleves/{pupil}/justifications", post(family::justify)),
        ("/eleves/{pupil}/bulletins/{period}", get(bulletins::page)),
        ("/eleves/{pupil}/bulletins/{period}/pdf", get(bulletins::pdf)),
        ("/eleves/{pupil}/livret", get(booklet::page)),
        ("/vie-scolaire", get(vie_scolaire::dashboard::page)),
        ("/vie-scolaire/justifications", get(vie_scolaire::justifications::pending)),
        ("/vie-scolaire/justifications/{justification}", post(vie_scolaire::justifications::decide)),
        ("/vie-scolaire/signalements", get(vie_scolaire::report::page)),
        ("/vie-scolaire/punitions", get(vie_scolaire::punishments::list).post(vie_scolaire::punishments::give)),
        ("/direction/indicateurs", get(direction::indicators::page)),
        ("/direction/sanctions", get(direction::sanctions::page).post(direction::sanctions::pronounce)),
        ("/direction/bulletins", get(direction::bulletins::page).post(direction::bulletins::publish)),
        ("/rectorat/indicateurs", get(rectorat::page)),
        ("/rectorat/indicateurs.csv", get(rectorat::csv)),
        ("/inspection", get(inspection::list)),
        ("/inspection/cahiers/{class_or_group}/{subject}", get(inspection::cahier).post(inspection::visa)),
        ("/enseignant/appel/{lesson}", get(teacher::roll_call::form).post(teacher::roll_call::submit)),
        ("/enseignant/notes/{class}/{subject}", get(teacher::grades::evaluations).post(teacher::grades::create)),
        ("/enseignant/notes/{class}/{subject}/{period}/{evaluation}", get(teacher::grades::grid).post(teacher::grades::record)),
        ("/enseignant/cahier/{class}/{subject}", get(teacher::cahier::view)),
        ("/enseignant/cahier/{class}/{subject}/seances", post(teacher::cahier::log_lesson)),
        ("/enseignant/cahier/{class}/{subject}/devoirs", post(teacher::cahier::assign_homework)),
        (assets::CSS_PATH, get(assets::css)),
        (assets::JS_PATH, get(assets::js)),
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
