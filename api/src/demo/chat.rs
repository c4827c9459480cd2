//! The demo's chat and visio: the room of 6A with a few messages, and a parents–teachers visio
//! meeting of 6A.

use ent_commands::CommandError;
use ent_domain::Actor;
use serde_json::json;
use uuid::Uuid;

use super::{DEMO_UAI, Seeder};

/// 6A's room opened by its maths teacher, a short exchange with two pupils, and a visio
/// meeting of the teachers of 6A with the first parents of the class.
pub(super) async fn seed(
    s: &Seeder<'_>,
    teachers: &[Actor],
    class_6a: Uuid,
    pupils_6a: &[Uuid],
    parents_6a: &[Uuid],
) -> Result<(), CommandError> {
    let Some(teacher) = teachers.first() else { return Ok(()) };
    s.as_user(teacher, "OpenChatRoom", json!({"class_or_group": class_6a, "title": "6A — vie de classe"})).await?;
    s.as_user(
        teacher,
        "PostChatMessage",
        json!({"room": class_6a, "body": "Bonjour à tous ! Ce fil sert aux questions sur les devoirs de la semaine."}),
    )
    .await?;
    for (pupil, body) in pupils_6a.iter().zip(["Bonjour Monsieur, l'exercice 4 est-il pour jeudi ?", "Merci pour la fiche de révision !"])
    {
        let actor = s.actor(*pupil).await?;
        s.as_user(&actor, "PostChatMessage", json!({"room": class_6a, "body": body})).await?;
    }
    s.as_user(teacher, "PostChatMessage", json!({"room": class_6a, "body": "Oui, pour jeudi. Bon courage !"})).await?;
    let mut participants: Vec<Uuid> = teachers.iter().skip(1).filter_map(|t| t.user().map(|u| u.user_id)).collect();
    participants.extend(parents_6a.iter().take(3));
    s.as_user(
        teacher,
        "ScheduleMeeting",
        json!({
            "structure": DEMO_UAI, "title": "Rencontre parents–professeurs de 6A (visio)",
            "from": "2026-12-10T17:30:00Z", "to": "2026-12-10T19:00:00Z",
            "participants": participants, "join_url": "https://meet.jit.si/college-victor-hugo-6a-parents",
        }),
    )
    .await?;
    Ok(())
}
