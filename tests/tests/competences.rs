//! End-to-end: the livret de compétences through HTTP (positionings, B2i validations,
//! end-of-cycle, booklet, class overview, JSON export).

use ent_tests::school::School;
use ent_tests::server::TestServer;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn b2i(booklet: &Value) -> &Value {
    booklet["certifications"].as_array().unwrap().iter().find(|c| c["framework"] == "b2i").expect("b2i progress")
}

async fn competences_flow(kind: &str) {
    let s = TestServer::start(kind).await;
    let sc = School::create(&s).await;
    for item in ["B2i.1.1", "B2i.1.2", "B2i.2.1"] {
        s.ok(&sc.teacher, "ValidateCertificationItem", json!({"pupil": sc.pupil_a1, "framework": "b2i", "item": item})).await;
    }
    let (status, _) =
        s.command(&sc.teacher, "ValidateCertificationItem", json!({"pupil": sc.pupil_a1, "framework": "b2i", "item": "B2i.1.1"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "already validated");
    let (status, _) = s
        .command(
            &sc.teacher,
            "PositionCompetency",
            json!({"pupil": sc.pupil_a1, "framework": "socle", "item": "D1.3", "level": 5, "period": sc.t1}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "level 1..4");
    s.ok(
        &sc.teacher,
        "PositionCompetency",
        json!({"pupil": sc.pupil_a1, "framework": "socle", "item": "D1.3", "level": 2, "period": sc.t1}),
    )
    .await;
    s.ok(
        &sc.teacher,
        "PositionCompetency",
        json!({"pupil": sc.pupil_a1, "framework": "socle", "item": "D1.3", "level": 3, "period": sc.t1, "comment": "Progrès nets"}),
    )
    .await;
    let (status, _) = s
        .command(&sc.teacher, "SetEndOfCycleAssessment", json!({"pupil": sc.pupil_a1, "cycle": 4, "composante": "D1.1", "level": 4}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a 6e pupil is in cycle 3");
    s.ok(&sc.teacher, "SetEndOfCycleAssessment", json!({"pupil": sc.pupil_a1, "cycle": 3, "composante": "D1.1", "level": 4})).await;
    s.ok(
        &sc.head,
        "DefineCompetencyFramework",
        json!({"structure": "0751234A", "code": "MATHS6", "name": "Mathématiques 6e", "kind": "subject",
        "domains": [{"code": "NC", "name": "Nombres et calculs", "items": [{"code": "NC1", "label": "Utiliser les fractions"}]}]}),
    )
    .await;
    let r = s
        .ok(
            &sc.teacher,
            "PositionCompetency",
            json!({"pupil": sc.pupil_a1, "framework": "MATHS6", "item": "NC1", "level": 4, "period": sc.t1}),
        )
        .await;
    let p = r["position"].as_u64();

    // The parent sees the booklet with the B2i progress; not another pupil's.
    let (status, booklet) = s.get(Some(&sc.parent), &format!("/api/v1/booklets/{}", sc.pupil_a1), p).await;
    assert_eq!(status, StatusCode::OK, "{booklet}");
    let progress = b2i(&booklet);
    assert_eq!((progress["validated"].clone(), progress["total"].clone()), (json!(3), json!(18)));
    assert_eq!(progress["domains"][0]["validated"], 2);
    assert_eq!(progress["domains"][0]["percent"], json!(50.0));
    let d13 = booklet["latest"].as_array().unwrap().iter().find(|l| l["item"] == "D1.3").unwrap();
    assert_eq!((d13["level"].clone(), d13["level_label"].clone()), (json!(3), json!("maîtrise satisfaisante")));
    assert_eq!(booklet["history"].as_array().unwrap().len(), 3);
    assert_eq!(booklet["end_of_cycle"][0]["composante"], "D1.1");
    let (status, _) = s.get(Some(&sc.parent), &format!("/api/v1/booklets/{}", sc.pupil_a2), p).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The class overview per item.
    let (status, overview) = s.get(Some(&sc.teacher), &format!("/api/v1/classes/{}/competencies?framework=b2i", sc.class_a), p).await;
    assert_eq!(status, StatusCode::OK, "{overview}");
    let first = &overview["items"][0];
    assert_eq!((first["item"].clone(), first["validated"].clone(), first["pupils"].clone()), (json!("B2i.1.1"), json!(1), json!(2)));

    // The export.
    let (status, export) = s.get(Some(&sc.parent), &format!("/api/v1/booklets/{}.json", sc.pupil_a1), p).await;
    assert_eq!(status, StatusCode::OK, "{export}");
    assert_eq!((export["format"].clone(), export["format_version"].clone()), (json!("ent-livret"), json!(1)));
    assert_eq!(export["structure"]["uai"], "0751234A");
    assert_eq!(export["pupil"]["class"], "6A");
    assert_eq!(export["periods"][0]["name"], "T1");
    assert_eq!(export["periods"][0]["positionings"].as_array().unwrap().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn competences_flow_on_sqlite() {
    competences_flow("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn competences_flow_on_postgres() {
    competences_flow("postgres").await;
}
