//! The navigation of each profile: the header's links to the pages that profile uses.

use ent_domain::directory::Profile;

use super::page::NavLink;
use super::session::SignedIn;

fn link(href: &str, label: &'static str) -> NavLink {
    NavLink { href: href.to_string(), label }
}

/// The header's links for `who`.
pub fn links(who: &SignedIn) -> Vec<NavLink> {
    let mut nav = vec![link("/", "Accueil")];
    match who.profile() {
        Profile::Personnel if who.is_vie_scolaire() => {
            nav.push(link("/vie-scolaire/justifications", "Justificatifs à traiter"));
        }
        Profile::Enseignant => nav[0].label = "Mes cours et mes classes",
        Profile::Eleve | Profile::Parent | Profile::Personnel | Profile::Rectorat | Profile::PlatformAdmin => {}
    }
    nav
}
