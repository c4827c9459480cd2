//! The home page of school staff, the rectorat and administrators: what each profile does first.
//! Each profile's pages live in their own module; this one only chooses.

use askama::Template;
use axum::response::Response;
use ent_domain::directory::Profile;

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
        Profile::Personnel | Profile::Rectorat | Profile::PlatformAdmin | Profile::Eleve | Profile::Parent => {
            let heading = format!("Bonjour {}", who.card.first_name);
            Ok(render(&StaffPage { shell: who.shell("Accueil", None), heading, vie_scolaire: who.is_vie_scolaire() }))
        }
    }
}
