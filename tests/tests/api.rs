//! End-to-end tests through HTTP, against a real server on port 0 with its own database.

use ent_tests::server::{TestServer, USER_PASSWORD};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

const UAI: &str = "0751234A";

/// A structure with two classes, a subject, a teacher, two pupils and their parents.
struct School {
    root: String,
    class_a: Uuid,
    class_b: Uuid,
    subject: Uuid,
    teacher: (Uuid, String),
    pupil_a: Uuid,
    pupil_b: Uuid,
    parent_a: (Uuid, String),
    last_position: u64,
}

async fn school(s: &TestServer) -> School {
    let root = s.root().await;
    s.ok(&root, "CreateStructure", json!({"uai": UAI, "name": "Collège Jean Moulin", "kind": "college"})).await;
    let r = s.ok(&root, "CreateClass", json!({"structure": UAI, "code": "6A", "level": "6e"})).await;
    let class_a = s.entity_id(&root, &r, "class_id").await;
    let r = s.ok(&root, "CreateClass", json!({"structure": UAI, "code": "6B", "level": "6e"})).await;
    let class_b = s.entity_id(&root, &r, "class_id").await;
    let r = s.ok(&root, "CreateSubject", json!({"structure": UAI, "code": "MATHS", "name": "Mathématiques"})).await;
    let subject = s.entity_id(&root, &r, "subject_id").await;
    s.ok(&root, "DefinePeriods", json!({"structure": UAI, "school_year": "2026-2027", "kind": "trimestres", "bounds": [
        {"start": "2026-09-01", "end": "2026-11-30"}, {"start": "2026-12-01", "end": "2027-02-28"}, {"start": "2027-03-01", "end": "2027-07-04"}]})).await;
    let (teacher, teacher_login, _) = s.user(&root, UAI, "enseignant", None, "Sophie", "Bernard").await;
    let (pupil_a, _, _) = s.user(&root, UAI, "eleve", None, "Léa", "Martin").await;
    let (pupil_b, _, _) = s.user(&root, UAI, "eleve", None, "Hugo", "Dubois").await;
    let (parent_a, parent_login, _) = s.user(&root, UAI, "parent", None, "Anne", "Martin").await;
    s.ok(&root, "EnrolPupil", json!({"pupil": pupil_a, "class": class_a, "since": "2026-09-01"})).await;
    s.ok(&root, "EnrolPupil", json!({"pupil": pupil_b, "class": class_b, "since": "2026-09-01"})).await;
    s.ok(&root, "LinkParent", json!({"parent": parent_a, "pupil": pupil_a})).await;
    let r = s.ok(&root, "AssignTeacher", json!({"teacher": teacher, "subject": subject, "class_or_group": class_a})).await;
    School {
        root,
        class_a,
        class_b,
        subject,
        teacher: (teacher, teacher_login),
        pupil_a,
        pupil_b,
        parent_a: (parent_a, parent_login),
        last_position: r["position"].as_u64().unwrap(),
    }
}

