//! End-to-end: communication rules and the messagerie through HTTP — sending to a class (one
//! message, every pupil's inbox), a parent refused another parent by name with nothing
//! delivered, the ADML's override, sanitised bodies, mailbox commands, threads, search, the
//! purge of the trash, mailing lists.

use chrono::{Duration, Utc};
use ent_tests::school::School;
use ent_tests::server::TestServer;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

fn user(id: Uuid) -> Value {
    json!({"kind": "user", "id": id})
}

async fn inbox(s: &TestServer, token: &str, p: Option<u64>) -> Value {
    let (status, page) = s.get(Some(token), "/api/v1/messagerie/folders/inbox", p).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page
}

async fn count(s: &TestServer, token: &str, folder: &str, p: Option<u64>) -> (u64, u64) {
    let (status, mb) = s.get(Some(token), "/api/v1/messagerie/mailbox", p).await;
    assert_eq!(status, StatusCode::OK, "{mb}");
    let f = mb["folders"].as_array().and_then(|f| f.iter().find(|f| f["key"] == folder)).cloned().expect("folder");
    (f["total"].as_u64().unwrap_or(0), f["unread"].as_u64().unwrap_or(0))
}

async fn messagerie_flow(kind: &str) {
    let s = TestServer::start(kind).await;
    let sc = School::create(&s).await;
    let (cpe_id, cpe_login, _) = s.user(&sc.root, &sc.uai, "personnel", Some("cpe"), "Paul", "Lefèvre").await;
    let (other_parent_id, other_login, _) = s.user(&sc.root, &sc.uai, "parent", None, "Marc", "Dubois").await;
    s.ok(&sc.root, "LinkParent", json!({"parent": other_parent_id, "pupil": sc.pupil_a2})).await;
    let cpe = s.login_user(&cpe_login).await;
    let other_parent = s.login_user(&other_login).await;

    // A teacher writes to 6A: one command, one message, every pupil's inbox; the body sanitised.
    let body = r#"<p>Sortie au musée</p><script>steal()</script><img src="https://example.org/a.png" onerror="alert(1)"><a href="javascript:alert(2)">programme</a>"#;
    let r = s
        .ok(
            &sc.teacher,
            "SendMessage",
            json!({"to": [{"kind": "class", "id": sc.class_a}], "subject": "Réunions de parents", "body": body}),
        )
        .await;
    let to_class = TestServer::created_id(&r);
    let p = r["position"].as_u64();
    for token in [&sc.pupil_a1_token] {
        let page = inbox(&s, token, p).await;
        assert_eq!(page["entries"][0]["message"], json!(to_class), "{page}");
        assert_eq!(page["entries"][0]["from_name"], "Sophie Bernard");
    }
    assert_eq!(count(&s, &sc.pupil_a1_token, "inbox", p).await, (1, 1));
    let (status, m) = s.get(Some(&sc.pupil_a1_token), &format!("/api/v1/messagerie/messages/{to_class}"), p).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["to"].as_array().map(Vec::len), Some(2), "both pupils of 6A, frozen: {m}");
    let stored = m["body"].as_str().unwrap_or_default().to_lowercase();
    for gone in ["<script", "steal", "onerror", "javascript:"] {
        assert!(!stored.contains(gone), "{gone} kept in {stored}");
    }
    assert!(stored.contains("sortie au musée"));
    let (status, _) = s.get(Some(&sc.parent), &format!("/api/v1/messagerie/messages/{to_class}"), p).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not a recipient");

    // A parent writing to another parent: 403 naming them; nothing delivered to anyone.
    let (status, problem) = s
        .command(
            &sc.parent,
            "SendMessage",
            json!({"to": [user(cpe_id), user(other_parent_id)], "subject": "Covoiturage", "body": "Bonjour"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(problem["errors"].as_array().map(Vec::len), Some(1), "{problem}");
    assert_eq!(problem["errors"][0]["field"], format!("recipients.{other_parent_id}"));
    assert!(problem["detail"].as_str().unwrap_or_default().contains("Marc Dubois"), "{problem}");
    let (_, mb) = s.get(Some(&sc.root), "/api/v1/messagerie/mailbox", None).await;
    assert!(mb.is_object());
    assert_eq!(count(&s, &cpe, "inbox", None).await, (0, 0), "all or nothing");
    assert_eq!(count(&s, &other_parent, "inbox", None).await, (0, 0));

    // Attachments wait for the workspace.
    let (status, problem) = s
        .command(&sc.parent, "SendMessage", json!({"to": [user(cpe_id)], "subject": "x", "body": "y", "attachments": [Uuid::new_v4()]}))
        .await;
    assert_eq!((status, problem["errors"][0]["field"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("attachments")));

    // The parent writes to their child's teacher, who answers: a thread.
    let r = s
        .ok(&sc.parent, "SendMessage", json!({"to": [user(sc.teacher_id)], "subject": "Absence de Léa", "body": "Léa sera absente lundi."}))
        .await;
    let question = TestServer::created_id(&r);
    let r = s
        .ok(
            &sc.teacher,
            "SendMessage",
            json!({"to": [user(sc.parent_id)], "subject": "Re: Absence de Léa", "body": "Merci.", "reply_to": question}),
        )
        .await;
    let answer = TestServer::created_id(&r);
    let p = r["position"].as_u64();
    let (status, thread) = s.get(Some(&sc.parent), &format!("/api/v1/messagerie/messages/{answer}/thread"), p).await;
    assert_eq!(status, StatusCode::OK, "{thread}");
    let ids: Vec<Value> = thread.as_array().unwrap().iter().map(|m| m["id"].clone()).collect();
    assert_eq!(ids, [json!(question), json!(answer)]);

    // The ADML's override: parents may write to parents in this structure.
    let (status, _) = s
        .command(
            &sc.teacher,
            "SetCommunicationRule",
            json!({"structure": sc.uai, "from": {"profile": "parent"}, "to": {"profile": "parent"}, "allowed": true}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the ADML");
    let r = s
        .ok(
            &sc.root,
            "SetCommunicationRule",
            json!({"structure": sc.uai, "from": {"profile": "parent"}, "to": {"profile": "parent"}, "allowed": true}),
        )
        .await;
    let (status, rules) =
        s.get(Some(&sc.root), &format!("/api/v1/structures/{}/communication-rules", sc.uai), r["position"].as_u64()).await;
    assert_eq!(status, StatusCode::OK, "{rules}");
    assert_eq!(rules["overrides"][0]["allowed"], true);
    let (status, _) = s.get(Some(&sc.teacher), &format!("/api/v1/structures/{}/communication-rules", sc.uai), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let r = s.ok(&sc.parent, "SendMessage", json!({"to": [user(other_parent_id)], "subject": "Covoiturage", "body": "Bonjour"})).await;
    assert_eq!(count(&s, &other_parent, "inbox", r["position"].as_u64()).await, (1, 1));

    // Mailbox commands: read, folder, trash; search; the purge after 30 days.
    let a1 = &sc.pupil_a1_token;
    s.ok(a1, "MarkRead", json!({"message": to_class})).await;
    let (status, _) = s.command(a1, "MarkRead", json!({"message": question})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not theirs");
    let r = s.ok(a1, "CreateMailFolder", json!({"name": "Sorties"})).await;
    let folder = r["created"]["folder_id"].as_str().map(str::to_string).expect("folder id");
    let r = s.ok(a1, "MoveToFolder", json!({"message": to_class, "folder": folder})).await;
    assert_eq!(count(&s, a1, &folder, r["position"].as_u64()).await, (1, 0));
    assert_eq!(count(&s, a1, "inbox", None).await, (0, 0));
    let (status, found) = s.get(Some(a1), "/api/v1/messagerie/search?q=reunion%20MUSEE", None).await;
    assert_eq!((status, found.as_array().map(Vec::len)), (StatusCode::OK, Some(1)), "{found}");
    let (status, found) = s.get(Some(a1), "/api/v1/messagerie/search?q=conseil", None).await;
    assert_eq!((status, found.as_array().map(Vec::len)), (StatusCode::OK, Some(0)));
    let r = s.ok(a1, "DeleteMessage", json!({"message": to_class})).await;
    assert_eq!(count(&s, a1, "trash", r["position"].as_u64()).await, (1, 0));
    let handler = &s.app.state.handler;
    let report = ent_commands::messagerie::run_mail_retention(handler, Utc::now() + Duration::days(29)).await.expect("retention");
    assert_eq!(report.purged, 0);
    let report = ent_commands::messagerie::run_mail_retention(handler, Utc::now() + Duration::days(31)).await.expect("retention");
    assert_eq!(report.purged, 1);
    let report = ent_commands::messagerie::run_mail_retention(handler, Utc::now() + Duration::days(32)).await.expect("retention");
    assert_eq!(report.purged, 0, "nothing purged twice");
    // The purge's position is not returned: wait for the read model to fold it.
    let mut status = StatusCode::OK;
    for _ in 0..100 {
        status = s.get(Some(a1), &format!("/api/v1/messagerie/messages/{to_class}"), None).await.0;
        if status == StatusCode::NOT_FOUND {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(status, StatusCode::NOT_FOUND, "purged from their views");
    assert_eq!(count(&s, a1, "trash", None).await, (0, 0));
    let (status, _) = s.get(Some(&sc.teacher), &format!("/api/v1/messagerie/messages/{to_class}"), None).await;
    assert_eq!(status, StatusCode::OK, "the sender still has it");

    // A mailing list of 6A: a post reaches every member; a parent's post is checked against
    // their rules (another parent's child: refused, nothing delivered).
    let r = s
        .ok(
            &sc.head,
            "CreateMailingList",
            json!({"structure": sc.uai, "name": "Élèves de 6A", "bound_to": {"kind": "class", "id": sc.class_a}}),
        )
        .await;
    let list = r["created"]["list_id"].as_str().map(str::to_string).expect("list id");
    let (status, lists) = s.get(Some(&sc.teacher), "/api/v1/messagerie/lists", r["position"].as_u64()).await;
    assert_eq!((status, lists[0]["bound_to_name"].clone()), (StatusCode::OK, json!("6A")), "{lists}");
    let r = s.ok(&sc.teacher, "PostToList", json!({"list": list, "subject": "Contrôle", "body": "Jeudi"})).await;
    let post = TestServer::created_id(&r);
    let page = inbox(&s, a1, r["position"].as_u64()).await;
    assert_eq!(page["entries"][0]["message"], json!(post));
    assert_eq!(page["entries"][0]["list"], json!(list));
    let (status, problem) = s.command(&sc.parent, "PostToList", json!({"list": list, "subject": "x", "body": "y"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert!(problem["detail"].as_str().unwrap_or_default().contains("Hugo Dubois"), "{problem}");
    assert_eq!(count(&s, a1, "inbox", None).await.0, 1, "nothing more delivered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn messagerie_flow_on_sqlite() {
    messagerie_flow("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn messagerie_flow_on_postgres() {
    messagerie_flow("postgres").await;
}
