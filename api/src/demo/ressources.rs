//! The demo's digital resources and learning path: a handful of Lumni / Éduscol-like links
//! published by the maths and French teachers to their classes, and a classe inversée path on
//! fractions for 6A, opened a week ago, that a few pupils have started.

use chrono::{Days, Utc};
use ent_commands::CommandError;
use ent_domain::Actor;
use serde_json::json;
use uuid::Uuid;

use super::{DEMO_UAI, Seeder};

/// `(title, description, url, subject index, theme, levels)`.
type DemoResource = (&'static str, &'static str, &'static str, usize, &'static str, &'static [&'static str]);

const RESOURCES: [DemoResource; 5] = [
    (
        "Les fractions en vidéo",
        "Comprendre ce qu'est une fraction et la placer sur une demi-droite graduée (vidéo Lumni, 4 min).",
        "https://www.lumni.fr/video/les-fractions-6e",
        0,
        "Fractions",
        &["6e"],
    ),
    (
        "Évaluations de fractions : exercices corrigés",
        "Des exercices pour s'entraîner avant l'évaluation, avec leurs corrigés.",
        "https://eduscol.education.fr/ressources/fractions-exercices",
        0,
        "Fractions",
        &["6e", "5e"],
    ),
    (
        "Les angles et le rapporteur",
        "Mesurer et construire des angles : une animation pas à pas.",
        "https://www.lumni.fr/video/mesurer-un-angle",
        0,
        "Géométrie",
        &["6e"],
    ),
    (
        "Le récit d'aventure",
        "Les étapes d'un récit d'aventure et les temps du passé, avec des extraits lus.",
        "https://www.lumni.fr/programme/recit-aventure",
        1,
        "Rédaction",
        &["6e"],
    ),
    (
        "Dictées audio",
        "Des dictées enregistrées pour réviser les accords du participe passé.",
        "https://eduscol.education.fr/ressources/dictees-audio",
        1,
        "Orthographe",
        &["6e", "5e"],
    ),
];

/// Publishes the resources (each teacher to every class, as they teach them all) and creates the
/// 6A path; the first pupils of 6A have done its first steps.
pub(super) async fn seed(
    s: &Seeder<'_>,
    teachers: &[Actor],
    classes: &[Uuid],
    subjects: &[Uuid],
    class_6a: &[Uuid],
) -> Result<(), CommandError> {
    let mut ids = Vec::new();
    for (title, description, url, subject, theme, levels) in RESOURCES {
        let r = s
            .as_user(
                &teachers[subject],
                "PublishResource",
                json!({"structure": DEMO_UAI, "title": title, "description": description, "url": url, "subjects": [subjects[subject]],
                    "levels": levels, "theme": theme, "published_to": classes}),
            )
            .await?;
        ids.push(r.stream.rsplit('/').next().and_then(|id| Uuid::parse_str(id).ok()));
    }
    let today = Utc::now().date_naive();
    let opens_on = today.checked_sub_days(Days::new(7)).unwrap_or(today);
    let due_on = today.checked_add_days(Days::new(7)).unwrap_or(today);
    let r = s
        .as_user(
            &teachers[0],
            "CreateLearningPath",
            json!({"title": "Les fractions en classe inversée", "assigned_to": classes[0], "opens_on": opens_on, "due_on": due_on,
            "mode": "classe_inversee", "steps": [
                {"kind": "resource", "resource": ids[0]},
                {"kind": "instruction", "text": "Note dans ton cahier deux questions sur la vidéo, pour le prochain cours."},
                {"kind": "resource", "resource": ids[1]},
                {"kind": "instruction", "text": "Fais les exercices 1 à 3 et vérifie avec le corrigé."},
            ]}),
        )
        .await?;
    let path = r.stream.rsplit('/').next().and_then(|id| Uuid::parse_str(id).ok());
    // The first pupils are ahead, the next ones started, the others not yet.
    for (i, pupil) in class_6a.iter().enumerate().take(4) {
        let pupil = s.actor(*pupil).await?;
        for step in 0..(3 - i.min(3)) as u32 {
            s.as_user(&pupil, "CompleteStep", json!({"path": path, "step": step})).await?;
        }
    }
    Ok(())
}
