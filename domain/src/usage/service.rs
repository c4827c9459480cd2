//! The services (bounded contexts) usage is attributed to.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A service of the ENT (BRIEF §2), as named in event catalogues, NATS subjects and indicators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    Directory,
    CahierDeTextes,
    Notes,
    Competences,
    VieScolaire,
    Reservations,
    Agenda,
    Espace,
    Messagerie,
    Forums,
    Blogs,
    Actualites,
    Ressources,
    Admin,
    // Chat and visio.
    Chat,
    Visio,
}

impl Service {
    /// Every service of the ENT (docs/domain.md), the ones to come included.
    pub const ALL: [Service; 16] = [
        Service::Directory,
        Service::CahierDeTextes,
        Service::Notes,
        Service::Competences,
        Service::VieScolaire,
        Service::Reservations,
        Service::Agenda,
        Service::Espace,
        Service::Messagerie,
        Service::Forums,
        Service::Blogs,
        Service::Actualites,
        Service::Ressources,
        Service::Admin,
        // Chat and visio.
        Service::Chat,
        Service::Visio,
    ];

    /// The snake_case name, e.g. `vie_scolaire`.
    pub fn as_str(self) -> &'static str {
        match self {
            Service::Directory => "directory",
            Service::CahierDeTextes => "cahier_de_textes",
            Service::Notes => "notes",
            Service::Competences => "competences",
            Service::VieScolaire => "vie_scolaire",
            Service::Reservations => "reservations",
            Service::Agenda => "agenda",
            Service::Espace => "espace",
            Service::Messagerie => "messagerie",
            Service::Forums => "forums",
            Service::Blogs => "blogs",
            Service::Actualites => "actualites",
            Service::Ressources => "ressources",
            Service::Admin => "admin",
            // Chat and visio.
            Service::Chat => "chat",
            Service::Visio => "visio",
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Service {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        Service::ALL.into_iter().find(|x| x.as_str() == s).ok_or(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_names_match_their_serde_form() {
        for s in Service::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
            assert_eq!(s.as_str().parse::<Service>(), Ok(s));
        }
        assert!("nope".parse::<Service>().is_err());
    }
}
