//! End-to-end: réservations through HTTP (closed days of the structure, resources, bookings
//! pending and confirmed, collisions naming the booking they collide with, recurring bookings,
//! approval, rejection, cancellation, calendars, occupancy, who reads what) on both backends.

use ent_tests::school::School;
use ent_tests::server::TestServer;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

fn weekdays(ranges: Value) -> Value {
    json!(["monday", "tuesday", "wednesday", "thursday", "friday"].iter().map(|d| json!({"day": d, "ranges": ranges})).collect::<Vec<_>>())
}

fn created(r: &Value, field: &str) -> Uuid {
    Uuid::parse_str(r["created"][field].as_str().unwrap_or_else(|| panic!("created.{field} in {r}"))).expect("uuid")
}

/// The message of the first error naming `field`, if any.
fn error_on<'a>(body: &'a Value, field: &str) -> Option<&'a str> {
    body["errors"].as_array()?.iter().find(|e| e["field"] == field).and_then(|e| e["message"].as_str())
}

async fn reservations_flow(kind: &str) {
    let s = TestServer::start(kind).await;
    let sc = School::create(&s).await;
    let (cpe_id, cpe_login, _) = s.user(&sc.root, &sc.uai, "personnel", Some("cpe"), "Marc", "Lefort").await;
    let cpe = s.login_user(&cpe_login).await;

    // Closed days: the direction declares them, a teacher may not; every member reads them.
    let toussaint = json!({"structure": sc.uai, "days": [{"from": "2026-10-17", "to": "2026-11-01", "label": "Vacances de la Toussaint"}]});
    let (status, _) = s.command(&sc.teacher, "DeclareClosedDays", toussaint.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = s
        .command(
            &sc.head,
            "DeclareClosedDays",
            json!({"structure": sc.uai, "days": [{"from": "2026-11-02", "to": "2026-11-01", "label": "x"}]}),
        )
        .await;
    assert_eq!((status, error_on(&body, "days[0].to").is_some()), (StatusCode::UNPROCESSABLE_ENTITY, true), "{body}");
    s.ok(&sc.head, "DeclareClosedDays", toussaint).await;
    let r = s
        .ok(
            &sc.head,
            "DeclareClosedDays",
            json!({"structure": sc.uai, "days": [{"from": "2026-11-11", "to": "2026-11-11", "label": "Armistice"}]}),
        )
        .await;
    let armistice = created(&r, "closed_days_id");
    let r = s.ok(&sc.head, "WithdrawClosedDays", json!({"structure": sc.uai, "closed_days": armistice})).await;
    let (status, closed) = s.get(Some(&sc.teacher), &format!("/api/v1/structures/{}/closed-days", sc.uai), r["position"].as_u64()).await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    assert_eq!(closed["days"].as_array().map(Vec::len), Some(1), "{closed}");
    assert_eq!(closed["days"][0]["label"], "Vacances de la Toussaint");
    let (status, _) = s.get(None, &format!("/api/v1/structures/{}/closed-days", sc.uai), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Resources: the direction defines them; a teacher may not; codes are unique.
    let hours = weekdays(json!([{"start": "08:00", "end": "12:00"}, {"start": "13:30", "end": "18:00"}]));
    let room = json!({"structure": sc.uai, "code": "B12", "name": "Salle B12", "kind": "salle", "capacity": 30, "opening_hours": hours});
    let (status, _) = s.command(&sc.teacher, "DefineBookableResource", room.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let r = s.ok(&sc.head, "DefineBookableResource", room.clone()).await;
    let b12 = created(&r, "resource_id");
    let (status, body) = s.command(&sc.head, "DefineBookableResource", room).await;
    assert_eq!((status, error_on(&body, "code").is_some()), (StatusCode::UNPROCESSABLE_ENTITY, true), "{body}");
    let info = json!({"structure": sc.uai, "code": "INFO1", "name": "Salle informatique", "kind": "salle_informatique", "capacity": 24,
        "opening_hours": hours, "requires_approval": true, "managers": [cpe_id]});
    let r = s.ok(&sc.head, "DefineBookableResource", info).await;
    let info1 = created(&r, "resource_id");

    // A teacher books B12 (no approval: confirmed).
    let slot = |resource: Uuid, from: &str, to: &str| json!({"resource": resource, "from": from, "to": to, "purpose": "Cours de soutien"});
    let r = s.ok(&sc.teacher, "BookResource", slot(b12, "2026-10-05T09:00:00", "2026-10-05T10:00:00")).await;
    let first = TestServer::created_id(&r);
    assert_eq!(created(&r, "booking_id"), first);
    // An overlapping booking is refused naming the booking it collides with; nothing appended.
    let (status, body) = s.command(&sc.head, "BookResource", slot(b12, "2026-10-05T09:30:00", "2026-10-05T10:30:00")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(error_on(&body, "occurrences[0]").is_some_and(|m| m.contains(&first.to_string())), "{body}");
    // Touching is fine; outside the opening hours, on a closed day, ending before starting: no.
    s.ok(&sc.head, "BookResource", slot(b12, "2026-10-05T10:00:00", "2026-10-05T11:00:00")).await;
    let (status, body) = s.command(&sc.teacher, "BookResource", slot(b12, "2026-10-05T12:00:00", "2026-10-05T13:00:00")).await;
    assert_eq!((status, error_on(&body, "from").is_some()), (StatusCode::UNPROCESSABLE_ENTITY, true), "{body}");
    let (status, body) = s.command(&sc.teacher, "BookResource", slot(b12, "2026-10-20T09:00:00", "2026-10-20T10:00:00")).await;
    assert!(status == StatusCode::UNPROCESSABLE_ENTITY && error_on(&body, "from").is_some_and(|m| m.contains("Toussaint")), "{body}");
    let (status, body) = s.command(&sc.teacher, "BookResource", slot(b12, "2026-10-05T10:00:00", "2026-10-05T09:00:00")).await;
    assert_eq!((status, error_on(&body, "to").is_some()), (StatusCode::UNPROCESSABLE_ENTITY, true), "{body}");
    // Pupils and parents do not book.
    let (status, _) = s.command(&sc.pupil_a1_token, "BookResource", slot(b12, "2026-10-06T09:00:00", "2026-10-06T10:00:00")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A weekly booking of the computer room: pending (it needs approval), the Toussaint skipped.
    let mut weekly = slot(info1, "2026-10-05T14:00:00", "2026-10-05T15:00:00");
    weekly["recurrence"] = json!({"until": "2026-11-09"});
    let r = s.ok(&sc.teacher, "BookResource", weekly).await;
    let recurring = TestServer::created_id(&r);
    let (status, mine) = s.get(Some(&sc.teacher), "/api/v1/me/bookings", r["position"].as_u64()).await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    let rec = mine.as_array().and_then(|l| l.iter().find(|b| b["id"] == json!(recurring))).cloned().expect("listed");
    assert_eq!(rec["status"], "pending");
    let days: Vec<&str> = rec["occurrences"].as_array().unwrap().iter().map(|o| &o["from"].as_str().unwrap()[..10]).collect();
    assert_eq!(days, ["2026-10-05", "2026-10-12", "2026-11-02", "2026-11-09"]);
    assert_eq!(rec["resource_name"], "Salle informatique (INFO1)");
    // A recurring booking is all or nothing and names every colliding occurrence.
    let mut clash = slot(info1, "2026-10-05T14:30:00", "2026-10-05T15:30:00");
    clash["recurrence"] = json!({"until": "2026-10-12"});
    let (status, body) = s.command(&cpe, "BookResource", clash).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["occurrences[0]", "occurrences[1]"], "{body}");
    assert!(body["errors"].as_array().unwrap().iter().all(|e| e["message"].as_str().unwrap().contains(&recurring.to_string())));

    // Pending approvals: the CPE (manager) sees it, the teacher (who manages nothing) does not.
    let pending_path = format!("/api/v1/structures/{}/bookings/pending", sc.uai);
    let (status, pending) = s.get(Some(&cpe), &pending_path, r["position"].as_u64()).await;
    assert_eq!((status, pending.as_array().map(Vec::len)), (StatusCode::OK, Some(1)), "{pending}");
    assert_eq!(pending[0]["booker_name"], "Sophie Bernard");
    let (status, none) = s.get(Some(&sc.teacher), &pending_path, None).await;
    assert_eq!((status, none.as_array().map(Vec::len)), (StatusCode::OK, Some(0)));
    let (status, _) = s.get(Some(&sc.parent), &pending_path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Only a manager (or the direction) approves.
    let (status, _) = s.command(&sc.teacher, "ApproveBooking", json!({"booking": recurring})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let r = s.ok(&cpe, "ApproveBooking", json!({"booking": recurring})).await;
    let (status, _) = s.command(&cpe, "ApproveBooking", json!({"booking": recurring})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "approved already");

    // The calendar of a week: the bookings, named, and the closed days.
    let (status, cal) =
        s.get(Some(&sc.teacher), &format!("/api/v1/resources/{info1}/calendar?week=2026-W41"), r["position"].as_u64()).await;
    assert_eq!(status, StatusCode::OK, "{cal}");
    assert_eq!(cal["entries"][0]["status"], "confirmed");
    assert_eq!(cal["entries"][0]["booker_name"], "Sophie Bernard");
    let (_, holiday) = s.get(Some(&sc.teacher), &format!("/api/v1/resources/{info1}/calendar?week=2026-W43"), None).await;
    assert_eq!(holiday["closed_days"].as_array().map(Vec::len), Some(7), "{holiday}");
    let (status, body) = s.get(Some(&sc.teacher), &format!("/api/v1/resources/{info1}/calendar?week=41"), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = s.get(Some(&sc.pupil_a1_token), &format!("/api/v1/resources/{info1}/calendar?week=2026-W41"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "pupils do not see the resources");
    let (status, _) = s.get(Some(&sc.teacher), &format!("/api/v1/resources/{}/calendar", Uuid::new_v4()), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Rejection (with a reason) frees the slot; so does a cancellation, by the booker only.
    let r = s.ok(&sc.teacher, "BookResource", slot(info1, "2026-10-06T09:00:00", "2026-10-06T11:00:00")).await;
    let rejected = TestServer::created_id(&r);
    let (status, body) = s.command(&cpe, "RejectBooking", json!({"booking": rejected, "reason": ""})).await;
    assert_eq!((status, error_on(&body, "reason").is_some()), (StatusCode::UNPROCESSABLE_ENTITY, true), "{body}");
    s.ok(&cpe, "RejectBooking", json!({"booking": rejected, "reason": "Maintenance des postes"})).await;
    s.ok(&cpe, "BookResource", slot(info1, "2026-10-06T09:00:00", "2026-10-06T11:00:00")).await;
    let (status, _) = s.command(&sc.head, "CancelBooking", json!({"booking": first})).await;
    assert_eq!(status, StatusCode::OK, "the direction may cancel");
    let (status, _) = s.command(&sc.teacher, "CancelBooking", json!({"booking": first})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "already cancelled");
    let r = s.ok(&sc.teacher, "BookResource", slot(b12, "2026-10-05T08:00:00", "2026-10-05T10:00:00")).await;
    let mine_after = r["position"].as_u64();
    let (_, mine) = s.get(Some(&sc.teacher), "/api/v1/me/bookings", mine_after).await;
    let by_id = |id: Uuid| mine.as_array().and_then(|l| l.iter().find(|b| b["id"] == json!(id))).cloned().expect("listed");
    assert_eq!(by_id(rejected)["status"], "rejected");
    assert_eq!(by_id(rejected)["reason"], "Maintenance des postes");
    assert_eq!(by_id(first)["status"], "cancelled");

    // Occupancy of the week, for the direction: B12 3 h (08:00–11:00), INFO1 1 h + 2 h, of 42.5 h open.
    let occ_path = format!("/api/v1/structures/{}/occupancy?week=2026-W41", sc.uai);
    let (status, occ) = s.get(Some(&sc.head), &occ_path, mine_after).await;
    assert_eq!(status, StatusCode::OK, "{occ}");
    let line = |code: &str| occ.as_array().and_then(|l| l.iter().find(|o| o["code"] == code)).cloned().expect("line");
    assert_eq!(line("B12")["booked_minutes"], 180);
    assert_eq!(line("INFO1")["booked_minutes"], 180);
    assert_eq!(line("B12")["open_minutes"], 5 * 510);
    let (status, _) = s.get(Some(&sc.teacher), &occ_path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The calendars equal a rebuild of the read model from scratch.
    let paths = [
        format!("/api/v1/resources/{b12}/calendar?week=2026-W41"),
        format!("/api/v1/resources/{info1}/calendar?week=2026-W41"),
        format!("/api/v1/resources/{info1}/calendar?week=2026-W45"),
        "/api/v1/me/bookings".to_string(),
    ];
    let mut before = Vec::new();
    for p in &paths {
        before.push(s.get(Some(&sc.teacher), p, mine_after).await.1);
    }
    let (status, report) = s.post_json(Some(&sc.root), "/api/v1/admin/projections/reservations/rebuild", &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    for (p, old) in paths.iter().zip(&before) {
        let (_, now) = s.get(Some(&sc.teacher), p, None).await;
        assert_eq!(&now, old, "{p} differs after a rebuild");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reservations_flow_on_sqlite() {
    reservations_flow("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reservations_flow_on_postgres() {
    reservations_flow("postgres").await;
}

/// `ent demo`'s réservations: the holidays as closed days, three resources, one booking waiting
/// for the head's approval, an occupied week.
async fn demo_has_reservations(kind: &str) {
    let s = TestServer::start(kind).await;
    ent_api::demo::seed(&s.app.state.handler).await.expect("demo");
    let head = s.app.state.backend.events.head().await.expect("head");
    let principal = s.login("claire.moreau", ent_api::demo::DEMO_PASSWORD).await;
    let uai = ent_api::demo::DEMO_UAI;
    let (status, closed) = s.get(Some(&principal), &format!("/api/v1/structures/{uai}/closed-days"), Some(head)).await;
    assert_eq!((status, closed["days"].as_array().map(Vec::len)), (StatusCode::OK, Some(2)), "{closed}");
    let (_, resources) = s.get(Some(&principal), &format!("/api/v1/structures/{uai}/resources"), Some(head)).await;
    assert_eq!(resources.as_array().map(Vec::len), Some(3), "{resources}");
    let (_, pending) = s.get(Some(&principal), &format!("/api/v1/structures/{uai}/bookings/pending"), Some(head)).await;
    assert_eq!(pending.as_array().map(Vec::len), Some(1), "{pending}");
    let first = pending[0]["occurrences"][0]["from"].as_str().expect("from");
    let week = chrono::NaiveDateTime::parse_from_str(first, "%Y-%m-%dT%H:%M:%S").expect("date");
    let week = ent_domain::reservations::time::IsoWeek::of(week.date());
    let (_, occupancy) = s.get(Some(&principal), &format!("/api/v1/structures/{uai}/occupancy?week={week}"), Some(head)).await;
    let booked: i64 = occupancy.as_array().expect("lines").iter().filter_map(|o| o["booked_minutes"].as_i64()).sum();
    assert!(booked > 0, "{occupancy}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn demo_has_reservations_on_sqlite() {
    demo_has_reservations("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn demo_has_reservations_on_postgres() {
    demo_has_reservations("postgres").await;
}
