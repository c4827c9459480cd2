//! End-to-end: the agenda through HTTP on both backends — school events (create, update, cancel,
//! who may), the merged personal agenda of a pupil, a parent, a teacher and the staff, calendar
//! feeds (the token answered once, the iCalendar feed behind it with its ETag, revocation at
//! once) — and the feed read back by an independent parser (PyPI `icalendar`,
//! `tests/agenda/ical_check.py`, in the virtual environment `scripts/test` prepares).

use std::process::Command;

use chrono::{Datelike, Duration, NaiveDate};
use ent_tests::school::School;
use ent_tests::server::TestServer;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

/// The Monday of next week (Europe/Paris is at most two hours from UTC: the same date at noon).
fn next_monday() -> NaiveDate {
    let today = chrono::Utc::now().date_naive();
    today + Duration::days(7 - i64::from(today.weekday().num_days_from_monday()))
}

fn day(base: NaiveDate, offset: i64) -> String {
    (base + Duration::days(offset)).to_string()
}

fn at(base: NaiveDate, offset: i64, time: &str) -> String {
    format!("{}T{time}:00", day(base, offset))
}

/// The school year a date falls in (`2026-2027`).
fn school_year(d: NaiveDate) -> (i32, String) {
    let start = if d.month() >= 9 { d.year() } else { d.year() - 1 };
    (start, format!("{start}-{}", start + 1))
}

/// Homework needs the school year of its dates to be defined: the helper school defines
/// 2026-2027; another year is defined when the tests run later.
async fn define_year_of(s: &TestServer, sc: &School, d: NaiveDate) {
    let (start, year) = school_year(d);
    if year == "2026-2027" {
        return;
    }
    let next = start + 1;
    s.ok(
        &sc.root,
        "DefinePeriods",
        json!({"structure": sc.uai, "school_year": year, "kind": "trimestres", "bounds": [
        {"start": format!("{start}-09-01"), "end": format!("{start}-11-30")},
        {"start": format!("{start}-12-01"), "end": format!("{next}-02-28")},
        {"start": format!("{next}-03-01"), "end": format!("{next}-07-04")}]}),
    )
    .await;
}

fn titles(agenda: &Value) -> Vec<String> {
    agenda["items"].as_array().expect("items").iter().map(|i| i["title"].as_str().unwrap_or("?").to_string()).collect()
}

fn item(agenda: &Value, id: Uuid) -> Option<&Value> {
    agenda["items"].as_array().and_then(|items| items.iter().find(|i| i["id"] == json!(id)))
}

/// What a week of 6A holds, created through the API.
struct Week {
    base: NaiveDate,
    maths: Uuid,
    latin: Uuid,
    homework: Uuid,
    /// Conseil de classe of 6A, moved once.
    council: Uuid,
    /// Réunion parents-professeurs of the whole structure, cancelled.
    meeting: Uuid,
    /// Sortie of 6B.
    trip: Uuid,
    /// A meeting with the parent.
    appointment: Uuid,
    position: Option<u64>,
}

