//! Usage indicators end to end through HTTP, on SQLite and PostgreSQL: a scripted day of activity
//! gives exact structure indicators; the académie view sums structures and suppresses small
//! cells; the rectorat sees no personal data; the tally survives a clean restart and is flushed
//! periodically.

use std::collections::BTreeMap;
use std::time::Duration;

use ent_tests::server::{TestServer, USER_PASSWORD};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

const A: &str = "0751234A";
const B: &str = "0752345B";

fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

/// The cells of an indicators answer by `service/profile`: (connections, distinct users, reads,
/// actions). Only meaningful for a one-period answer.
fn by_cell(answer: &Value) -> BTreeMap<String, (Value, Value, Value, Value)> {
    answer["cells"]
        .as_array()
        .unwrap_or_else(|| panic!("no cells in {answer}"))
        .iter()
        .map(|c| {
            let key = format!("{}/{}", c["service"].as_str().unwrap(), c["profile"].as_str().unwrap());
            (key, (c["connections"].clone(), c["distinct_users"].clone(), c["reads"].clone(), c["actions"].clone()))
        })
        .collect()
}

fn cell(connections: u64, distinct: u64, reads: u64, actions: Value) -> (Value, Value, Value, Value) {
    (json!(connections), json!(distinct), json!(reads), actions)
}

/// GET with an expected status.
async fn get_ok(s: &TestServer, token: &str, path: &str) -> Value {
    let (status, body) = s.get(Some(token), path, None).await;
    assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
    body
}

/// GET with an `Accept` header; returns status, content type and body text.
async fn get_accept(s: &TestServer, token: &str, path: &str, accept: &str) -> (StatusCode, String, String) {
    let resp = s.client.get(s.url(path)).bearer_auth(token).header("accept", accept).send().await.expect("request");
    let status = resp.status();
    let ct = resp.headers().get("content-type").and_then(|h| h.to_str().ok()).unwrap_or_default().to_string();
    (status, ct, resp.text().await.unwrap_or_default())
}

struct Day {
    root: String,
    head: String,
    teacher: String,
    teacher_id: Uuid,
    rectorat: String,
    class: Uuid,
    pupil: Uuid,
    /// Position after the flush that closed the scripted day.
    at: u64,
}

