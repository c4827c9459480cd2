//! The demo's agenda: the week of 7 December 2026 in the timetable of 6A, and three school
//! events — the conseil de classe of 6A, the réunion parents-professeurs of the whole collège
//! and a sortie of 6A — put in the calendar by the head of school.

use ent_commands::CommandError;
use ent_domain::Actor;
use serde_json::json;
use uuid::Uuid;

use super::{DEMO_UAI, Seeder};

/// Seeds the agenda; `teachers` are the teachers of `subjects`, in the same order.
pub(super) async fn seed(s: &Seeder<'_>, head: &Actor, class_6a: Uuid, subjects: &[Uuid], teachers: &[Uuid]) -> Result<(), CommandError> {
    // Two lessons a day from Monday to Friday, each subject in turn.
    let slots = [("08:00:00", "09:00:00"), ("10:00:00", "11:00:00")];
    let mut lessons = Vec::new();
    for day in 0..5 {
        for (k, (start, end)) in slots.iter().enumerate() {
            let n = (day * slots.len() + k) % subjects.len();
            lessons.push(json!({
                "class_or_group": class_6a, "subject": subjects[n], "teacher": teachers[n],
                "date": format!("2026-12-{:02}", 7 + day), "start": start, "end": end, "room": format!("B{}", 10 + n),
            }));
        }
    }
    s.run(ent_commands::Command::parse("ImportTimetable", json!({"structure": DEMO_UAI, "lessons": lessons}))?).await?;
    let events = [
        json!({"structure": DEMO_UAI, "title": "Conseil de classe de 6A (1er trimestre)", "from": "2026-12-08T17:00:00", "to": "2026-12-08T18:30:00",
            "location": "Salle du conseil", "description": "Bilan du premier trimestre avec les délégués des élèves et des parents.",
            "audience": {"kind": "classes", "ids": [class_6a]}}),
        json!({"structure": DEMO_UAI, "title": "Réunion parents-professeurs", "from": "2026-12-10T17:00:00", "to": "2026-12-10T20:00:00",
            "location": "Gymnase", "description": "Rencontre avec l'équipe pédagogique, sur rendez-vous auprès de chaque professeur.",
            "audience": {"kind": "structure"}}),
        json!({"structure": DEMO_UAI, "title": "Sortie au musée du Louvre", "from": "2026-12-11T08:30:00", "to": "2026-12-11T16:30:00",
            "location": "Musée du Louvre, Paris 1er", "description": "Départ devant le collège à 8 h 30. Prévoir un pique-nique.",
            "audience": {"kind": "classes", "ids": [class_6a]}}),
    ];
    for event in events {
        s.as_user(head, "CreateSchoolEvent", event).await?;
    }
    Ok(())
}
