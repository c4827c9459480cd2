//! End-to-end: visio meetings through HTTP (scheduling with its checks, who reads, the agenda's
//! read, cancellation), and the demo's chat room and meeting.

use ent_tests::school::School;
use ent_tests::server::TestServer;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn meeting(sc: &School) -> Value {
    json!({"structure": sc.uai, "title": "Rencontre parents–professeurs", "from": "2026-12-03T17:00:00Z", "to": "2026-12-03T18:00:00Z",
        "participants": [sc.parent_id, sc.pupil_a1], "join_url": "https://meet.jit.si/college-6a"})
}

async fn visio_flow(kind: &str) {
    let s = TestServer::start(kind).await;
    let sc = School::create(&s).await;

    // Checks: an https link, an end after the start, organisers are teachers and staff.
    let mut bad = meeting(&sc);
    bad["join_url"] = json!("http://meet.jit.si/college-6a");
    let (status, body) = s.command(&sc.teacher, "ScheduleMeeting", bad).await;
    assert_eq!((status, body["errors"][0]["field"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("join_url")), "{body}");
    let mut bad = meeting(&sc);
    bad["to"] = json!("2026-12-03T16:00:00Z");
    let (status, body) = s.command(&sc.teacher, "ScheduleMeeting", bad).await;
    assert_eq!((status, body["errors"][0]["field"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("to")), "{body}");
    let (status, _) = s.command(&sc.parent, "ScheduleMeeting", meeting(&sc)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a parent does not organise meetings");
    let mut elsewhere = meeting(&sc);
    elsewhere["participants"] = json!([uuid::Uuid::new_v4()]);
    let unknown = elsewhere["participants"][0].as_str().unwrap_or_default().to_string();
    let (status, body) = s.command(&sc.teacher, "ScheduleMeeting", elsewhere).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["errors"][0]["field"], json!(format!("recipients.{unknown}")), "{body}");

    let r = s.ok(&sc.teacher, "ScheduleMeeting", meeting(&sc)).await;
    let id = TestServer::created_id(&r);
    let p = r["position"].as_u64();

    // The participants read it, with names; the agenda read lists it for its person.
    let (status, mine) = s.get(Some(&sc.parent), "/api/v1/visio/meetings", p).await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(mine[0]["title"], "Rencontre parents–professeurs");
    assert_eq!(mine[0]["organiser_name"], "Sophie Bernard");
    assert_eq!(mine[0]["join_url"], "https://meet.jit.si/college-6a");
    let agenda = format!("/api/v1/users/{}/meetings?from=2026-12-01T00:00:00Z&to=2026-12-08T00:00:00Z", sc.parent_id);
    let (status, entries) = s.get(Some(&sc.parent), &agenda, p).await;
    assert_eq!((status, entries.as_array().map(Vec::len)), (StatusCode::OK, Some(1)), "{entries}");
    let (status, _) = s.get(Some(&sc.teacher), &agenda, p).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "someone else's agenda");
    let (status, _) = s.get(Some(&sc.pupil_a1_token), &format!("/api/v1/visio/meetings/{id}"), p).await;
    assert_eq!(status, StatusCode::OK);
    let (_, none) = s.get(Some(&sc.head), "/api/v1/visio/meetings", p).await;
    assert_eq!(none.as_array().map(Vec::len), Some(0), "not a participant");

    // Cancelled by its organiser only; it leaves the agenda and is marked in the list.
    let (status, _) = s.command(&sc.pupil_a1_token, "CancelMeeting", json!({"meeting": id})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let r = s.ok(&sc.teacher, "CancelMeeting", json!({"meeting": id, "reason": "grève"})).await;
    let (_, entries) = s.get(Some(&sc.parent), &agenda, r["position"].as_u64()).await;
    assert_eq!(entries.as_array().map(Vec::len), Some(0));
    let (_, mine) = s.get(Some(&sc.parent), "/api/v1/visio/meetings", None).await;
    assert_eq!(mine[0]["cancelled"], true);
    let (status, _) = s.command(&sc.teacher, "CancelMeeting", json!({"meeting": id})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "already cancelled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn visio_flow_on_sqlite() {
    visio_flow("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn visio_flow_on_postgres() {
    visio_flow("postgres").await;
}

/// `ent demo` has 6A's room with messages and a parents–teachers meeting.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn demo_has_a_class_room_and_a_meeting() {
    let s = TestServer::start("sqlite").await;
    ent_api::demo::seed(&s.app.state.handler).await.expect("demo");
    let head = s.app.state.backend.events.head().await.expect("head");
    let password = ent_api::demo::DEMO_PASSWORD;
    let pupil = s.login("lea.martin", password).await;
    let (status, rooms) = s.get(Some(&pupil), "/api/v1/chat/rooms", Some(head)).await;
    assert_eq!(status, StatusCode::OK, "{rooms}");
    assert_eq!(rooms[0]["kind"], "class");
    assert_eq!(rooms[0]["messages"], 4);
    let teacher = s.login("julien.petit", password).await;
    let (_, meetings) = s.get(Some(&teacher), "/api/v1/visio/meetings", Some(head)).await;
    assert_eq!(meetings.as_array().map(Vec::len), Some(1), "{meetings}");
}