/// A scripted day in two structures. Setup is done by the platform admin, whose usage counts
/// for `platform`, not for the structures.
async fn scripted_day(s: &TestServer) -> Day {
    let root = s.root().await;
    for (uai, name) in [(A, "Collège Jean Moulin"), (B, "Collège Louise Michel")] {
        s.ok(&root, "CreateStructure", json!({"uai": uai, "name": name, "kind": "college"})).await;
    }
    let r = s.ok(&root, "CreateClass", json!({"structure": A, "code": "6A", "level": "6e"})).await;
    let class = s.entity_id(&root, &r, "class_id").await;
    let r = s.ok(&root, "CreateSubject", json!({"structure": A, "code": "MATHS", "name": "Mathématiques"})).await;
    let subject = s.entity_id(&root, &r, "subject_id").await;
    let (_, head, _) = s.user(&root, A, "personnel", Some("direction"), "Claire", "Moreau").await;
    let (_, cpe, _) = s.user(&root, A, "personnel", Some("cpe"), "Karim", "Benali").await;
    let (teacher_id, teacher, _) = s.user(&root, A, "enseignant", None, "Sophie", "Bernard").await;
    let mut pupils = Vec::new();
    for (first, last) in [("Léa", "Martin"), ("Hugo", "Dubois"), ("Inès", "Roux")] {
        pupils.push(s.user(&root, A, "eleve", None, first, last).await);
    }
    let (parent_id, parent, _) = s.user(&root, A, "parent", None, "Anne", "Martin").await;
    let mut b_pupils = Vec::new();
    for (first, last) in [("Jules", "Petit"), ("Emma", "Leroy"), ("Nina", "Faure")] {
        b_pupils.push(s.user(&root, B, "eleve", None, first, last).await.1);
    }
    for (id, _, _) in &pupils {
        s.ok(&root, "EnrolPupil", json!({"pupil": id, "class": class, "since": "2026-09-01"})).await;
    }
    let p1 = pupils[0].0;
    s.ok(&root, "LinkParent", json!({"parent": parent_id, "pupil": p1})).await;
    s.ok(&root, "AssignTeacher", json!({"teacher": teacher_id, "subject": subject, "class_or_group": class})).await;
    let r = s
        .ok(
            &root,
            "ScheduleLesson",
            json!({"class_or_group": class, "subject": subject, "teacher": teacher_id, "date": "2026-10-05", "start": "08:00:00", "end": "09:00:00"}),
        )
        .await;
    let lesson = TestServer::created_id(&r);
    s.ok(
        &root,
        "CreateRectoratUser",
        json!({"first_name": "Inès", "last_name": "Garnier", "login": "ines.garnier", "password": USER_PASSWORD}),
    )
    .await;
    // Nothing of the setup counts for the structures: flush what root read so far.
    s.app.state.flush_usage().await.expect("flush");

    // The day. Logins: 2 personnel, 1 teacher, pupils 1 (twice), 2 and 3, 1 parent; 3 pupils in B.
    let head = s.login(&head, USER_PASSWORD).await;
    let cpe = s.login(&cpe, USER_PASSWORD).await;
    let teacher = s.login(&teacher, USER_PASSWORD).await;
    let _ = s.login(&pupils[0].1, USER_PASSWORD).await;
    let p1_token = s.login(&pupils[0].1, USER_PASSWORD).await;
    let p2_token = s.login(&pupils[1].1, USER_PASSWORD).await;
    let _ = s.login(&pupils[2].1, USER_PASSWORD).await;
    let parent = s.login(&parent, USER_PASSWORD).await;
    for login in &b_pupils {
        let token = s.login(login, USER_PASSWORD).await;
        get_ok(s, &token, "/api/v1/me").await;
    }

    // Reads (successful GETs count; refused ones and commands do not).
    for _ in 0..2 {
        get_ok(s, &p1_token, "/api/v1/me").await;
    }
    get_ok(s, &p1_token, &format!("/api/v1/pupils/{p1}/absences")).await;
    get_ok(s, &p2_token, "/api/v1/me").await;
    let (status, _) = s.get(Some(&p2_token), &format!("/api/v1/pupils/{p1}/absences"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another pupil's absences");
    get_ok(s, &parent, "/api/v1/me/children").await;
    get_ok(s, &head, &format!("/api/v1/structures/{A}")).await;
    get_ok(s, &teacher, "/api/v1/me/classes").await;
    get_ok(s, &teacher, &format!("/api/v1/classes/{class}/roster")).await;

    // Actions, and the reads that go with them.
    s.ok(
        &teacher,
        "TakeRollCall",
        json!({"lesson": lesson, "marks": [
            {"pupil": p1, "status": "absent"}, {"pupil": pupils[1].0, "status": "present"}, {"pupil": pupils[2].0, "status": "present"}
        ]}),
    )
    .await;
    s.ok(&teacher, "GivePunishment", json!({"pupil": pupils[1].0, "kind": "retenue", "reason": "bavardages", "date": "2026-10-05"})).await;
    let r = s
        .ok(
            &parent,
            "JustifyAbsence",
            json!({"pupil": p1, "from": "2026-10-05T00:00:00", "to": "2026-10-05T23:59:00", "reason": "maladie"}),
        )
        .await;
    let justification = TestServer::created_id(&r);
    for _ in 0..2 {
        let (status, body) = s.get(Some(&parent), &format!("/api/v1/pupils/{p1}/absences"), r["position"].as_u64()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let r = s.ok(&cpe, "AcceptJustification", json!({"justification": justification})).await;
    let (status, _) = s.get(Some(&cpe), "/api/v1/vie-scolaire/0751234A/dashboard?date=2026-10-05", r["position"].as_u64()).await;
    assert_eq!(status, StatusCode::OK);
    get_ok(s, &teacher, &format!("/api/v1/classes/{class}/absences?date=2026-10-05")).await;
    s.ok(&head, "CreateUser", json!({"structure": A, "profile": "eleve", "first_name": "Tom", "last_name": "Blanc"})).await;

    let at = s.app.state.flush_usage().await.expect("flush").expect("reads were tallied");
    // The usage read model follows the log live (target: lag under 1 s).
    assert!(s.app.state.status.wait_for("usage", at, Duration::from_secs(1)).await, "usage projection lagged more than 1 s");
    let rectorat = s.login("ines.garnier", USER_PASSWORD).await;
    Day { root, head, teacher, teacher_id, rectorat, class, pupil: p1, at }
}

async fn structure_indicators_are_exact(kind: &str) {
    let s = TestServer::start(kind).await;
    let started = today();
    let day = scripted_day(&s).await;
    let path = format!("/api/v1/indicators/structures/{A}?from={started}&to={started}");
    let (status, answer) = s.get(Some(&day.head), &path, Some(day.at)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    if today() != started {
        eprintln!("the scripted day crossed midnight UTC; exact per-day checks skipped");
        return;
    }
    let expected = BTreeMap::from([
        ("directory/eleve".to_string(), cell(4, 3, 2 + 1, json!({}))),
        ("directory/parent".into(), cell(1, 1, 1, json!({}))),
        ("directory/enseignant".into(), cell(1, 1, 2, json!({}))),
        ("directory/personnel".into(), cell(2, 2, 1, json!({"users_created": 1}))),
        ("vie_scolaire/eleve".into(), cell(0, 1, 1, json!({}))),
        ("vie_scolaire/parent".into(), cell(0, 1, 2, json!({"absences_justified": 1}))),
        ("vie_scolaire/enseignant".into(), cell(0, 1, 1, json!({"roll_calls": 1, "punishments": 1}))),
        ("vie_scolaire/personnel".into(), cell(0, 1, 1, json!({"justifications_accepted": 1}))),
    ]);
    assert_eq!(by_cell(&answer), expected, "{answer:#}");
    assert_eq!(answer["cells"][0]["period"], started);

    // B: three pupils who logged in and read their card.
    let (_, b) = s.get(Some(&day.root), &format!("/api/v1/indicators/structures/{B}?from={started}&to={started}"), Some(day.at)).await;
    assert_eq!(by_cell(&b), BTreeMap::from([("directory/eleve".to_string(), cell(3, 3, 3, json!({})))]));

    // Filters and coarser periods give the same sums.
    let (_, month) = s
        .get(
            Some(&day.head),
            &format!("/api/v1/indicators/structures/{A}?from={started}&to={started}&granularity=month&service=vie_scolaire"),
            None,
        )
        .await;
    assert_eq!(month["cells"].as_array().unwrap().len(), 4, "{month}");
    assert_eq!(month["cells"][0]["period"], &started[..7]);
    let (_, week) = s
        .get(
            Some(&day.head),
            &format!("/api/v1/indicators/structures/{A}?from={started}&to={started}&granularity=week&profile=eleve"),
            None,
        )
        .await;
    assert_eq!(
        by_cell(&week),
        BTreeMap::from([
            ("directory/eleve".to_string(), cell(4, 3, 3, json!({}))),
            ("vie_scolaire/eleve".to_string(), cell(0, 1, 1, json!({}))),
        ])
    );

    // CSV: a header row and one row per cell.
    let (status, ct, csv) = get_accept(&s, &day.head, &path, "text/csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.starts_with("text/csv"), "{ct}");
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("period,start,service,profile,connections,distinct_users,reads,actions."), "{}", lines[0]);
    assert_eq!(lines.len(), 1 + 8, "{csv}");
    assert!(lines.contains(&format!("{started},{started},directory,eleve,4,3,3,0,0,0,0,0").as_str()), "{csv}");

    // Who may read a structure's indicators: its direction, its ADMLs, platform admins.
    let (status, _) = s.get(Some(&day.teacher), &path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a teacher");
    let (status, _) = s.get(Some(&day.head), &format!("/api/v1/indicators/structures/{B}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another structure's head");
    let (status, _) = s.get(Some(&day.rectorat), &path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the rectorat: per-structure cells are not suppressed");
    s.ok(&day.root, "GrantAdmin", json!({"user": day.teacher_id, "structure": A})).await;
    let (status, body) = s.get(Some(&day.teacher), &path, None).await;
    assert_eq!(status, StatusCode::OK, "an ADML: {body}");
}

async fn academie_sums_structures_and_suppresses_small_cells(kind: &str) {
    let s = TestServer::start(kind).await;
    let started = today();
    let day = scripted_day(&s).await;
    let path = format!("/api/v1/indicators/academie?from={started}&to={started}");
    let (status, answer) = s.get(Some(&day.rectorat), &path, Some(day.at)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    if today() != started {
        return;
    }
    assert_eq!(answer["min_distinct_users"], 5);
    let cells = by_cell(&answer);
    // 3 pupils of A and 3 of B: 6 distinct users, shown and summed.
    assert_eq!(cells["directory/eleve"], cell(4 + 3, 6, 3 + 3, json!({})));
    // Every other cell has fewer than 5 users: suppressed, numbers withheld.
    let suppressed: Vec<&Value> = answer["cells"].as_array().unwrap().iter().filter(|c| c["suppressed"] == true).collect();
    assert_eq!(suppressed.len(), 7, "{answer:#}");
    for c in &suppressed {
        assert!(c["connections"].is_null() && c["distinct_users"].is_null() && c["reads"].is_null() && c["actions"].is_null(), "{c}");
    }
    // No structure, no user, no platform-level usage in the académie view.
    let text = answer.to_string();
    for needle in [A, B, &day.pupil.to_string(), "platform"] {
        assert!(!text.contains(needle), "{needle} in {text}");
    }
    // Platform admins may read it too; a structure's head may not.
    assert_eq!(s.get(Some(&day.root), &path, None).await.0, StatusCode::OK);
    assert_eq!(s.get(Some(&day.head), &path, None).await.0, StatusCode::FORBIDDEN);

    // CSV: suppressed cells are empty, with a `suppressed` column.
    let (status, ct, csv) = get_accept(&s, &day.rectorat, &path, "text/csv").await;
    assert_eq!((status, ct.starts_with("text/csv")), (StatusCode::OK, true), "{csv}");
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("period,start,service,profile,suppressed,connections,distinct_users,reads"), "{}", lines[0]);
    assert_eq!(lines.len(), 1 + 8);
    assert!(
        lines.contains(&format!("{started},{started},directory,eleve,false,7,6,6").as_str())
            || csv.contains(&format!("{started},{started},directory,eleve,false,7,6,6,")),
        "{csv}"
    );
    let empty = lines.iter().filter(|l| l.contains(",true,")).collect::<Vec<_>>();
    assert_eq!(empty.len(), 7);
    assert!(empty.iter().all(|l| l.split(",true,").nth(1).unwrap().chars().all(|c| c == ',')), "{empty:?}");

    // Bad parameters are named.
    for (query, field) in [
        ("granularity=year", "granularity"),
        ("from=05/10/2026", "from"),
        ("from=2026-10-06&to=2026-10-05", "from"),
        ("service=cantine", "service"),
        ("profile=inspecteur", "profile"),
        ("colour=red", "colour"),
    ] {
        let (status, body) = s.get(Some(&day.rectorat), &format!("/api/v1/indicators/academie?{query}"), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(body["errors"][0]["field"], field, "{query}: {body}");
    }
    let (status, body) = s.get(Some(&day.root), "/api/v1/indicators/structures/nope", None).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("uai")));
}

async fn rectorat_reads_no_personal_data(kind: &str) {
    let s = TestServer::start(kind).await;
    let day = scripted_day(&s).await;
    let (p, c) = (day.pupil, day.class);
    let me = get_ok(&s, &day.rectorat, "/api/v1/me").await;
    assert_eq!((me["profile"].as_str(), me["structure"].as_str()), (Some("rectorat"), Some("platform")), "its own account only");
    let personal = [
        format!("/api/v1/structures/{A}"),
        format!("/api/v1/classes/{c}/roster"),
        format!("/api/v1/users/{p}"),
        "/api/v1/me/children".into(),
        "/api/v1/me/classes".into(),
        format!("/api/v1/pupils/{p}/absences"),
        format!("/api/v1/pupils/{p}/discipline"),
        format!("/api/v1/classes/{c}/absences?date=2026-10-05"),
        format!("/api/v1/vie-scolaire/{A}/dashboard?date=2026-10-05"),
        format!("/api/v1/vie-scolaire/{A}/absenteeism?month=2026-10"),
        format!("/api/v1/vie-scolaire/{A}/register"),
        format!("/api/v1/vie-scolaire/{A}/sanctions/audit"),
        "/api/v1/events".into(),
        format!("/api/v1/streams/{A}/user/{p}"),
        "/api/v1/admin/projections".into(),
        format!("/api/v1/indicators/structures/{A}"),
    ];
    for path in &personal {
        let (status, body) = s.get(Some(&day.rectorat), path, Some(day.at)).await;
        // 404 for a resource named by the path (ids cannot be probed), 403 for the others.
        assert!(matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "rectorat → {path}: {status} {body}");
        // The same endpoints do answer someone allowed: the refusal is about the rectorat.
        let (status, _) = s.get(Some(&day.root), path, None).await;
        let not_for_admins = path.starts_with("/api/v1/me/") || path.contains("/vie-scolaire/") || path.ends_with("/discipline");
        assert!(status == StatusCode::OK || not_for_admins, "{path}: {status}");
    }
    let (status, _) = s.post_json(Some(&day.rectorat), "/api/v1/admin/projections/usage/rebuild", &json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) =
        s.command(&day.rectorat, "CreateUser", json!({"structure": A, "profile": "eleve", "first_name": "X", "last_name": "Y"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = s.command(&day.rectorat, "CreateRectoratUser", json!({"first_name": "X", "last_name": "Y"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only platform admins create rectorat users");
    let (status, body) =
        s.command(&day.root, "CreateUser", json!({"structure": A, "profile": "rectorat", "first_name": "X", "last_name": "Y"})).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("profile")), "{body}");
    assert_eq!(s.get(Some(&day.rectorat), "/api/v1/indicators/academie", None).await.0, StatusCode::OK);
}

async fn shutdown_flushes_the_tally(kind: &str) {
    let s = TestServer::start(kind).await;
    let root = s.root().await;
    s.ok(&root, "CreateStructure", json!({"uai": A, "name": "Collège", "kind": "college"})).await;
    let (_, login, _) = s.user(&root, A, "eleve", None, "Léa", "Martin").await;
    let pupil = s.login(&login, USER_PASSWORD).await;
    for _ in 0..3 {
        get_ok(&s, &pupil, "/api/v1/me").await;
    }
    assert!(s.app.state.usage.pending_cells() > 0, "reads wait in memory");
    let day = today();
    let s = s.restart().await;
    let mut ready = s.get(None, "/ready", None).await;
    while ready.0 != StatusCode::OK {
        tokio::time::sleep(Duration::from_millis(50)).await;
        ready = s.get(None, "/ready", None).await;
    }
    let head = ready.1["head"].as_u64();
    let root = s.root().await;
    let (status, answer) = s.get(Some(&root), &format!("/api/v1/indicators/structures/{A}?from={day}&to={day}"), head).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    if today() == day {
        assert_eq!(by_cell(&answer), BTreeMap::from([("directory/eleve".to_string(), cell(1, 1, 3, json!({})))]));
    }
}

async fn tally_is_flushed_periodically(kind: &str) {
    let s = TestServer::start_with(kind, |c| c.usage_flush_interval = Duration::from_millis(200)).await;
    let root = s.root().await;
    s.ok(&root, "CreateStructure", json!({"uai": A, "name": "Collège", "kind": "college"})).await;
    let (_, login, _) = s.user(&root, A, "enseignant", None, "Paul", "Lenoir").await;
    let teacher = s.login(&login, USER_PASSWORD).await;
    get_ok(&s, &teacher, "/api/v1/me").await;
    get_ok(&s, &teacher, &format!("/api/v1/structures/{A}")).await;
    let day = today();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (_, answer) = s.get(Some(&root), &format!("/api/v1/indicators/structures/{A}?from={day}&to={day}"), None).await;
        if answer["cells"][0]["reads"] == 2 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "reads never flushed: {answer}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn structure_indicators_are_exact_for_a_scripted_day_sqlite() {
    structure_indicators_are_exact("sqlite").await;
}

#[tokio::test]
async fn structure_indicators_are_exact_for_a_scripted_day_postgres() {
    structure_indicators_are_exact("postgres").await;
}

#[tokio::test]
async fn academie_sums_structures_and_suppresses_cells_under_five_users_sqlite() {
    academie_sums_structures_and_suppresses_small_cells("sqlite").await;
}

#[tokio::test]
async fn academie_sums_structures_and_suppresses_cells_under_five_users_postgres() {
    academie_sums_structures_and_suppresses_small_cells("postgres").await;
}

#[tokio::test]
async fn rectorat_reads_no_personal_endpoint_sqlite() {
    rectorat_reads_no_personal_data("sqlite").await;
}

#[tokio::test]
async fn rectorat_reads_no_personal_endpoint_postgres() {
    rectorat_reads_no_personal_data("postgres").await;
}

#[tokio::test]
async fn graceful_shutdown_flushes_tallied_reads_sqlite() {
    shutdown_flushes_the_tally("sqlite").await;
}

#[tokio::test]
async fn graceful_shutdown_flushes_tallied_reads_postgres() {
    shutdown_flushes_the_tally("postgres").await;
}

#[tokio::test]
async fn tallied_reads_are_flushed_every_interval_sqlite() {
    tally_is_flushed_periodically("sqlite").await;
}

#[tokio::test]
async fn tallied_reads_are_flushed_every_interval_postgres() {
    tally_is_flushed_periodically("postgres").await;
}

/// A page of the portal counts in the indicators like a read of the API, for the service it
/// shows; signing in and the stylesheet do not.
async fn portal_page_views_count_as_reads(kind: &str) {
    let s = TestServer::start(kind).await;
    let root = s.root().await;
    s.ok(&root, "CreateStructure", json!({"uai": A, "name": "Collège", "kind": "college"})).await;
    let (pupil_id, login, _) = s.user(&root, A, "eleve", None, "Léa", "Martin").await;
    let token = s.login(&login, USER_PASSWORD).await;
    let cookie = format!("ent_session={token}");
    for path in ["/".to_string(), format!("/eleves/{pupil_id}"), "/connexion".to_string(), "/static/portal.css".to_string()] {
        let r = s.client.get(s.url(&path)).header("cookie", &cookie).send().await.expect("page");
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
    let at = s.app.state.flush_usage().await.expect("flush").expect("page views were tallied");
    let day = today();
    let (status, answer) = s.get(Some(&root), &format!("/api/v1/indicators/structures/{A}?from={day}&to={day}"), Some(at)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let cells = by_cell(&answer);
    assert_eq!(cells.get("directory/eleve").map(|c| c.2.clone()), Some(json!(1)), "{answer}");
    assert_eq!(cells.get("vie_scolaire/eleve").map(|c| c.2.clone()), Some(json!(1)), "{answer}");
}

#[tokio::test]
async fn portal_page_views_count_as_reads_sqlite() {
    portal_page_views_count_as_reads("sqlite").await;
}

#[tokio::test]
async fn portal_page_views_count_as_reads_postgres() {
    portal_page_views_count_as_reads("postgres").await;
}
