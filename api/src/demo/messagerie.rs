//! The messagerie of the demo: the maths teacher writes to 6A, a parent asks the teacher a
//! question and gets an answer (a thread), the CPE writes to that parent, and the direction opens
//! a mailing list for 6A where the teacher posts.

use ent_commands::CommandError;
use ent_domain::directory::{Profile, Role, UserState};
use ent_domain::{Actor, Aggregate, StreamId};
use serde_json::json;
use uuid::Uuid;

use super::{DEMO_UAI, Seeder};

fn id_of(result: &ent_commands::AppendResult) -> Result<Uuid, CommandError> {
    result
        .stream
        .rsplit('/')
        .next()
        .and_then(|s| Uuid::parse_str(s).ok())
        .ok_or_else(|| CommandError::Rule(format!("no id in stream {}", result.stream)))
}

/// Seeds the messages; `pupil` is a pupil of 6A whose parent and the CPE are found in the
/// directory.
pub(super) async fn seed(s: &Seeder<'_>, head: &Actor, teacher: &Actor, class_6a: Uuid, pupil: Uuid) -> Result<(), CommandError> {
    let prefix = format!("{DEMO_UAI}/{}/", UserState::TYPE);
    let (mut cpe, mut parent) = (None, None);
    for stream in s.handler.store().streams_of(UserState::TYPE).await? {
        if !stream.starts_with(&prefix) {
            continue;
        }
        let Some(id) = StreamId::parse(&stream) else { continue };
        let u = ent_commands::context::load::<UserState>(s.handler.store(), id).await?.state;
        if u.role == Some(Role::Cpe) {
            cpe = Some(u.user_id);
        } else if u.profile == Some(Profile::Parent) && u.children.contains(&pupil) {
            parent = Some(u.user_id);
        }
    }
    let (Some(cpe_id), Some(parent_id)) = (cpe, parent) else {
        return Err(CommandError::NotFound("the demo's CPE and parent".into()));
    };
    let teacher_id = teacher.user().map(|u| u.user_id).unwrap_or_default();
    let (cpe, parent) = (s.actor(cpe_id).await?, s.actor(parent_id).await?);
    let user = |id: Uuid| json!({"kind": "user", "id": id});
    s.as_user(
        teacher,
        "SendMessage",
        json!({"to": [{"kind": "class", "id": class_6a}], "subject": "Sortie au musée des Arts et Métiers",
            "body": "<p>Bonjour à tous,</p><p>Nous irons au musée <strong>jeudi 15 octobre</strong>. Pensez à l'autorisation de sortie.</p>"}),
    )
    .await?;
    let question = id_of(
        &s.as_user(
            &parent,
            "SendMessage",
            json!({"to": [user(teacher_id)], "subject": "Devoirs de mathématiques",
                "body": "<p>Bonjour Madame,</p><p>Léa n'a pas compris l'exercice 4. Pourriez-vous lui réexpliquer ?</p>"}),
        )
        .await?,
    )?;
    s.as_user(
        teacher,
        "SendMessage",
        json!({"to": [user(parent_id)], "subject": "Re: Devoirs de mathématiques", "reply_to": question,
            "body": "<p>Bonjour,</p><p>Bien sûr, nous le reprendrons en classe mardi.</p>"}),
    )
    .await?;
    s.as_user(
        &cpe,
        "SendMessage",
        json!({"to": [user(parent_id)], "subject": "Absence de Léa",
            "body": "<p>Bonjour,</p><p>Léa était absente lundi matin. Merci de justifier cette absence.</p>"}),
    )
    .await?;
    let list = id_of(
        &s.as_user(
            head,
            "CreateMailingList",
            json!({"structure": DEMO_UAI, "name": "Élèves de 6A", "bound_to": {"kind": "class", "id": class_6a}}),
        )
        .await?,
    )?;
    s.as_user(teacher, "PostToList", json!({"list": list, "subject": "Contrôle de fractions", "body": "<p>Contrôle jeudi prochain.</p>"}))
        .await?;
    Ok(())
}
