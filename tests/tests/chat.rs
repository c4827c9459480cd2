//! End-to-end: the chat through HTTP and WebSockets (rooms, live delivery to members only, a
//! member removed from the class receiving nothing afterwards, history paged by position, ad
//! hoc rooms under the communication rules, delivery across two server processes).

use std::time::Duration;

use ent_tests::school::School;
use ent_tests::server::TestServer;
use futures::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use uuid::Uuid;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens the live WebSocket of `room` on the server at `base` with a bearer token, and waits
/// for its `ready` frame; `Err(status)` when the upgrade is refused.
async fn connect(base: &str, token: &str, room: Uuid) -> Result<Socket, u16> {
    let url = format!("{}/api/v1/chat/rooms/{room}/live", base.replace("http://", "ws://"));
    let mut request = url.into_client_request().expect("request");
    request.headers_mut().insert("authorization", format!("Bearer {token}").parse().expect("header"));
    match tokio_tungstenite::connect_async(request).await {
        Ok((mut ws, _)) => {
            let first = next_json(&mut ws, Duration::from_secs(5)).await.expect("ready frame");
            assert_eq!(first["type"], "ready");
            Ok(ws)
        }
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => Err(response.status().as_u16()),
        Err(e) => panic!("websocket: {e}"),
    }
}

