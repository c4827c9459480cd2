//! The frameworks every structure has without defining them: the socle commun (8 composantes in
//! 5 domains), the B2i collège (5 domains) and PIX / CRCN (5 domains, 16 competencies). They are
//! static data of the domain, not events, so they exist in every structure from the start and
//! cannot be redefined; `DefineCompetencyFramework` adds other frameworks next to them.

use super::types::{DomainDef, FrameworkDef, FrameworkKind, ItemDef};

/// Code of the socle commun framework.
pub const SOCLE: &str = "socle";
/// Code of the B2i collège framework.
pub const B2I: &str = "b2i";
/// Code of the PIX / CRCN framework.
pub const PIX: &str = "pix";

type Items = &'static [(&'static str, &'static str)];

const SOCLE_DOMAINS: &[(&str, &str, Items)] = &[
    (
        "D1",
        "Les langages pour penser et communiquer",
        &[
            ("D1.1", "Comprendre, s'exprimer en utilisant la langue française à l'oral et à l'écrit"),
            ("D1.2", "Comprendre, s'exprimer en utilisant une langue étrangère et, le cas échéant, une langue régionale"),
            ("D1.3", "Comprendre, s'exprimer en utilisant les langages mathématiques, scientifiques et informatiques"),
            ("D1.4", "Comprendre, s'exprimer en utilisant les langages des arts et du corps"),
        ],
    ),
    ("D2", "Les méthodes et outils pour apprendre", &[("D2", "Les méthodes et outils pour apprendre")]),
    ("D3", "La formation de la personne et du citoyen", &[("D3", "La formation de la personne et du citoyen")]),
    ("D4", "Les systèmes naturels et les systèmes techniques", &[("D4", "Les systèmes naturels et les systèmes techniques")]),
    ("D5", "Les représentations du monde et l'activité humaine", &[("D5", "Les représentations du monde et l'activité humaine")]),
];

const B2I_DOMAINS: &[(&str, &str, Items)] = &[
    (
        "B2i.1",
        "S'approprier un environnement informatique de travail",
        &[
            ("B2i.1.1", "Je sais m'identifier sur un réseau ou un site et mettre fin à cette identification"),
            ("B2i.1.2", "Je sais accéder aux logiciels et aux documents disponibles à partir de mon espace de travail"),
            ("B2i.1.3", "Je sais organiser mes espaces de stockage"),
            ("B2i.1.4", "Je sais lire les propriétés d'un fichier : nom, format, taille, dates"),
        ],
    ),
    (
        "B2i.2",
        "Adopter une attitude responsable",
        &[
            ("B2i.2.1", "Je connais les droits et devoirs indiqués dans la charte d'usage des TIC de mon établissement"),
            (
                "B2i.2.2",
                "Je protège ma vie privée en ne donnant sur internet des renseignements me concernant qu'avec l'accord de mon responsable légal",
            ),
            ("B2i.2.3", "Lorsque j'utilise ou transmets des documents, je vérifie que j'en ai le droit"),
            ("B2i.2.4", "Je m'interroge sur les résultats des traitements informatiques"),
        ],
    ),
    (
        "B2i.3",
        "Créer, produire, traiter, exploiter des données",
        &[
            ("B2i.3.1", "Je sais modifier la mise en forme des caractères et des paragraphes"),
            ("B2i.3.2", "Je sais utiliser l'outil de recherche et de remplacement dans un document"),
            ("B2i.3.3", "Je sais regrouper dans un même document plusieurs éléments (texte, image, tableau, son, graphique, vidéo)"),
            ("B2i.3.4", "Je sais créer, modifier une feuille de calcul, insérer une formule"),
        ],
    ),
    (
        "B2i.4",
        "S'informer, se documenter",
        &[
            ("B2i.4.1", "Je sais rechercher des références de documents à l'aide du logiciel documentaire du CDI"),
            ("B2i.4.2", "Je sais utiliser les fonctions principales d'un logiciel de navigation sur le web"),
            ("B2i.4.3", "Je sais relever des éléments me permettant de connaître l'origine de l'information"),
        ],
    ),
    (
        "B2i.5",
        "Communiquer, échanger",
        &[
            ("B2i.5.1", "Je sais ouvrir et enregistrer un fichier joint à un message ou à une publication"),
            ("B2i.5.2", "Je sais envoyer ou publier un message avec un fichier joint"),
            ("B2i.5.3", "Je sais utiliser un carnet d'adresses ou un annuaire pour choisir un destinataire"),
        ],
    ),
];

