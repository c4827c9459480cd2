//! The home page of school staff, the rectorat and administrators: what each profile does first.
//! Each profile's pages live in their own module; this one only chooses.

use askama::Template;
use axum::response::Response;
use ent_domain::directory::{Profile, Role};

use super::family::After;
use super::page::{PortalError, Shell, render};
use super::session::SignedIn;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "staff.html")]
struct StaffPage {
    shell: Shell,
    heading: String,
    vie_scolaire: bool,
}

/// `GET /` for everyone but families.
pub async fn home(state: &AppState, who: &SignedIn, after: &After) -> Result<Response, PortalError> {
    match who.profile() {
        Profile::Enseignant => super::teacher::home(state, who, after.date.as_deref()).await,
        Profile::Personnel if who.is_vie_scolaire() && who.card.role == Some(Role::Cpe) => {
            super::vie_scolaire::dashboard::day(state, who, chrono::Utc::now().date_naive()).await
        }
        Profile::Personnel if who.card.role == Some(Role::Direction) => super::direction::indicators::show(state, who).await,
        Profile::Rectorat if who.actor.is_inspector() => super::inspection::home(state, who).await,
        Profile::Rectorat => super::rectorat::show(state, who).await,
        Profile::Personnel | Profile::PlatformAdmin | Profile::Eleve | Profile::Parent => {
            let heading = format!("Bonjour {}", who.card.first_name);
            Ok(render(&StaffPage { shell: who.shell("Accueil", None), heading, vie_scolaire: who.is_vie_scolaire() }))
        }
    }
}