async fn week(s: &TestServer, sc: &School) -> Week {
    let base = next_monday();
    define_year_of(s, sc, base).await;
    let lesson = |cog: Uuid, subject: Uuid, offset: i64, start: &str, end: &str| json!({"class_or_group": cog, "subject": subject, "teacher": sc.teacher_id, "date": day(base, offset), "start": start, "end": end, "room": "B12"});
    let maths = TestServer::created_id(&s.ok(&sc.root, "ScheduleLesson", lesson(sc.class_a, sc.maths, 0, "08:00", "09:00")).await);
    let latin = TestServer::created_id(&s.ok(&sc.root, "ScheduleLesson", lesson(sc.group, sc.french, 1, "10:00", "11:00")).await);
    let r = s
        .ok(&sc.teacher, "AssignHomework", json!({"class_or_group": sc.class_a, "subject": sc.maths, "given_on": day(base, 0), "due_on": day(base, 3), "description": "Exercices 1 à 4 p. 12"}))
        .await;
    let homework = TestServer::created_id(&r);

    let council = json!({"structure": sc.uai, "title": "Conseil de classe de 6A", "from": at(base, 1, "17:00"), "to": at(base, 1, "18:30"),
        "location": "Salle du conseil", "audience": {"kind": "classes", "ids": [sc.class_a]}});
    let (status, _) = s.command(&sc.teacher, "CreateSchoolEvent", council.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a teacher does not manage school events");
    let mut backwards = council.clone();
    backwards["to"] = json!(at(base, 1, "16:00"));
    let (status, body) = s.command(&sc.head, "CreateSchoolEvent", backwards).await;
    assert_eq!((status, body["errors"][0]["field"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("to")), "{body}");
    let mut unknown = council.clone();
    unknown["audience"] = json!({"kind": "classes", "ids": [sc.group]});
    let (status, body) = s.command(&sc.head, "CreateSchoolEvent", unknown).await;
    assert_eq!((status, body["errors"][0]["field"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("audience.ids[0]")), "{body}");
    let mut malformed = council.clone();
    malformed["from"] = json!("demain");
    let (status, body) = s.command(&sc.head, "CreateSchoolEvent", malformed).await;
    assert_eq!((status, body["errors"][0]["field"].clone()), (StatusCode::BAD_REQUEST, json!("payload.from")), "{body}");
    let council = TestServer::created_id(&s.ok(&sc.head, "CreateSchoolEvent", council).await);

    let meeting = json!({"structure": sc.uai, "title": "Réunion parents-professeurs", "from": at(base, 2, "17:00"), "to": at(base, 2, "20:00"), "audience": {"kind": "structure"}});
    let meeting = TestServer::created_id(&s.ok(&sc.head, "CreateSchoolEvent", meeting).await);
    let trip = json!({"structure": sc.uai, "title": "Sortie au musée du Louvre", "description": "Prévoir un pique-nique", "from": at(base, 3, "08:00"), "to": at(base, 3, "17:00"), "audience": {"kind": "classes", "ids": [sc.class_b]}});
    let trip = TestServer::created_id(&s.ok(&sc.head, "CreateSchoolEvent", trip).await);
    let appointment = json!({"structure": sc.uai, "title": "Rendez-vous avec la direction", "from": at(base, 4, "16:00"), "to": at(base, 4, "16:30"), "audience": {"kind": "users", "ids": [sc.parent_id]}});
    let appointment = TestServer::created_id(&s.ok(&sc.head, "CreateSchoolEvent", appointment).await);

    s.ok(&sc.head, "UpdateSchoolEvent", json!({"event": council, "from": at(base, 1, "17:30")})).await;
    let (status, _) = s.command(&sc.head, "UpdateSchoolEvent", json!({"event": council, "from": at(base, 1, "17:30")})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "nothing to change");
    let r = s.ok(&sc.head, "CancelSchoolEvent", json!({"event": meeting, "reason": "Grève des transports"})).await;
    let (status, _) = s.command(&sc.head, "UpdateSchoolEvent", json!({"event": meeting, "title": "x"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a cancelled event is not changed");
    let (status, _) = s.command(&sc.teacher, "CancelSchoolEvent", json!({"event": trip})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = s.command(&sc.head, "CancelSchoolEvent", json!({"event": Uuid::new_v4()})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    Week { base, maths, latin, homework, council, meeting, trip, appointment, position: r["position"].as_u64() }
}

async fn agenda_flow(kind: &str) {
    let s = TestServer::start(kind).await;
    let sc = School::create(&s).await;
    let w = week(&s, &sc).await;
    let range = format!("/api/v1/agenda?from={}&to={}", w.base, day(w.base, 6));

    // The pupil: lessons of their class and group, homework due, events of their audience.
    let (status, mine) = s.get(Some(&sc.pupil_a1_token), &range, w.position).await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(mine["user"], json!(sc.pupil_a1));
    assert_eq!(
        titles(&mine),
        ["Mathématiques", "Français", "Conseil de classe de 6A", "Réunion parents-professeurs", "Devoir à rendre : Mathématiques"],
        "{mine}"
    );
    let maths = item(&mine, w.maths).expect("maths lesson");
    assert_eq!((maths["teacher_name"].as_str(), maths["class_or_group_name"].as_str()), (Some("Sophie Bernard"), Some("6A")));
    assert_eq!((maths["start"].as_str(), maths["location"].as_str()), (Some(at(w.base, 0, "08:00").as_str()), Some("B12")));
    let council = item(&mine, w.council).expect("council");
    assert_eq!((council["start"].as_str(), council["sequence"].as_u64()), (Some(at(w.base, 1, "17:30").as_str()), Some(1)));
    let meeting = item(&mine, w.meeting).expect("meeting");
    assert_eq!((meeting["cancelled"].as_bool(), meeting["sequence"].as_u64()), (Some(true), Some(1)));
    let homework = item(&mine, w.homework).expect("homework");
    assert_eq!((homework["all_day"].as_bool(), homework["kind"].as_str()), (Some(true), Some("homework")));
    assert!(item(&mine, w.trip).is_none() && item(&mine, w.appointment).is_none(), "not their audience");
    let (status, _) = s.get(Some(&sc.pupil_a1_token), &format!("{range}&pupil={}", sc.pupil_a2), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another pupil's agenda");

    // The parent: their child's agenda and their own appointment.
    let (status, theirs) = s.get(Some(&sc.parent), &range, None).await;
    assert_eq!(status, StatusCode::OK, "{theirs}");
    assert_eq!(theirs["user"], json!(sc.pupil_a1));
    assert_eq!(theirs["user_name"], "Léa Martin");
    assert!(item(&theirs, w.appointment).is_some() && item(&theirs, w.homework).is_some(), "{theirs}");
    let (status, _) = s.get(Some(&sc.parent), &format!("{range}&pupil={}", sc.pupil_a2), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not their child");

    // The teacher: their lessons and the events of their classes, no homework.
    let (status, teacher) = s.get(Some(&sc.teacher), &range, None).await;
    assert_eq!(status, StatusCode::OK, "{teacher}");
    assert_eq!(titles(&teacher), ["Mathématiques", "Français", "Conseil de classe de 6A", "Réunion parents-professeurs"], "{teacher}");

    // The staff: every school event of the structure; a pupil's agenda too.
    let (status, head) = s.get(Some(&sc.head), &range, None).await;
    assert_eq!(status, StatusCode::OK, "{head}");
    assert_eq!(
        titles(&head),
        ["Conseil de classe de 6A", "Réunion parents-professeurs", "Sortie au musée du Louvre", "Rendez-vous avec la direction"],
        "{head}"
    );
    let (status, pupil) = s.get(Some(&sc.head), &format!("{range}&pupil={}", sc.pupil_a1), None).await;
    assert_eq!((status, pupil["items"].as_array().map(Vec::len)), (StatusCode::OK, Some(5)));
    let (status, events) = s.get(Some(&sc.head), &format!("/api/v1/structures/{}/school-events?from={}", sc.uai, w.base), None).await;
    assert_eq!((status, events.as_array().map(Vec::len)), (StatusCode::OK, Some(4)), "{events}");
    let (status, one) = s.get(Some(&sc.head), &format!("/api/v1/structures/{}/school-events/{}", sc.uai, w.council), None).await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert_eq!((one["audience_names"].clone(), one["sequence"].clone()), (json!(["6A"]), json!(1)));
    let (status, _) = s.get(Some(&sc.teacher), &format!("/api/v1/structures/{}/school-events/{}", sc.uai, w.council), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the staff's list");

    // Bad ranges name their field; a platform administrator has no personal agenda.
    for (query, field) in [
        ("from=2026-13-01", "from"),
        ("from=2026-10-10&to=2026-10-01", "to"),
        ("from=2026-09-01&to=2026-12-31", "to"),
        ("pupil=x", "pupil"),
    ] {
        let (status, body) = s.get(Some(&sc.pupil_a1_token), &format!("/api/v1/agenda?{query}"), None).await;
        assert_eq!((status, body["errors"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some(field)), "{query}: {body}");
    }
    let (status, _) = s.get(Some(&sc.root), &range, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A parent of two children names the child.
    let r = s.ok(&sc.root, "LinkParent", json!({"parent": sc.parent_id, "pupil": sc.pupil_b1})).await;
    let (status, body) = s.get(Some(&sc.parent), &range, r["position"].as_u64()).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("pupil")), "{body}");
    let (status, inès) = s.get(Some(&sc.parent), &format!("{range}&pupil={}", sc.pupil_b1), None).await;
    assert_eq!(status, StatusCode::OK, "{inès}");
    assert!(item(&inès, w.trip).is_some() && item(&inès, w.latin).is_some() && item(&inès, w.maths).is_none(), "{inès}");
}

/// Fetches the feed: status, ETag, body.
async fn fetch_feed(s: &TestServer, token: &str, etag: Option<&str>) -> (StatusCode, Option<String>, String) {
    let mut req = s.client.get(s.url(&format!("/api/v1/agenda.ics?token={token}")));
    if let Some(e) = etag {
        req = req.header("if-none-match", e);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status();
    let etag = resp.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_string);
    if status == StatusCode::OK {
        let ct = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        assert!(ct.starts_with("text/calendar"), "{ct}");
    }
    (status, etag, resp.text().await.unwrap_or_default())
}

async fn feed_flow(kind: &str) {
    let s = TestServer::start(kind).await;
    let sc = School::create(&s).await;
    let w = week(&s, &sc).await;

    let envelope = json!({"command_id": Uuid::new_v4(), "type": "CreateCalendarFeed", "payload": {"label": "Téléphone"}});
    let (status, created) = s.envelope(&sc.pupil_a1_token, envelope.clone()).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let token = created["calendar_feed"]["token"].as_str().expect("the token, once").to_string();
    let feed_id = created["calendar_feed"]["feed_id"].clone();
    let (status, again) = s.envelope(&sc.pupil_a1_token, envelope).await;
    assert_eq!(status, StatusCode::OK);
    assert!(again.get("calendar_feed").is_none(), "a replay does not answer the token again: {again}");
    let (status, feeds) = s.get(Some(&sc.pupil_a1_token), "/api/v1/agenda/feeds", created["position"].as_u64()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((feeds[0]["feed_id"].clone(), feeds[0]["label"].clone()), (feed_id.clone(), json!("Téléphone")));
    assert!(!feeds.to_string().contains(&token), "the token is never read back");

    // The feed: no bearer token, its own token in the URL; read after the projection caught up.
    let (status, etag, body) = fetch_feed(&s, &token, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let body = body.replace("\r\n ", "");
    for needle in [
        "BEGIN:VTIMEZONE".to_string(),
        format!("UID:lesson-{}@ent", w.maths),
        format!("UID:homework-{}@ent", w.homework),
        format!("DTSTART;TZID=Europe/Paris:{}T173000", day(w.base, 1).replace('-', "")),
        "STATUS:CANCELLED".to_string(),
    ] {
        assert!(body.contains(&needle), "{needle} in\n{body}");
    }
    assert!(!body.contains(&w.trip.to_string()), "not the pupil's audience");
    let etag = etag.expect("an ETag");
    let (status, same, _) = fetch_feed(&s, &token, Some(&etag)).await;
    assert_eq!((status, same.as_deref()), (StatusCode::NOT_MODIFIED, Some(etag.as_str())));

    // A change makes a new ETag.
    s.ok(&sc.head, "UpdateSchoolEvent", json!({"event": w.council, "location": "CDI"})).await;
    let mut changed = false;
    for _ in 0..50 {
        let (status, _, _) = fetch_feed(&s, &token, Some(&etag)).await;
        if status == StatusCode::OK {
            changed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(changed, "the feed changed after the update");

    // Wrong, malformed and missing tokens.
    let mut wrong = token.clone();
    let last = if wrong.ends_with('0') { "1" } else { "0" };
    wrong.replace_range(wrong.len() - 1.., last);
    assert_eq!(fetch_feed(&s, &wrong, None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(fetch_feed(&s, "nope", None).await.0, StatusCode::NOT_FOUND);
    let (status, _) = s.get(None, "/api/v1/agenda.ics", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Revocation: by the owner (at once), by an administrator of the structure; not by others.
    let (status, _) = s.command(&sc.teacher, "RevokeCalendarFeed", json!({"feed": feed_id, "user": sc.pupil_a1})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another user's feed");
    s.ok(&sc.pupil_a1_token, "RevokeCalendarFeed", json!({"feed": feed_id})).await;
    assert_eq!(fetch_feed(&s, &token, None).await.0, StatusCode::NOT_FOUND, "revoked at once");
    let (status, _) = s.command(&sc.pupil_a1_token, "RevokeCalendarFeed", json!({"feed": feed_id})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "already revoked");
    let r = s.ok(&sc.parent, "CreateCalendarFeed", json!({})).await;
    let parent_token = r["calendar_feed"]["token"].as_str().expect("token").to_string();
    let (status, _, body) = fetch_feed(&s, &parent_token, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.replace("\r\n ", "").contains(&format!("UID:school_event-{}@ent", w.appointment)), "the parent's own appointment");
    s.ok(&sc.head, "RevokeCalendarFeed", json!({"feed": r["calendar_feed"]["feed_id"], "user": sc.parent_id})).await;
    assert_eq!(fetch_feed(&s, &parent_token, None).await.0, StatusCode::NOT_FOUND, "revoked by the direction");
}

/// The other services' entries: the teacher's bookings (cancelled ones stay, cancelled), the
/// structure's closed days for everyone of it, the visio meetings of their participants.
async fn other_services_flow(kind: &str) {
    let s = TestServer::start(kind).await;
    let sc = School::create(&s).await;
    let base = next_monday();
    let range = format!("/api/v1/agenda?from={}&to={}", base, day(base, 6));
    let hours: Vec<Value> = ["monday", "tuesday", "wednesday", "thursday", "friday"]
        .iter()
        .map(|d| json!({"day": d, "ranges": [{"start": "08:00", "end": "18:00"}]}))
        .collect();
    let r = s
        .ok(
            &sc.head,
            "DefineBookableResource",
            json!({"structure": sc.uai, "code": "B12", "name": "Salle B12", "kind": "salle", "opening_hours": hours}),
        )
        .await;
    let room = r["created"]["resource_id"].clone();
    let r = s
        .ok(
            &sc.teacher,
            "BookResource",
            json!({"resource": room, "from": at(base, 1, "10:00"), "to": at(base, 1, "11:00"), "purpose": "Exposés"}),
        )
        .await;
    let booking = TestServer::created_id(&r);
    let r = s
        .ok(
            &sc.head,
            "DeclareClosedDays",
            json!({"structure": sc.uai, "days": [{"from": day(base, 4), "to": day(base, 4), "label": "Pont de l'Armistice"}]}),
        )
        .await;
    let closed = r["created"]["closed_days_id"].clone();
    let r = s
        .ok(
            &sc.teacher,
            "ScheduleMeeting",
            json!({"structure": sc.uai, "title": "Rencontre parents–professeurs",
            "from": format!("{}T16:00:00Z", day(base, 2)), "to": format!("{}T17:00:00Z", day(base, 2)),
            "participants": [sc.parent_id, sc.pupil_a1], "join_url": "https://meet.jit.si/college-6a"}),
        )
        .await;
    let meeting = TestServer::created_id(&r);

    let (status, teacher) = s.get(Some(&sc.teacher), &range, r["position"].as_u64()).await;
    assert_eq!(status, StatusCode::OK, "{teacher}");
    let kinds = |a: &Value, kind: &str| -> Vec<Value> {
        a["items"].as_array().map(|items| items.iter().filter(|i| i["kind"] == kind).cloned().collect()).unwrap_or_default()
    };
    let booked = kinds(&teacher, "booking");
    assert_eq!(booked.len(), 1, "{teacher}");
    assert_eq!(
        (booked[0]["title"].as_str(), booked[0]["start"].as_str()),
        (Some("Réservation : Salle B12"), Some(at(base, 1, "10:00").as_str()))
    );
    assert_eq!((booked[0]["cancelled"].as_bool(), booked[0]["sequence"].as_u64()), (Some(false), Some(0)));
    let met = kinds(&teacher, "meeting");
    assert_eq!(met.len(), 1, "the organiser takes part: {teacher}");
    assert_eq!(met[0]["id"], json!(meeting));
    // 16:00 UTC is 17:00 in Paris in winter, 18:00 in summer.
    let start = met[0]["start"].as_str().unwrap_or_default().to_string();
    assert!(start == at(base, 2, "17:00") || start == at(base, 2, "18:00"), "{start}");
    assert_eq!(kinds(&teacher, "closed_day").len(), 1, "{teacher}");

    let (_, pupil) = s.get(Some(&sc.pupil_a1_token), &range, None).await;
    let day_off = kinds(&pupil, "closed_day");
    assert_eq!((day_off.len(), day_off[0]["all_day"].as_bool()), (1, Some(true)), "{pupil}");
    assert_eq!((day_off[0]["id"].clone(), day_off[0]["title"].as_str()), (closed, Some("Pont de l'Armistice")));
    assert_eq!(kinds(&pupil, "meeting").len(), 1, "{pupil}");
    assert!(kinds(&pupil, "booking").is_empty(), "another's booking: {pupil}");
    let (_, parent) = s.get(Some(&sc.parent), &range, None).await;
    assert_eq!(kinds(&parent, "meeting").len(), 1, "{parent}");
    let (_, head) = s.get(Some(&sc.head), &range, None).await;
    assert_eq!(kinds(&head, "closed_day").len(), 1, "the staff too: {head}");

    // A cancelled booking and a cancelled meeting stay, cancelled, one sequence up.
    s.ok(&sc.teacher, "CancelBooking", json!({"booking": booking})).await;
    let r = s.ok(&sc.teacher, "CancelMeeting", json!({"meeting": meeting})).await;
    let (_, teacher) = s.get(Some(&sc.teacher), &range, r["position"].as_u64()).await;
    let booked = kinds(&teacher, "booking");
    assert_eq!((booked[0]["cancelled"].as_bool(), booked[0]["sequence"].as_u64()), (Some(true), Some(1)), "{teacher}");
    let met = kinds(&teacher, "meeting");
    assert_eq!((met[0]["cancelled"].as_bool(), met[0]["sequence"].as_u64()), (Some(true), Some(1)), "{teacher}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn other_services_are_in_the_agenda_on_sqlite() {
    other_services_flow("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn other_services_are_in_the_agenda_on_postgres() {
    other_services_flow("postgres").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn agenda_flow_on_sqlite() {
    agenda_flow("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn agenda_flow_on_postgres() {
    agenda_flow("postgres").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn calendar_feed_flow_on_sqlite() {
    feed_flow("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn calendar_feed_flow_on_postgres() {
    feed_flow("postgres").await;
}

/// The Python of the virtual environment with the `icalendar` package (`ENT_VENV`, default
/// /var/tmp/ent-venv).
fn python() -> String {
    let venv = std::env::var("ENT_VENV").unwrap_or_else(|_| "/var/tmp/ent-venv".into());
    let python = format!("{venv}/bin/python");
    let probe = Command::new(&python).args(["-c", "import icalendar"]).status();
    assert!(
        probe.is_ok_and(|s| s.success()),
        "{python} cannot import icalendar: run scripts/test (it installs the pinned icalendar into {venv})"
    );
    python
}

/// The feed of a pupil read back by an independent parser: every event with its UID, summary,
/// Europe/Paris start and end, sequence and status, the cancellation, the time zone, folding.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ical_feed_reads_back_with_an_independent_parser() {
    let python = python();
    let s = TestServer::start("sqlite").await;
    let sc = School::create(&s).await;
    let w = week(&s, &sc).await;
    // A long title and description, folded at 75 octets in the feed.
    let long = "Sortie pédagogique au Muséum national d'Histoire naturelle : la galerie de l'évolution, puis atelier « fossiles »";
    let r = s
        .ok(&sc.head, "CreateSchoolEvent", json!({"structure": sc.uai, "title": long, "description": "Rendez-vous devant le collège à 8 h.\nRetour vers 16 h 30 ; prévoir un pique-nique, des chaussures de marche, un carnet et un crayon.",
            "from": at(w.base, 4, "08:00"), "to": at(w.base, 4, "16:30"), "location": "Paris 5e, 36 rue Geoffroy-Saint-Hilaire", "audience": {"kind": "groups", "ids": [sc.group]}}))
        .await;
    let outing = TestServer::created_id(&r);
    let r = s.ok(&sc.pupil_a1_token, "CreateCalendarFeed", json!({"label": "Agenda"})).await;
    let token = r["calendar_feed"]["token"].as_str().expect("token").to_string();
    let _ = s.get(Some(&sc.pupil_a1_token), "/api/v1/agenda/feeds", r["position"].as_u64()).await;
    let (status, _, body) = fetch_feed(&s, &token, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let event = |uid: String, summary: &str, start: String, end: String, all_day: bool, sequence: u32, status: &str| json!({"uid": uid, "summary": summary, "start": start, "end": end, "all_day": all_day, "sequence": sequence, "status": status});
    let expected = json!({"events": [
        event(format!("lesson-{}@ent", w.maths), "Mathématiques", at(w.base, 0, "08:00"), at(w.base, 0, "09:00"), false, 0, "CONFIRMED"),
        event(format!("lesson-{}@ent", w.latin), "Français", at(w.base, 1, "10:00"), at(w.base, 1, "11:00"), false, 0, "CONFIRMED"),
        event(format!("homework-{}@ent", w.homework), "Devoir à rendre : Mathématiques", day(w.base, 3), day(w.base, 4), true, 0, "CONFIRMED"),
        event(format!("school_event-{}@ent", w.council), "Conseil de classe de 6A", at(w.base, 1, "17:30"), at(w.base, 1, "18:30"), false, 1, "CONFIRMED"),
        event(format!("school_event-{}@ent", w.meeting), "Réunion parents-professeurs", at(w.base, 2, "17:00"), at(w.base, 2, "20:00"), false, 1, "CANCELLED"),
        event(format!("school_event-{outing}@ent"), long, at(w.base, 4, "08:00"), at(w.base, 4, "16:30"), false, 0, "CONFIRMED"),
    ]});
    let dir = std::env::temp_dir().join(format!("ent-agenda-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (feed, want) = (dir.join("feed.ics"), dir.join("expected.json"));
    std::fs::write(&feed, &body).expect("write feed");
    std::fs::write(&want, expected.to_string()).expect("write expected");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/agenda/ical_check.py");
    let output = Command::new(python).arg(script).arg(&feed).arg(&want).output().expect("run the iCalendar check");
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "the independent parser refused the feed:\n{stdout}\n{stderr}\n{body}");
    let summary: Value = serde_json::from_str(stdout.trim()).expect("the script's summary");
    assert_eq!(summary["events"], 6, "{summary}");
    assert_eq!(summary["cancelled"], json!([format!("school_event-{}@ent", w.meeting)]));
    assert!(summary["folded_lines"].as_u64().is_some_and(|n| n > 0), "{summary}");
    let _ = std::fs::remove_dir_all(&dir);
}
