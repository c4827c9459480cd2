//! End-to-end: the cahier de textes through HTTP (lessons, homework, edits and their history,
//! visa, who reads what).

use ent_tests::school::School;
use ent_tests::server::TestServer;
use reqwest::StatusCode;
use serde_json::json;

async fn cahier_flow(kind: &str) {
    let s = TestServer::start(kind).await;
    let sc = School::create(&s).await;
    let lesson = json!({"class_or_group": sc.class_a, "subject": sc.maths, "date": "2026-10-05", "start": "08:00", "end": "09:00",
        "title": "Fractions", "content": "Découverte des fractions", "attachments": [{"name": "Fiche", "url": "https://example.org/fiche.pdf"}]});
    let r = s.ok(&sc.teacher, "LogLesson", lesson.clone()).await;
    let lesson_id = TestServer::created_id(&r);
    let mut other = lesson.clone();
    other["class_or_group"] = json!(sc.class_b);
    let (status, _) = s.command(&sc.teacher, "LogLesson", other).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not the teacher of 6B");

    let (status, body) = s
        .command(&sc.teacher, "AssignHomework", json!({"class_or_group": sc.class_a, "subject": sc.maths, "given_on": "2026-10-05", "due_on": "2026-10-04", "description": "x"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["field"], "due_on");
    s.ok(&sc.teacher, "AssignHomework", json!({"class_or_group": sc.class_a, "subject": sc.maths, "given_on": "2026-10-05", "due_on": "2026-10-08", "description": "Exercices 1 à 4 p. 12", "estimated_minutes": 30}))
        .await;
    s.ok(&sc.teacher, "AssignHomework", json!({"class_or_group": sc.group, "subject": sc.french, "given_on": "2026-10-05", "due_on": "2026-10-07", "description": "Lire le chapitre 2"}))
        .await;
    let r = s
        .ok(&sc.teacher, "AssignHomework", json!({"class_or_group": sc.class_a, "subject": sc.maths, "given_on": "2026-10-05", "due_on": "2026-10-06", "description": "Annulé"}))
        .await;
    let cancelled = TestServer::created_id(&r);
    s.ok(&sc.teacher, "CancelHomework", json!({"homework": cancelled, "reason": "sortie scolaire"})).await;
    let r = s.ok(&sc.teacher, "EditLesson", json!({"lesson": lesson_id, "title": "Fractions (1)"})).await;
    let p = r["position"].as_u64();

    // The pupil's (and parent's) homework to do, by due date, cancelled homework excluded.
    let path = format!("/api/v1/pupils/{}/homework?from=2026-10-01", sc.pupil_a1);
    let (status, todo) = s.get(Some(&sc.parent), &path, p).await;
    assert_eq!(status, StatusCode::OK, "{todo}");
    let due: Vec<&str> = todo.as_array().unwrap().iter().map(|h| h["due_on"].as_str().unwrap()).collect();
    assert_eq!(due, ["2026-10-07", "2026-10-08"]);
    let (status, _) = s.get(Some(&sc.parent), &format!("/api/v1/pupils/{}/homework", sc.pupil_a2), p).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The class's cahier: read by its pupils, not by another class's.
    let cahier = format!("/api/v1/cahier/{}/{}", sc.class_a, sc.maths);
    let (status, doc) = s.get(Some(&sc.pupil_a1_token), &cahier, p).await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    assert_eq!(doc["lessons"][0]["title"], "Fractions (1)");
    assert_eq!(doc["lessons"][0]["edits"], 1);
    assert_eq!(doc["homework"].as_array().unwrap().len(), 2);

    // Every edit keeps its history.
    let (status, history) = s.get(Some(&sc.teacher), &format!("/api/v1/cahier/entries/{lesson_id}/history"), p).await;
    assert_eq!(status, StatusCode::OK, "{history}");
    let history = history.as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(
        (history[0]["content"]["title"].clone(), history[1]["content"]["title"].clone()),
        (json!("Fractions"), json!("Fractions (1)"))
    );

    // The visa: the direction only.
    let visa = json!({"teacher": sc.teacher_id, "class_or_group": sc.class_a, "subject": sc.maths, "comment": "Cahier bien tenu"});
    let (status, _) = s.command(&sc.teacher, "VisaCahier", visa.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let r = s.ok(&sc.head, "VisaCahier", visa).await;
    let (_, doc) = s.get(Some(&sc.head), &cahier, r["position"].as_u64()).await;
    assert_eq!(doc["visas"][0]["comment"], "Cahier bien tenu");
    let (status, mine) = s.get(Some(&sc.teacher), &format!("/api/v1/teachers/{}/cahier", sc.teacher_id), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mine.as_array().unwrap().len(), 2);

    // An inspector (a rectorat user appointed inspector) reads the cahier and gives a visa; a
    // rectorat user who is not an inspector may do neither.
    let password = "inspection-2026";
    s.ok(&sc.root, "CreateRectoratUser", json!({"first_name": "Paul", "last_name": "Meyer", "login": "paul.meyer", "password": password, "inspector": true, "discipline": "mathématiques"}))
        .await;
    let r = s
        .ok(
            &sc.root,
            "CreateRectoratUser",
            json!({"first_name": "Inès", "last_name": "Garnier", "login": "ines.garnier", "password": password}),
        )
        .await;
    let (status, body) =
        s.command(&sc.root, "CreateRectoratUser", json!({"first_name": "A", "last_name": "B", "discipline": "histoire"})).await;
    assert_eq!((status, body["errors"][0]["field"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("discipline")));
    let inspector = s.login("paul.meyer", password).await;
    let rectorat = s.login("ines.garnier", password).await;
    let (status, _) = s.get(Some(&rectorat), &cahier, r["position"].as_u64()).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a rectorat user who is not an inspector reads no cahier");
    let visa = json!({"teacher": sc.teacher_id, "class_or_group": sc.class_a, "subject": sc.maths, "comment": "Progression conforme au programme"});
    let (status, _) = s.command(&rectorat, "VisaCahier", visa.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, doc) = s.get(Some(&inspector), &cahier, None).await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    let r = s.ok(&inspector, "VisaCahier", visa).await;
    // The inspector's list of cahiers names this one, its teacher and its last visa.
    let (status, list) = s.get(Some(&inspector), "/api/v1/cahiers", r["position"].as_u64()).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let listed = list
        .as_array()
        .and_then(|l| l.iter().find(|c| c["class_or_group"] == json!(sc.class_a) && c["subject"] == json!(sc.maths)))
        .cloned()
        .unwrap_or_else(|| panic!("the cahier is listed: {list}"));
    assert_eq!(listed["structure"], json!(sc.uai));
    assert!(listed["teachers"].as_array().is_some_and(|t| t.iter().any(|t| t["id"] == json!(sc.teacher_id))), "{listed}");
    assert!(!listed["last_visa"].is_null(), "{listed}");
    let (status, _) = s.get(Some(&rectorat), "/api/v1/cahiers", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the list is for inspectors");
    let (_, doc) = s.get(Some(&inspector), &cahier, r["position"].as_u64()).await;
    assert_eq!(doc["visas"][0]["comment"], "Progression conforme au programme", "newest visa first");
    assert_eq!(doc["visas"].as_array().map(Vec::len), Some(2));
    // A rectorat user appointed inspector later may then read the cahier too.
    let (status, me) = s.get(Some(&rectorat), "/api/v1/me", r["position"].as_u64()).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    let ines = me["id"].as_str().expect("id").to_string();
    let (status, _) = s.command(&rectorat, "AppointInspector", json!({"user": ines})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only a platform administrator appoints inspectors");
    let appointed = s.ok(&sc.root, "AppointInspector", json!({"user": ines, "discipline": "lettres"})).await;
    let (status, _) = s.get(Some(&rectorat), &cahier, appointed["position"].as_u64()).await;
    assert_eq!(status, StatusCode::OK, "appointed inspector reads the cahier");
    let (status, _) = s.command(&sc.root, "AppointInspector", json!({"user": ines})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "already an inspector");
    let (status, theirs) = s.get(Some(&inspector), &format!("/api/v1/teachers/{}/cahier", sc.teacher_id), None).await;
    assert_eq!((status, theirs.as_array().map(Vec::len)), (StatusCode::OK, Some(2)));
    let (status, _) = s.get(Some(&inspector), &format!("/api/v1/pupils/{}/homework", sc.pupil_a1), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "an inspector reads no pupil's own lists");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cahier_flow_on_sqlite() {
    cahier_flow("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cahier_flow_on_postgres() {
    cahier_flow("postgres").await;
}