/// The next JSON text frame within `wait`; `None` on timeout, close or end.
async fn next_json(ws: &mut Socket, wait: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let frame = tokio::time::timeout_at(deadline, ws.next()).await.ok()??;
        match frame {
            Ok(Message::Text(text)) => return serde_json::from_str(&text).ok(),
            Ok(Message::Ping(p)) => {
                let _ = ws.send(Message::Pong(p)).await;
            }
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// The body of the next message frame within `wait`.
async fn next_body(ws: &mut Socket, wait: Duration) -> Option<String> {
    next_json(ws, wait).await.map(|v| v["message"]["body"].as_str().unwrap_or_default().to_string())
}

/// A new pupil of `class`, logged in: (id, token).
async fn pupil(s: &TestServer, sc: &School, class: Uuid, first: &str) -> (Uuid, String) {
    let (id, login, _) = s.user(&sc.root, &sc.uai, "eleve", None, first, "Test").await;
    s.ok(&sc.root, "EnrolPupil", json!({"pupil": id, "class": class, "since": "2026-09-01"})).await;
    (id, s.login_user(&login).await)
}

async fn chat_flow(kind: &str) {
    let s = TestServer::start(kind).await;
    let sc = School::create(&s).await;
    let base = s.app.url();

    // Rooms of 6A (by its teacher) and 6B (by the direction); a pupil opens no class room.
    let (status, _) = s.command(&sc.pupil_a1_token, "OpenChatRoom", json!({"class_or_group": sc.class_a})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let r = s.ok(&sc.teacher, "OpenChatRoom", json!({"class_or_group": sc.class_a})).await;
    assert_eq!(TestServer::created_id(&r), sc.class_a, "a class's room has the class's id");
    let (status, body) = s.command(&sc.teacher, "OpenChatRoom", json!({"class_or_group": sc.class_a})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = s.command(&sc.teacher, "OpenChatRoom", json!({"class_or_group": sc.class_b})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not a teacher of 6B");
    let r = s.ok(&sc.head, "OpenChatRoom", json!({"class_or_group": sc.class_b, "title": "6B — vie de classe"})).await;
    let p = r["position"].as_u64();

    let (a2, a2_token) = pupil(&s, &sc, sc.class_a, "Zoé").await;
    let (_b2, b2_token) = pupil(&s, &sc, sc.class_b, "Yanis").await;
    let (leaver, leaver_token) = pupil(&s, &sc, sc.class_a, "Paul").await;
    let (quitter, quitter_token) = pupil(&s, &sc, sc.class_a, "Lina").await;
    let (_, _) = (a2, b2_token.clone());

    // The rooms each one sees.
    let (status, rooms) = s.get(Some(&sc.pupil_a1_token), "/api/v1/chat/rooms", p).await;
    assert_eq!(status, StatusCode::OK, "{rooms}");
    assert_eq!(rooms.as_array().map(Vec::len), Some(1));
    assert_eq!(rooms[0]["title"], "6A");
    assert_eq!(rooms[0]["class_or_group_name"], "6A");
    let (_, rooms) = s.get(Some(&sc.head), "/api/v1/chat/rooms", p).await;
    assert_eq!(rooms.as_array().map(Vec::len), Some(2), "the direction is in every class room");

    // Connections: two members of 6A; a pupil of 6B may not connect to 6A's room and listens
    // to 6B's.
    let mut teacher_ws = connect(&base, &sc.teacher, sc.class_a).await.expect("teacher connects");
    let mut a2_ws = connect(&base, &a2_token, sc.class_a).await.expect("pupil connects");
    assert_eq!(connect(&base, &b2_token, sc.class_a).await.err(), Some(404), "a non-member cannot connect");
    let mut b2_ws = connect(&base, &b2_token, sc.class_b).await.expect("6B pupil connects to 6B");
    let mut leaver_ws = connect(&base, &leaver_token, sc.class_a).await.expect("connects");
    let mut quitter_ws = connect(&base, &quitter_token, sc.class_a).await.expect("connects");

    s.ok(&sc.pupil_a1_token, "PostChatMessage", json!({"room": sc.class_a, "body": "Bonjour à tous"})).await;
    let wait = Duration::from_secs(5);
    assert_eq!(next_body(&mut teacher_ws, wait).await.as_deref(), Some("Bonjour à tous"));
    let frame = next_json(&mut a2_ws, wait).await.expect("the other member receives it");
    assert_eq!(frame["message"]["author_name"], "Léa Martin");
    assert_eq!(next_body(&mut leaver_ws, wait).await.as_deref(), Some("Bonjour à tous"));
    assert_eq!(next_body(&mut quitter_ws, wait).await.as_deref(), Some("Bonjour à tous"));
    assert_eq!(next_json(&mut b2_ws, Duration::from_millis(500)).await, None, "a non-member receives nothing");

    // Authorization on every post: a pupil of 6B may not post in 6A's room; bad input names
    // the field and appends nothing.
    let (status, _) = s.command(&b2_token, "PostChatMessage", json!({"room": sc.class_a, "body": "intrus"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = s.command(&sc.teacher, "PostChatMessage", json!({"room": sc.class_a, "body": "   "})).await;
    assert_eq!((status, body["errors"][0]["field"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("body")));
    let (status, _) = s.command(&sc.teacher, "PostChatMessage", json!({"room": Uuid::new_v4(), "body": "x"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A pupil enrolled into another class, and a deactivated one, stop receiving at once.
    s.ok(&sc.root, "EnrolPupil", json!({"pupil": leaver, "class": sc.class_b, "since": "2026-10-01"})).await;
    s.ok(&sc.root, "DeactivateUser", json!({"user": quitter, "reason": "départ"})).await;
    s.ok(&sc.teacher, "PostChatMessage", json!({"room": sc.class_a, "body": "Contrôle vendredi"})).await;
    assert_eq!(next_body(&mut teacher_ws, wait).await.as_deref(), Some("Contrôle vendredi"));
    assert_eq!(next_body(&mut a2_ws, wait).await.as_deref(), Some("Contrôle vendredi"));
    assert_eq!(next_json(&mut leaver_ws, Duration::from_millis(500)).await, None, "moved to 6B: nothing more");
    assert_eq!(next_json(&mut quitter_ws, Duration::from_millis(500)).await, None, "deactivated: nothing more");
    let (status, _) = s.command(&leaver_token, "PostChatMessage", json!({"room": sc.class_a, "body": "encore là ?"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(connect(&base, &leaver_token, sc.class_a).await.err(), Some(404));

    // History, paged by position, names next to ids; a non-member reads nothing.
    let r = s.ok(&a2_token, "PostChatMessage", json!({"room": sc.class_a, "body": "Merci"})).await;
    let p = r["position"].as_u64();
    let path = format!("/api/v1/chat/rooms/{}/messages", sc.class_a);
    let (status, page) = s.get(Some(&sc.pupil_a1_token), &format!("{path}?limit=2"), p).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let bodies: Vec<&str> = page["messages"].as_array().unwrap().iter().map(|m| m["body"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["Contrôle vendredi", "Merci"]);
    assert_eq!(page["messages"][0]["author_name"], "Sophie Bernard");
    let before = page["next_before"].as_u64().expect("an older page");
    let (_, older) = s.get(Some(&sc.pupil_a1_token), &format!("{path}?limit=2&before={before}"), None).await;
    assert_eq!(older["messages"][0]["body"], "Bonjour à tous");
    assert_eq!(older["next_before"], Value::Null);
    let (status, _) = s.get(Some(&b2_token), &path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = s.get(Some(&sc.pupil_a1_token), &format!("{path}?limit=0"), None).await;
    assert_eq!((status, body["errors"][0]["field"].clone()), (StatusCode::BAD_REQUEST, json!("limit")));

    // Group room: the group's pupils (A1 is a latinist, A2 is not).
    s.ok(&sc.teacher, "OpenChatRoom", json!({"class_or_group": sc.group})).await;
    let r = s.ok(&sc.pupil_a1_token, "PostChatMessage", json!({"room": sc.group, "body": "Salve"})).await;
    let (status, _) = s.get(Some(&a2_token), &format!("/api/v1/chat/rooms/{}/messages", sc.group), r["position"].as_u64()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Ad hoc rooms under the communication rules: 403 naming each refused member.
    let (status, body) =
        s.command(&sc.pupil_a1_token, "OpenChatRoom", json!({"title": "Projet", "members": [sc.pupil_b1, sc.teacher_id]})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let refused: Vec<&str> = body["errors"].as_array().map(|e| e.iter().filter_map(|x| x["field"].as_str()).collect()).unwrap_or_default();
    assert_eq!(refused, [format!("recipients.{}", sc.pupil_b1)], "only the pupil of another class: {body}");
    let r = s.ok(&sc.parent, "OpenChatRoom", json!({"title": "Question sur Léa", "members": [sc.teacher_id]})).await;
    let adhoc = TestServer::created_id(&r);
    let (status, _) = s.command(&sc.parent, "OpenChatRoom", json!({"title": "x", "members": [a2]})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a parent does not write to other pupils");
    let r = s.ok(&sc.teacher, "PostChatMessage", json!({"room": adhoc, "body": "Bonjour Madame"})).await;
    let (status, page) = s.get(Some(&sc.parent), &format!("/api/v1/chat/rooms/{adhoc}/messages"), r["position"].as_u64()).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["room"]["members"][1]["name"], "Sophie Bernard");
    let (status, _) = s.get(Some(&sc.pupil_a1_token), &format!("/api/v1/chat/rooms/{adhoc}/messages"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn chat_flow_on_sqlite() {
    chat_flow("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn chat_flow_on_postgres() {
    chat_flow("postgres").await;
}

/// Two server processes (two `App`s) on one PostgreSQL database: a message posted on one
/// reaches a client connected to the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn chat_delivers_across_server_processes_on_postgres() {
    let s = TestServer::start("postgres").await;
    let sc = School::create(&s).await;
    let other = ent_api::App::build(s.config.clone()).await.expect("second server");
    let r = s.ok(&sc.teacher, "OpenChatRoom", json!({"class_or_group": sc.class_a})).await;
    // The second server's read model must have the room before a client connects there.
    let (status, _) = s
        .client
        .get(format!("{}/api/v1/chat/rooms", other.url()))
        .bearer_auth(&sc.pupil_a1_token)
        .header("ent-min-position", r["position"].as_u64().unwrap_or_default().to_string())
        .send()
        .await
        .map(|r| (r.status(), ()))
        .expect("rooms on the other server");
    assert_eq!(status, StatusCode::OK);
    let mut on_other = connect(&other.url(), &sc.pupil_a1_token, sc.class_a).await.expect("connects to the second server");
    let mut on_first = connect(&s.app.url(), &sc.pupil_a1_token, sc.class_a).await.expect("connects to the first server");
    s.ok(&sc.teacher, "PostChatMessage", json!({"room": sc.class_a, "body": "Depuis le premier serveur"})).await;
    let wait = Duration::from_secs(5);
    assert_eq!(next_body(&mut on_other, wait).await.as_deref(), Some("Depuis le premier serveur"));
    assert_eq!(next_body(&mut on_first, wait).await.as_deref(), Some("Depuis le premier serveur"));
    other.shutdown().await;
}
