//! End-to-end: the forums through HTTP (categories of a class and of the structure, topics,
//! edits and their history, moderation, who reads what, sanitised bodies), on both backends.

use ent_tests::school::School;
use ent_tests::server::TestServer;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

const DIRTY: &str = "<p onclick=\"steal()\">Qui vient à la sortie ?<script>alert('x')</script> <img src=x onerror=\"alert(1)\"> <a href=\"javascript:alert(1)\">ici</a></p>";

fn assert_clean(body: &Value) {
    let body = body.as_str().expect("body");
    for bad in ["<script", "onerror", "onclick", "javascript:", "alert"] {
        assert!(!body.to_lowercase().contains(bad), "{bad} left in {body}");
    }
}

/// A pupil of 6B with a login.
async fn pupil_of_6b(s: &TestServer, sc: &School) -> String {
    let (id, login, _) = s.user(&sc.root, &sc.uai, "eleve", None, "Jules", "Roux").await;
    s.ok(&sc.root, "EnrolPupil", json!({"pupil": id, "class": sc.class_b, "since": "2026-09-01"})).await;
    s.login_user(&login).await
}

async fn forums_flow(kind: &str) {
    let s = TestServer::start(kind).await;
    let sc = School::create(&s).await;
    let other = pupil_of_6b(&s, &sc).await;

    // Categories: a class's teacher creates its category, not the structure's.
    let r = s.ok(&sc.teacher, "CreateForumCategory", json!({"name": "Vie de la 6A", "class": sc.class_a})).await;
    let class_cat = TestServer::created_id(&r);
    let (status, _) = s.command(&sc.teacher, "CreateForumCategory", json!({"name": "Collège"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let r = s.ok(&sc.head, "CreateForumCategory", json!({"name": "Vie du collège", "description": "Pour tous"})).await;
    let school_cat = TestServer::created_id(&r);

    // A pupil of 6A opens a topic; what the sanitiser removes is never stored.
    let r = s.ok(&sc.pupil_a1_token, "OpenTopic", json!({"category": class_cat, "title": "Sortie au musée", "body": DIRTY})).await;
    let topic = TestServer::created_id(&r);
    let p = r["position"].as_u64();
    let (status, doc) = s.get(Some(&sc.pupil_a1_token), &format!("/api/v1/forums/topics/{topic}"), p).await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    assert_clean(&doc["posts"][0]["body"]);
    assert_eq!(doc["posts"][0]["author_name"], "Léa Martin");
    let first_post = doc["posts"][0]["id"].as_str().expect("post id").to_string();
    let (status, events) = s.get(Some(&sc.root), &format!("/api/v1/events?after={}&limit=1", p.unwrap_or(1) - 1), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_clean(&events[0]["payload"]["body"]);
    let (status, body) = s
        .command(&sc.pupil_a1_token, "OpenTopic", json!({"category": class_cat, "title": "Vide", "body": "<script>alert(1)</script>"}))
        .await;
    assert_eq!((status, body["errors"][0]["field"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("body")));

    // A pupil of another class neither posts nor reads: 404 like an unknown id.
    let (status, _) = s.command(&other, "OpenTopic", json!({"category": class_cat, "title": "x", "body": "y"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, refused) = s.get(Some(&other), &format!("/api/v1/forums/topics/{topic}"), p).await;
    let (_, unknown) = s.get(Some(&other), &format!("/api/v1/forums/topics/{}", Uuid::new_v4()), p).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(refused, unknown);
    let (status, _) = s.get(Some(&other), &format!("/api/v1/forums/categories/{class_cat}"), p).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, cats) = s.get(Some(&other), "/api/v1/forums", p).await;
    assert_eq!(cats.as_array().map(|c| c.iter().map(|c| c["name"].clone()).collect::<Vec<_>>()), Some(vec![json!("Vie du collège")]));
    let (_, cats) = s.get(Some(&sc.parent), "/api/v1/forums", p).await;
    assert_eq!(cats, json!([]), "parents take no part in forums");

    // Replies, edits by their author only, and the history.
    let r = s.ok(&sc.teacher, "ReplyToTopic", json!({"topic": topic, "body": "<p>Rendez-vous à 8 h</p>"})).await;
    let reply = r["created"]["post_id"].as_str().expect("post_id").to_string();
    let (status, _) = s.command(&sc.teacher, "EditPost", json!({"topic": topic, "post": first_post, "body": "autre"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only its author edits a post");
    let r = s.ok(&sc.pupil_a1_token, "EditPost", json!({"topic": topic, "post": first_post, "body": "<p>Qui vient jeudi ?</p>"})).await;
    let p = r["position"].as_u64();
    let (status, history) = s.get(Some(&sc.teacher), &format!("/api/v1/forums/topics/{topic}/posts/{first_post}/history"), p).await;
    assert_eq!(status, StatusCode::OK, "{history}");
    let bodies: Vec<Value> = history.as_array().expect("versions").iter().map(|v| v["body"].clone()).collect();
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[1], json!("<p>Qui vient jeudi ?</p>"));
    assert_eq!(history[1]["by_name"], "Léa Martin");

    // Moderation: the class's teacher hides a post, the direction locks the topic.
    let (status, _) = s.command(&sc.pupil_a1_token, "HidePost", json!({"topic": topic, "post": reply})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    s.ok(&sc.teacher, "HidePost", json!({"topic": topic, "post": reply, "reason": "hors sujet"})).await;
    let (status, _) = s.command(&sc.pupil_a1_token, "LockTopic", json!({"topic": topic})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let r = s.ok(&sc.head, "LockTopic", json!({"topic": topic, "reason": "sujet clos"})).await;
    let (status, body) = s.command(&sc.pupil_a1_token, "ReplyToTopic", json!({"topic": topic, "body": "encore"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a locked topic takes no post: {body}");
    let p = r["position"].as_u64();
    let (_, doc) = s.get(Some(&sc.pupil_a1_token), &format!("/api/v1/forums/topics/{topic}"), p).await;
    assert_eq!(doc["locked"], true);
    assert_eq!((doc["posts"][1]["hidden"].clone(), doc["posts"][1]["body"].clone()), (json!(true), json!("")));
    let (_, doc) = s.get(Some(&sc.teacher), &format!("/api/v1/forums/topics/{topic}"), p).await;
    assert_eq!(doc["posts"][1]["body"], "<p>Rendez-vous à 8 h</p>", "moderators see a hidden post");

    // The categories with their counts; a category's topics.
    s.ok(&other, "OpenTopic", json!({"category": school_cat, "title": "Club échecs", "body": "Qui joue ?"})).await;
    let (_, cats) = s.get(Some(&sc.pupil_a1_token), "/api/v1/forums", p).await;
    let class_doc = cats.as_array().and_then(|c| c.iter().find(|c| c["id"] == json!(class_cat))).cloned().expect("class category");
    assert_eq!(
        (class_doc["topics"].clone(), class_doc["posts"].clone(), class_doc["class_name"].clone()),
        (json!(1), json!(2), json!("6A"))
    );
    let (status, listed) = s.get(Some(&sc.teacher), &format!("/api/v1/forums/categories/{class_cat}"), p).await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    assert_eq!(listed["topics"][0]["title"], "Sortie au musée");
    assert_eq!(listed["category"]["moderated_by_reader"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forums_flow_on_sqlite() {
    forums_flow("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forums_flow_on_postgres() {
    forums_flow("postgres").await;
}
