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
    // Espace de travail: every user of a structure has one.
    if !matches!(who.profile(), Profile::PlatformAdmin) {
        nav.push(link("/espace", "Mes fichiers"));
    }
    // Forums, blogs, news (actualités): for the members of a structure (parents take no part in
    // forums, docs/domain.md).
    if matches!(who.profile(), Profile::Eleve | Profile::Enseignant | Profile::Personnel) {
        nav.push(link("/forums", "Forums"));
    }
    if matches!(who.profile(), Profile::Eleve | Profile::Parent | Profile::Enseignant | Profile::Personnel) {
        nav.push(link("/blogs", "Blogs"));
        nav.push(link("/actualites", "Actualités"));
    }
    // agenda
    if matches!(who.profile(), Profile::Eleve | Profile::Parent | Profile::Enseignant | Profile::Personnel) {
        nav.push(link("/agenda", "Agenda"));
    }
    // Réservations: the teachers and staff of a structure book its rooms and equipment.
    if matches!(who.profile(), Profile::Enseignant | Profile::Personnel) {
        nav.push(link("/reservations", "Réservations"));
    }
    // ressources: the catalogue for every member of a structure; paths for pupils, teachers, staff.
    if matches!(who.profile(), Profile::Eleve | Profile::Parent | Profile::Enseignant | Profile::Personnel) {
        nav.push(link("/ressources", "Ressources"));
    }
    if matches!(who.profile(), Profile::Eleve | Profile::Enseignant | Profile::Personnel) {
        nav.push(link("/parcours", "Parcours"));
    }
    // Messagerie: everyone of a structure.
    if !matches!(who.profile(), Profile::Rectorat | Profile::PlatformAdmin) {
        nav.push(link("/messagerie", "Messagerie"));
    }
    // Chat and visio: every person of a structure.
    if who.profile() != Profile::PlatformAdmin && who.profile() != Profile::Rectorat {
        nav.push(link("/discussions", "Discussions"));
        nav.push(link("/visio", "Visio"));
    }
    nav
}