const PIX_DOMAINS: &[(&str, &str, Items)] = &[
    (
        "1",
        "Information et données",
        &[("1.1", "Mener une recherche et une veille d'information"), ("1.2", "Gérer des données"), ("1.3", "Traiter des données")],
    ),
    (
        "2",
        "Communication et collaboration",
        &[("2.1", "Interagir"), ("2.2", "Partager et publier"), ("2.3", "Collaborer"), ("2.4", "S'insérer dans le monde numérique")],
    ),
    (
        "3",
        "Création de contenus",
        &[
            ("3.1", "Développer des documents textuels"),
            ("3.2", "Développer des documents multimédia"),
            ("3.3", "Adapter les documents à leur finalité"),
            ("3.4", "Programmer"),
        ],
    ),
    (
        "4",
        "Protection et sécurité",
        &[
            ("4.1", "Sécuriser l'environnement numérique"),
            ("4.2", "Protéger les données personnelles et la vie privée"),
            ("4.3", "Protéger la santé, le bien-être et l'environnement"),
        ],
    ),
    ("5", "Environnement numérique", &[("5.1", "Résoudre des problèmes techniques"), ("5.2", "Évoluer dans un environnement numérique")]),
];

fn build(code: &str, name: &str, kind: FrameworkKind, domains: &[(&str, &str, Items)]) -> FrameworkDef {
    FrameworkDef {
        code: code.into(),
        name: name.into(),
        kind,
        domains: domains
            .iter()
            .map(|(c, n, items)| DomainDef {
                code: (*c).into(),
                name: (*n).into(),
                items: items.iter().map(|(c, l)| ItemDef { code: (*c).into(), label: (*l).into() }).collect(),
            })
            .collect(),
    }
}

/// The built-in framework with this code.
pub fn builtin(code: &str) -> Option<FrameworkDef> {
    match code {
        SOCLE => Some(build(SOCLE, "Socle commun de connaissances, de compétences et de culture", FrameworkKind::Socle, SOCLE_DOMAINS)),
        B2I => Some(build(B2I, "B2i collège", FrameworkKind::Certification, B2I_DOMAINS)),
        PIX => Some(build(PIX, "PIX — Cadre de référence des compétences numériques (CRCN)", FrameworkKind::Certification, PIX_DOMAINS)),
        _ => None,
    }
}

/// Every built-in framework.
pub fn all() -> Vec<FrameworkDef> {
    [SOCLE, B2I, PIX].iter().filter_map(|c| builtin(c)).collect()
}

/// The 8 composantes of the socle commun, assessed at the end of cycles 3 and 4.
pub fn socle_composantes() -> Vec<String> {
    SOCLE_DOMAINS.iter().flat_map(|(_, _, items)| items.iter().map(|(c, _)| (*c).to_string())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socle_has_8_composantes_in_5_domains() {
        let socle = builtin(SOCLE).unwrap();
        assert_eq!(socle.domains.len(), 5);
        assert_eq!(socle.items().count(), 8);
        assert_eq!(socle.domains[0].items.len(), 4);
        assert_eq!(socle_composantes(), ["D1.1", "D1.2", "D1.3", "D1.4", "D2", "D3", "D4", "D5"]);
    }

    #[test]
    fn pix_has_16_competencies_in_5_domains_and_b2i_5_domains() {
        let pix = builtin(PIX).unwrap();
        assert_eq!((pix.domains.len(), pix.items().count()), (5, 16));
        assert_eq!(builtin(B2I).unwrap().domains.len(), 5);
        assert!(all().iter().all(|f| f.kind != FrameworkKind::Subject));
    }
}
