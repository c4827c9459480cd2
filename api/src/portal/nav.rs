//! The navigation of each profile: the header's links to the pages that profile uses.

use ent_domain::directory::{Profile, Role};

use super::page::NavLink;
use super::session::SignedIn;

fn link(href: &str, label: &'static str) -> NavLink {
    NavLink { href: href.to_string(), label }
}

/// The header's links for `who`.
pub fn links(who: &SignedIn) -> Vec<NavLink> {
    let mut nav = vec![link("/", "Accueil")];
    match who.profile() {
        Profile::Personnel if who.card.role == Some(Role::Direction) => {
            nav.push(link("/direction/indicateurs", "Indicateurs"));
            nav.push(link("/direction/sanctions", "Sanctions"));
            nav.push(link("/direction/bulletins", "Bulletins"));
            nav.push(link("/vie-scolaire", "Vie scolaire"));
        }
        Profile::Personnel if who.is_vie_scolaire() => {
            nav.push(link("/vie-scolaire", "Vie scolaire"));
            nav.push(link("/vie-scolaire/justifications", "Justificatifs"));
            nav.push(link("/vie-scolaire/signalements", "Signalements"));
            nav.push(link("/vie-scolaire/punitions", "Punitions"));
        }
        Profile::Eleve => {
            nav.push(NavLink { href: format!("/eleves/{}", who.card.id), label: "Mes absences et bulletins" });
            nav.push(NavLink { href: format!("/eleves/{}/livret", who.card.id), label: "Mon livret" });
        }
        Profile::Rectorat if who.actor.is_inspector() => {
            nav.push(link("/inspection", "Cahiers de textes"));
            nav.push(link("/rectorat/indicateurs", "Indicateurs de l'académie"));
        }
        Profile::Rectorat => nav.push(link("/rectorat/indicateurs", "Indicateurs de l'académie")),
        Profile::Enseignant => nav[0].label = "Mes cours et mes classes",
        Profile::Parent | Profile::Personnel | Profile::PlatformAdmin => {}
    }
    // Chat and visio: every person of a structure.
    if who.profile() != Profile::PlatformAdmin && who.profile() != Profile::Rectorat {
        nav.push(link("/discussions", "Discussions"));
        nav.push(link("/visio", "Visio"));
    }
    nav
}
