//! The demo's forums, blogs and news: a 6A forum category with a topic and a reply, the 6A
//! blog (comments moderated) with a published post and a comment waiting for approval, and two
//! news items of the collège, one pinned.

use chrono::{Duration, Utc};
use ent_commands::CommandError;
use ent_domain::Actor;
use serde_json::json;
use uuid::Uuid;

use super::{DEMO_UAI, Seeder};

fn created(result: &ent_commands::AppendResult) -> Option<Uuid> {
    result.stream.rsplit('/').next().and_then(|id| Uuid::parse_str(id).ok())
}

/// Seeds the three services, as the head, the 6A maths teacher and a 6A pupil.
pub(super) async fn seed(s: &Seeder<'_>, head: &Actor, teacher: &Actor, class_6a: Uuid, pupil: Uuid) -> Result<(), CommandError> {
    let pupil = s.actor(pupil).await?;
    let r = s
        .as_user(
            teacher,
            "CreateForumCategory",
            json!({"name": "Vie de la classe", "description": "Les questions de la 6A", "class": class_6a}),
        )
        .await?;
    let r = s
        .as_user(
            teacher,
            "OpenTopic",
            json!({"category": created(&r), "title": "Sortie au muséum jeudi", "body": "<p>Pensez à apporter un <strong>pique-nique</strong> et un carnet.</p>"}),
        )
        .await?;
    s.as_user(&pupil, "ReplyToTopic", json!({"topic": created(&r), "body": "<p>Est-ce qu'on peut prendre des photos ?</p>"})).await?;

    let r = s
        .as_user(
            teacher,
            "CreateBlog",
            json!({"owner": {"kind": "class", "class": class_6a}, "title": "Le blog de la 6A", "description": "Nos projets et sorties", "moderated_comments": true}),
        )
        .await?;
    let r = s
        .as_user(
            teacher,
            "WriteBlogPost",
            json!({"blog": created(&r), "title": "Notre projet « jardin »", "body": "<p>Les élèves ont planté des <em>radis</em> et des tomates dans le jardin du collège.</p>"}),
        )
        .await?;
    let post = created(&r);
    s.as_user(teacher, "PublishBlogPost", json!({"post": post})).await?;
    s.as_user(&pupil, "CommentBlogPost", json!({"post": post, "body": "<p>On pourra goûter les radis ?</p>"})).await?;

    let now = Utc::now();
    s.as_user(
        head,
        "PublishNews",
        json!({"structure": DEMO_UAI, "title": "Portes ouvertes samedi", "body": "<p>Le collège ouvre ses portes samedi de 9 h à 12 h.</p>",
            "audience": {"kind": "structure"}, "publish_from": now - Duration::days(1), "publish_until": now + Duration::days(30), "pinned": true}),
    )
    .await?;
    s.as_user(
        head,
        "PublishNews",
        json!({"structure": DEMO_UAI, "title": "Menu de la cantine", "body": "<p>Le menu de décembre est affiché au self.</p>",
            "audience": {"kind": "structure"}, "publish_from": now - Duration::hours(2), "pinned": false}),
    )
    .await?;
    Ok(())
}