async fn directory_flow(kind: &str) {
    let s = TestServer::start(kind).await;
    let sc = school(&s).await;
    let p = Some(sc.last_position);

    // The parent sees their own child, with the child's class, and nobody else.
    let parent = s.login(&sc.parent_a.1, USER_PASSWORD).await;
    let (status, children) = s.get(Some(&parent), "/api/v1/me/children", p).await;
    assert_eq!(status, StatusCode::OK, "{children}");
    assert_eq!(children.as_array().unwrap().len(), 1);
    assert_eq!(children[0]["id"], json!(sc.pupil_a));
    assert_eq!(children[0]["class"]["code"], "6A");
    let (status, card) = s.get(Some(&parent), &format!("/api/v1/users/{}", sc.pupil_a), p).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(card["parents"], json!([sc.parent_a.0]));
    assert_eq!(card["parent_names"][0]["id"], json!(sc.parent_a.0), "{card}");
    assert_eq!(card["parent_names"][0]["first_name"], "Anne", "{card}");
    let (status, body) = s.get(Some(&parent), &format!("/api/v1/users/{}", sc.pupil_b), p).await;
    // What the caller may not read is answered as not found (docs/domain.md, "Reading").
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["status"], 404);
    let (status, _) = s.get(Some(&parent), &format!("/api/v1/classes/{}/roster", sc.class_a), p).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The teacher sees their classes and the roster of a class they teach, not of another.
    let teacher = s.login(&sc.teacher.1, USER_PASSWORD).await;
    let (status, classes) = s.get(Some(&teacher), "/api/v1/me/classes", p).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(classes[0]["class_or_group_code"], "6A");
    assert_eq!(classes[0]["subject_id"], json!(sc.subject));
    let (status, roster) = s.get(Some(&teacher), &format!("/api/v1/classes/{}/roster", sc.class_a), p).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(roster["members"].as_array().unwrap().iter().map(|m| m["last_name"].clone()).collect::<Vec<_>>(), [json!("Martin")]);
    let (status, _) = s.get(Some(&teacher), &format!("/api/v1/classes/{}/roster", sc.class_b), p).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A teacher cannot create a structure, nor a class.
    let (status, body) = s.command(&teacher, "CreateStructure", json!({"uai": "0759999Z", "name": "X", "kind": "lycee"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _) = s.command(&teacher, "CreateClass", json!({"structure": UAI, "code": "6C", "level": "6e"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The structure tree shows what was created.
    let (status, tree) = s.get(Some(&teacher), &format!("/api/v1/structures/{UAI}"), p).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tree["classes"].as_array().unwrap().len(), 2);
    assert_eq!(tree["periods"]["2026-2027"]["periods"][2]["name"], "T3");

    // Restart: the state is still there and the old token still works.
    let root = sc.root.clone();
    let s = s.restart().await;
    let (status, children) = s.get(Some(&parent), "/api/v1/me/children", p).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(children[0]["id"], json!(sc.pupil_a));
    let (status, body) = s.command(&root, "CreateClass", json!({"structure": UAI, "code": "6a", "level": "6e"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "duplicate class code after restart: {body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn directory_flow_on_sqlite() {
    directory_flow("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn directory_flow_on_postgres() {
    directory_flow("postgres").await;
}

async fn events_count(s: &TestServer, root: &str) -> usize {
    let (status, events) = s.get(Some(root), "/api/v1/events?after=0&limit=1000", None).await;
    assert_eq!(status, StatusCode::OK);
    events.as_array().unwrap().len()
}

async fn concurrency_and_idempotency(kind: &str) {
    let s = TestServer::start(kind).await;
    let root = s.root().await;
    let r = s.ok(&root, "CreateStructure", json!({"uai": UAI, "name": "Collège", "kind": "college"})).await;
    assert_eq!((r["first_version"].as_u64(), r["last_version"].as_u64()), (Some(0), Some(0)));

    // Same command id twice: one set of events, the same answer.
    let envelope =
        json!({"command_id": Uuid::new_v4(), "type": "CreateSubject", "payload": {"structure": UAI, "code": "SVT", "name": "SVT"}});
    let before = events_count(&s, &root).await;
    let (s1, first) = s.envelope(&root, envelope.clone()).await;
    let (s2, second) = s.envelope(&root, envelope).await;
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK));
    assert_eq!(first, second);
    assert_eq!(events_count(&s, &root).await, before + 1);

    // A stale expected_version: 409 with the current version, nothing appended.
    let before = events_count(&s, &root).await;
    let stale = json!({"command_id": Uuid::new_v4(), "type": "CreateClass", "expected_version": 0, "payload": {"structure": UAI, "code": "6A", "level": "6e"}});
    let (status, body) = s.envelope(&root, stale).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["current_version"], 1);
    assert_eq!(events_count(&s, &root).await, before);
    let fresh = json!({"command_id": Uuid::new_v4(), "type": "CreateClass", "expected_version": 1, "payload": {"structure": UAI, "code": "6A", "level": "6e"}});
    let (status, body) = s.envelope(&root, fresh).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["first_version"], 2);

    // Without expected_version, concurrent commands on one stream all succeed (retried).
    let mut tasks = Vec::new();
    for i in 0..8 {
        let (client, url, token) = (s.client.clone(), s.url("/api/v1/commands"), root.clone());
        tasks.push(tokio::spawn(async move {
            let body = json!({"command_id": Uuid::new_v4(), "type": "CreateSubject", "payload": {"structure": UAI, "code": format!("OPT{i}"), "name": "Option"}});
            client.post(url).bearer_auth(token).json(&body).send().await.unwrap().status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::OK);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrency_and_idempotency_on_sqlite() {
    concurrency_and_idempotency("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrency_and_idempotency_on_postgres() {
    concurrency_and_idempotency("postgres").await;
}

fn fields(body: &Value) -> Vec<String> {
    body["errors"].as_array().map(|e| e.iter().map(|x| x["field"].as_str().unwrap_or_default().to_string()).collect()).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bad_requests_get_problem_details_naming_the_field() {
    let s = TestServer::start("sqlite").await;
    let root = s.root().await;
    let before = events_count(&s, &root).await;

    let (status, body) = s.post_raw(Some(&root), "/api/v1/commands", "{not json".into()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(fields(&body), ["body"]);

    let (status, body) = s.command(&root, "CreateStructure", json!({"uai": 751234, "name": "X", "kind": "college"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(fields(&body), ["payload.uai"]);

    let (status, body) = s.command(&root, "CreateStructure", json!({"uai": "0751234A", "kind": "college"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(fields(&body), ["payload.name"]);

    let (status, body) = s.command(&root, "LaunchMissiles", json!({})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(fields(&body), ["type"]);

    let (status, body) = s.envelope(&root, json!({"command_id": "x", "type": "CreateStructure", "payload": {}})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(fields(&body), ["command_id"]);

    let (status, body) = s.command(&root, "CreateStructure", json!({"uai": "07512", "name": "X", "kind": "college"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(fields(&body), ["uai"]);

    let (status, body) = s.command(&root, "EnrolPupil", json!({"pupil": Uuid::new_v4(), "class": Uuid::new_v4()})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    // The media type and shape of RFC 9457.
    let resp = s.client.post(s.url("/api/v1/commands")).bearer_auth(&root).body("[]").send().await.unwrap();
    assert_eq!(resp.headers()["content-type"], "application/problem+json");
    let body: Value = resp.json().await.unwrap();
    for key in ["type", "title", "status", "detail"] {
        assert!(body.get(key).is_some(), "{key} missing in {body}");
    }

    // Nothing was appended by any of these.
    assert_eq!(events_count(&s, &root).await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn authentication_is_required_and_checked() {
    let s = TestServer::start("sqlite").await;
    let (status, body) = s.command("not-a-token", "CreateStructure", json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, _) = s.get(None, "/api/v1/me", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = s.post_json(None, "/api/v1/auth/login", &json!({"login": "root", "password": "wrong-password"})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = s.post_json(None, "/api/v1/auth/login", &json!({"login": "root"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(fields(&body), ["password"]);

    // A deactivated user's token stops working at once.
    let root = s.root().await;
    s.ok(&root, "CreateStructure", json!({"uai": UAI, "name": "Collège", "kind": "college"})).await;
    let (id, login, _) = s.user(&root, UAI, "enseignant", None, "Marc", "Petit").await;
    let token = s.login(&login, USER_PASSWORD).await;
    assert_eq!(s.get(Some(&token), "/api/v1/me", None).await.0, StatusCode::OK);
    s.ok(&root, "DeactivateUser", json!({"user": id, "reason": "mutation"})).await;
    assert_eq!(s.get(Some(&token), "/api/v1/me", None).await.0, StatusCode::UNAUTHORIZED);
    let (status, _) = s.post_json(None, "/api/v1/auth/login", &json!({"login": login, "password": USER_PASSWORD})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Generated logins get a numeric suffix on collision.
    let (_, second, _) = s.user(&root, UAI, "enseignant", None, "Marc", "Petit").await;
    assert_eq!((login.as_str(), second.as_str()), ("marc.petit", "marc.petit2"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rebuild_gives_identical_query_results() {
    let s = TestServer::start("sqlite").await;
    let sc = school(&s).await;
    let p = Some(sc.last_position);
    let paths = [
        format!("/api/v1/structures/{UAI}"),
        format!("/api/v1/classes/{}/roster", sc.class_a),
        format!("/api/v1/classes/{}/roster", sc.class_b),
        format!("/api/v1/users/{}", sc.pupil_a),
        format!("/api/v1/users/{}", sc.parent_a.0),
        format!("/api/v1/users/{}", sc.teacher.0),
    ];
    let mut before = Vec::new();
    for path in &paths {
        let (status, body) = s.get(Some(&sc.root), path, p).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        before.push(body);
    }
    let (status, report) = s.post_json(Some(&sc.root), "/api/v1/admin/projections/directory/rebuild", &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["generation"], 2);
    assert_eq!(report["events"].as_u64(), Some(sc.last_position));
    for (path, old) in paths.iter().zip(&before) {
        let (status, body) = s.get(Some(&sc.root), path, p).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(&body, old, "{path} differs after rebuild");
    }
    // The live runner carries on in the new generation.
    let r = s.ok(&sc.root, "CreateClass", json!({"structure": UAI, "code": "5A", "level": "5e"})).await;
    let (_, tree) = s.get(Some(&sc.root), &format!("/api/v1/structures/{UAI}"), r["position"].as_u64()).await;
    assert_eq!(tree["classes"].as_array().unwrap().len(), 3);
    // Only platform admins may rebuild.
    let parent = s.login(&sc.parent_a.1, USER_PASSWORD).await;
    let (status, _) = s.post_json(Some(&parent), "/api/v1/admin/projections/directory/rebuild", &json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn audit_metrics_and_openapi() {
    let s = TestServer::start("sqlite").await;
    let sc = school(&s).await;
    let (status, events) = s.get(Some(&sc.root), "/api/v1/events?after=0&limit=5", None).await;
    assert_eq!(status, StatusCode::OK);
    let e = &events[0];
    for key in [
        "event_id",
        "stream",
        "version",
        "position",
        "type",
        "schema_version",
        "recorded_at",
        "actor",
        "structure",
        "correlation_id",
        "causation_id",
        "payload",
    ] {
        assert!(e.get(key).is_some(), "{key} missing from the envelope");
    }
    let (status, stream) = s.get(Some(&sc.root), &format!("/api/v1/streams/{UAI}/structure/{UAI}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stream[0]["type"], "StructureCreated");
    let (status, body) = s.get(Some(&sc.root), "/api/v1/events?limit=abc", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(fields(&body), ["limit"]);
    let parent = s.login(&sc.parent_a.1, USER_PASSWORD).await;
    assert_eq!(s.get(Some(&parent), "/api/v1/events", None).await.0, StatusCode::FORBIDDEN);

    let (status, metrics) = s.get(None, "/metrics", None).await;
    assert_eq!(status, StatusCode::OK);
    let metrics = metrics.as_str().unwrap().to_string();
    assert!(metrics.contains("ent_commands_total{type=\"CreateClass\",outcome=\"accepted\"} 2"), "{metrics}");
    assert!(metrics.contains("ent_append_latency_seconds_count"));
    assert!(metrics.contains("ent_projection_lag_events{projection=\"directory\"}"));

    let (status, doc) = s.get(None, "/api/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["components"]["schemas"]["CreateClass"].is_object());
    assert!(doc["paths"]["/api/v1/commands"]["post"].is_object());
    assert_eq!(s.get(None, "/health", None).await.0, StatusCode::OK);
    assert_eq!(s.get(None, "/ready", None).await.0, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bootstrap_admin_is_idempotent() {
    use ent_commands::CommandHandler;
    use ent_commands::directory::{BootstrapOutcome, bootstrap_admin};
    let db = ent_tests::TestDb::sqlite();
    let backend = db.open().await;
    let handler = CommandHandler::new(backend.events.clone());
    let first = bootstrap_admin(&handler, "chief", "a-long-password-1").await.unwrap();
    assert!(matches!(first, BootstrapOutcome::Created { .. }));
    let head = backend.events.head().await.unwrap();
    assert!(matches!(bootstrap_admin(&handler, "chief", "a-long-password-1").await.unwrap(), BootstrapOutcome::Unchanged { .. }));
    assert_eq!(backend.events.head().await.unwrap(), head, "nothing appended the second time");
    assert!(matches!(bootstrap_admin(&handler, "chief", "another-password-2").await.unwrap(), BootstrapOutcome::PasswordChanged { .. }));
    assert!(ent_commands::authentication::authenticate(backend.events.as_ref(), "chief", "another-password-2").await.unwrap().is_some());
    assert!(ent_commands::authentication::authenticate(backend.events.as_ref(), "chief", "a-long-password-1").await.unwrap().is_none());
    assert!(bootstrap_admin(&handler, "chief", "short").await.is_err());
}

/// `ent demo`'s school: every service has something to show a newcomer — three classes graded
/// in four subjects, published bulletins with class statistics, a lesson log, homework, an
/// absence notified to the parent.
async fn demo_school_shows_every_service(kind: &str) {
    let s = TestServer::start(kind).await;
    let summary = ent_api::demo::seed(&s.app.state.handler).await.unwrap();
    assert!(summary.created);
    let again = ent_api::demo::seed(&s.app.state.handler).await.unwrap();
    assert!(!again.created, "seeding twice creates nothing");
    let logins = |s: &ent_api::demo::DemoSummary| s.logins.iter().map(|l| (l.who.clone(), l.login.clone())).collect::<Vec<_>>();
    assert_eq!(logins(&summary), logins(&again), "the console shows the same accounts the second time");
    let head = s.app.state.backend.events.head().await.unwrap();
    let password = ent_api::demo::DEMO_PASSWORD;

    let parent = s.login("parent.martin", password).await;
    let (_, children) = s.get(Some(&parent), "/api/v1/me/children", Some(head)).await;
    let child = children[0]["id"].as_str().unwrap().to_string();
    let t1 = ent_domain::directory::structure::period_id(ent_api::demo::DEMO_UAI, "2026-2027", 0);
    let (status, bulletin) = s.get(Some(&parent), &format!("/api/v1/bulletins/{child}/{t1}"), Some(head)).await;
    assert_eq!(status, StatusCode::OK, "{bulletin}");
    assert_eq!(bulletin["publication"]["published"], true);
    assert_eq!(bulletin["absences"]["half_days"], 1);
    let subjects = bulletin["subjects"].as_array().unwrap();
    assert_eq!(subjects.len(), 4, "{bulletin}");
    for line in subjects {
        for field in ["pupil_average", "class_average", "class_min", "class_max", "appreciation"] {
            assert!(!line[field].is_null(), "no {field} in {line}");
        }
        assert!(
            line["class_min"].as_f64() <= line["class_average"].as_f64() && line["class_average"].as_f64() <= line["class_max"].as_f64()
        );
        // Each subject shows its teacher's name.
        assert!(line["teachers"][0]["last_name"].is_string(), "no teacher named in {line}");
    }
    let maths = subjects.iter().find(|l| l["subject"]["name"] == "Mathématiques").expect("maths line");
    assert_eq!(maths["teachers"][0]["last_name"], "Bernard", "{maths}");
    assert!(bulletin["general_average"].is_number(), "{bulletin}");
    assert!(bulletin["council_appreciation"].is_string() && bulletin["mention"].is_string(), "{bulletin}");
    let (status, pdf) = s.get_bytes(&parent, &format!("/api/v1/bulletins/{child}/{t1}.pdf"), Some(head)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(pdf.starts_with(b"%PDF"));
    let (_, inbox) = s.get(Some(&parent), "/api/v1/notifications", Some(head)).await;
    assert_eq!(inbox["unread"], 1);
    let (status, homework) = s.get(Some(&parent), &format!("/api/v1/pupils/{child}/homework?from=2026-11-01"), Some(head)).await;
    assert_eq!(status, StatusCode::OK, "{homework}");
    assert_eq!(homework.as_array().map(|h| h.len()), Some(1));

    // Four subjects, each taught by its teacher in the three classes, each graded there.
    let teachers: Vec<&str> = summary.logins.iter().filter(|l| l.who.ends_with("teacher")).map(|l| l.login.as_str()).collect();
    assert_eq!(teachers.len(), 4, "{:?}", summary.logins);
    let mut subjects = std::collections::BTreeSet::new();
    let mut classes = std::collections::BTreeMap::new();
    for login in teachers {
        let teacher = s.login(login, password).await;
        let (status, assignments) = s.get(Some(&teacher), "/api/v1/me/classes", Some(head)).await;
        assert_eq!(status, StatusCode::OK, "{assignments}");
        assert_eq!(assignments.as_array().map(|a| a.len()), Some(3), "{login}: {assignments}");
        for a in assignments.as_array().unwrap() {
            subjects.insert(a["subject_code"].as_str().unwrap().to_string());
            let class = a["class_or_group"].as_str().unwrap().to_string();
            classes.insert(class.clone(), a["class_or_group_code"].as_str().unwrap().to_string());
            let (status, table) = s.get(Some(&teacher), &format!("/api/v1/classes/{class}/grades?period={t1}"), Some(head)).await;
            assert_eq!(status, StatusCode::OK, "{table}");
            let evaluations = table["evaluations"].as_array().unwrap();
            assert_eq!(evaluations.len(), 2, "{login} in {class}: {table}");
            for e in evaluations {
                let graded = e["grades"].as_object().unwrap().values().filter(|g| g["value"].is_number()).count();
                assert!(graded >= 4, "{login} in {class}: {e}");
            }
        }
    }
    assert_eq!(subjects.len(), 4, "{subjects:?}");
    assert_eq!(classes.values().cloned().collect::<std::collections::BTreeSet<_>>(), ["5A", "6A", "6B"].map(String::from).into());

    // Every class's bulletins are published, with all four subjects.
    let principal = s.login("claire.moreau", password).await;
    for (class, code) in &classes {
        let (status, roster) = s.get(Some(&principal), &format!("/api/v1/classes/{class}/roster"), Some(head)).await;
        assert_eq!(status, StatusCode::OK, "{roster}");
        let pupils = roster["members"].as_array().unwrap();
        assert_eq!(pupils.len(), 6, "{code}: {roster}");
        let pupil = pupils[pupils.len() - 1]["id"].as_str().unwrap();
        let (status, bulletin) = s.get(Some(&principal), &format!("/api/v1/bulletins/{pupil}/{t1}"), Some(head)).await;
        assert_eq!(status, StatusCode::OK, "{bulletin}");
        assert_eq!(bulletin["publication"]["published"], true, "{code}");
        assert_eq!(bulletin["subjects"].as_array().map(|s| s.len()), Some(4), "{code}: {bulletin}");
        assert!(bulletin["general_average"].is_number(), "{code}: {bulletin}");
    }

    // Forums, blogs, news: the 6A forum has a topic, the 6A blog a published post (its comment
    // waits for approval), the news feed two items, the pinned one first.
    let pupil = s.login("lea.martin", password).await;
    let (_, forums) = s.get(Some(&pupil), "/api/v1/forums", Some(head)).await;
    assert_eq!(
        (forums[0]["name"].clone(), forums[0]["topics"].clone(), forums[0]["posts"].clone()),
        (json!("Vie de la classe"), json!(1), json!(2)),
        "{forums}"
    );
    let (_, blogs) = s.get(Some(&parent), "/api/v1/blogs", Some(head)).await;
    let blog = blogs[0]["id"].as_str().expect("the 6A blog").to_string();
    let (_, page) = s.get(Some(&parent), &format!("/api/v1/blogs/{blog}"), Some(head)).await;
    assert_eq!(page["posts"].as_array().map(Vec::len), Some(1), "{page}");
    let maths = s.login("sophie.bernard", password).await;
    let (_, page) = s.get(Some(&maths), &format!("/api/v1/blogs/{blog}"), Some(head)).await;
    assert_eq!(page["posts"][0]["comments"][0]["pending"], true, "{page}");
    let (_, feed) = s.get(Some(&parent), "/api/v1/news/feed", Some(head)).await;
    let titles: Vec<&str> = feed.as_array().map(|f| f.iter().filter_map(|n| n["title"].as_str()).collect()).unwrap_or_default();
    assert_eq!(titles, ["Portes ouvertes samedi", "Menu de la cantine"]);
    // agenda: the week of 7 December in 6A, ten lessons and three school events.
    let (status, agenda) = s.get(Some(&parent), "/api/v1/agenda?from=2026-12-07&to=2026-12-13", Some(head)).await;
    assert_eq!(status, StatusCode::OK, "{agenda}");
    let count = |kind: &str| agenda["items"].as_array().map_or(0, |i| i.iter().filter(|i| i["kind"] == kind).count());
    assert_eq!((count("lesson"), count("school_event")), (10, 3), "{agenda}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn demo_school_shows_every_service_on_sqlite() {
    demo_school_shows_every_service("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn demo_school_shows_every_service_on_postgres() {
    demo_school_shows_every_service("postgres").await;
}
