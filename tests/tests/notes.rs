//! End-to-end: a teacher grades a class, corrects a grade, the head publishes; the parent reads
//! the published bulletin (and not another pupil's), its past state (`as_of`), its PDF.

use std::time::Duration;

use ent_tests::school::School;
use ent_tests::server::TestServer;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn pos(result: &Value) -> Option<u64> {
    result["position"].as_u64()
}

fn line<'a>(bulletin: &'a Value, code: &str) -> &'a Value {
    bulletin["subjects"].as_array().expect("subjects").iter().find(|l| l["subject"]["code"] == code).expect("subject line")
}

async fn notes_flow(kind: &str) {
    let s = TestServer::start(kind).await;
    let sc = School::create(&s).await;

    // The teacher creates two evaluations of 6A in T1.
    let r = s
        .ok(
            &sc.teacher,
            "CreateEvaluation",
            json!({"class_or_group": sc.class_a, "subject": sc.maths, "period": sc.t1, "date": "2026-10-05", "title": "Fractions"}),
        )
        .await;
    let e1 = TestServer::created_id(&r);
    let r = s
        .ok(&sc.teacher, "CreateEvaluation", json!({"class_or_group": sc.class_a, "subject": sc.maths, "period": sc.t1, "date": "2026-11-02", "title": "Géométrie", "coefficient": 2, "scale": 10}))
        .await;
    let e2 = TestServer::created_id(&r);

    // Not their class: 403. A date outside the period: 422 naming the field.
    let (status, _) = s
        .command(
            &sc.teacher,
            "CreateEvaluation",
            json!({"class_or_group": sc.class_b, "subject": sc.maths, "period": sc.t1, "date": "2026-10-05", "title": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = s
        .command(
            &sc.teacher,
            "CreateEvaluation",
            json!({"class_or_group": sc.class_a, "subject": sc.maths, "period": sc.t1, "date": "2026-12-05", "title": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["field"], "date");

    // The whole class at once.
    s.ok(
        &sc.teacher,
        "RecordGrades",
        json!({"evaluation": e1, "grades": [{"pupil": sc.pupil_a1, "value": 12}, {"pupil": sc.pupil_a2, "value": 15.5}]}),
    )
    .await;
    // All or nothing, naming each bad row.
    let (status, body) = s
        .command(
            &sc.teacher,
            "RecordGrades",
            json!({"evaluation": e2, "grades": [
            {"pupil": sc.pupil_a1, "value": 8}, {"pupil": sc.pupil_a2, "value": 10.5}, {"pupil": sc.pupil_b1, "value": 7}]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["grades[1].value", "grades[2].pupil"]);
    s.ok(
        &sc.teacher,
        "RecordGrades",
        json!({"evaluation": e2, "grades": [{"pupil": sc.pupil_a1, "value": 8}, {"pupil": sc.pupil_a2, "status": "Abs"}]}),
    )
    .await;
    // Already graded: use CorrectGrade.
    let (status, body) = s.command(&sc.teacher, "RecordGrade", json!({"evaluation": e1, "pupil": sc.pupil_a1, "value": 13})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["detail"].as_str().unwrap().contains("CorrectGrade"), "{body}");

    s.ok(
        &sc.teacher,
        "SetSubjectAppreciation",
        json!({"pupil": sc.pupil_a1, "period": sc.t1, "subject": sc.maths, "text": "Élève sérieuse, bon trimestre."}),
    )
    .await;
    s.ok(
        &sc.head,
        "SetCouncilAppreciation",
        json!({"pupil": sc.pupil_a1, "period": sc.t1, "text": "Très bon trimestre, continuez ainsi.", "mention": "compliments"}),
    )
    .await;

    // Not published yet: the parent may not read it; the teacher may.
    let path = format!("/api/v1/bulletins/{}/{}", sc.pupil_a1, sc.t1);
    let (status, _) = s.get(Some(&sc.parent), &path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, draft) = s.get(Some(&sc.teacher), &path, None).await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    assert_eq!(draft["publication"]["published"], false);

    // Only the direction publishes.
    let (status, _) = s.command(&sc.teacher, "PublishBulletins", json!({"class": sc.class_a, "period": sc.t1})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let publications = format!("/api/v1/structures/{}/bulletin-publications", sc.uai);
    let published = |list: &Value| -> Option<bool> {
        list.as_array()?
            .iter()
            .find(|p| p["class"] == json!(sc.class_a) && p["period"] == json!(sc.t1))
            .map(|p| !p["published_at"].is_null())
    };
    let (status, before) = s.get(Some(&sc.head), &publications, None).await;
    assert_eq!(status, StatusCode::OK, "{before}");
    assert_eq!(published(&before), Some(false), "{before}");
    let r = s.ok(&sc.head, "PublishBulletins", json!({"class": sc.class_a, "period": sc.t1})).await;
    let (_, after) = s.get(Some(&sc.head), &publications, pos(&r)).await;
    assert_eq!(published(&after), Some(true), "{after}");

    // The parent reads the published bulletin: (12 + 16×2)/3 = 14.67; class 15.08, min 14.67, max 15.5.
    let (status, b) = s.get(Some(&sc.parent), &path, pos(&r)).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    let maths = line(&b, "MATHS");
    assert_eq!(maths["pupil_average"], json!(14.67));
    assert_eq!(maths["pupil_average_exact"], "44/3");
    assert_eq!(
        (maths["class_average"].clone(), maths["class_min"].clone(), maths["class_max"].clone()),
        (json!(15.08), json!(14.67), json!(15.5))
    );
    assert_eq!(maths["grades"], 2);
    assert_eq!(maths["appreciation"], "Élève sérieuse, bon trimestre.");
    assert_eq!(b["general_average"], json!(14.67));
    assert_eq!(b["mention"], "compliments");
    assert_eq!(b["publication"]["version"], 1);
    assert_eq!(b["publication"]["changed_since_publication"], false);
    // Filled by the vie scolaire (no absence was recorded in this scenario).
    assert_eq!(b["absences"]["half_days"], 0);
    // …and not another pupil's.
    let (status, body) = s.get(Some(&sc.parent), &format!("/api/v1/bulletins/{}/{}", sc.pupil_a2, sc.t1), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, _) = s.get(Some(&sc.pupil_a1_token), &path, None).await;
    assert_eq!(status, StatusCode::OK);

    // A correction after publication: a new version of the bulletin.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let before_correction = chrono::Utc::now();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let (status, body) = s.command(&sc.teacher, "CorrectGrade", json!({"evaluation": e1, "pupil": sc.pupil_a1, "value": 14})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a reason is required: {body}");
    let r =
        s.ok(&sc.teacher, "CorrectGrade", json!({"evaluation": e1, "pupil": sc.pupil_a1, "value": 14, "reason": "erreur de saisie"})).await;
    let (_, b) = s.get(Some(&sc.parent), &path, pos(&r)).await;
    assert_eq!(line(&b, "MATHS")["pupil_average"], json!(15.33));
    assert_eq!(b["publication"]["version"], 2);
    assert_eq!(b["publication"]["changed_since_publication"], true);
    assert!(b["publication"]["revisions"][0]["reason"].as_str().unwrap().contains("erreur de saisie"));

    // The audit trail of that grade: both values, who, when, why.
    let (status, history) = s.get(Some(&sc.parent), &format!("/api/v1/grades/{e1}/{}/history", sc.pupil_a1), None).await;
    assert_eq!(status, StatusCode::OK, "{history}");
    let history = history.as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!((history[0]["value"].clone(), history[1]["value"].clone()), (json!(12.0), json!(14.0)));
    assert_eq!(history[1]["reason"], "erreur de saisie");
    assert_eq!(history[1]["author"], json!(sc.teacher_id.to_string()));
    assert_eq!(history[1]["author_name"], "Sophie Bernard");
    let (status, _) = s.get(Some(&sc.parent), &format!("/api/v1/grades/{e1}/{}/history", sc.pupil_a2), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Time travel: as it stood before the correction.
    let as_of = before_correction.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let (status, old) = s.get(Some(&sc.parent), &format!("{path}?as_of={}", as_of.replace('+', "%2B")), None).await;
    assert_eq!(status, StatusCode::OK, "{old}");
    assert_eq!(line(&old, "MATHS")["pupil_average"], json!(14.67));
    assert_eq!(old["publication"]["version"], 1);
    assert_eq!(old["as_of"].as_str().map(|s| s.starts_with(&as_of[..19])), Some(true));
    let (status, _) = s.get(Some(&sc.parent), &format!("{path}?as_of=yesterday"), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The printable bulletin.
    let (status, pdf) = s.get_bytes(&sc.parent, &format!("{path}.pdf"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(pdf.starts_with(b"%PDF"), "not a PDF");
    let doc = lopdf::Document::load_mem(&pdf).expect("a valid PDF");
    assert!(!doc.get_pages().is_empty());
    let text = doc.extract_text(&[1]).expect("text of page 1");
    for expected in ["Bulletin scolaire", "Léa Martin", "Mathématiques", "15,33", "Compliments", "version 2"] {
        assert!(text.contains(expected), "{expected:?} not in the PDF text: {text}");
    }
    let (status, _) = s.get_bytes(&sc.parent, &format!("/api/v1/bulletins/{}/{}.pdf", sc.pupil_a2, sc.t1), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The teacher's grade table and the pupil's grade list.
    let (status, table) = s.get(Some(&sc.teacher), &format!("/api/v1/classes/{}/grades?period={}", sc.class_a, sc.t1), None).await;
    assert_eq!(status, StatusCode::OK, "{table}");
    assert_eq!(table["evaluations"].as_array().unwrap().len(), 2);
    assert_eq!(table["evaluations"][1]["grades"][sc.pupil_a2.to_string()]["status"], "Abs");
    let (status, _) = s.get(Some(&sc.parent), &format!("/api/v1/classes/{}/grades?period={}", sc.class_a, sc.t1), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, grades) = s.get(Some(&sc.parent), &format!("/api/v1/pupils/{}/grades?period={}", sc.pupil_a1, sc.t1), None).await;
    assert_eq!(status, StatusCode::OK, "{grades}");
    assert_eq!(grades[0]["marks"][0]["title"], "Fractions");
    assert_eq!(grades[0]["marks"][0]["corrected"], true);

    // Subject coefficients weigh the general average: only the direction sets them.
    let (status, _) = s
        .command(
            &sc.teacher,
            "SetSubjectCoefficient",
            json!({"structure": "0751234A", "level": "6e", "subject": sc.maths, "coefficient": 4}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    s.ok(&sc.head, "SetSubjectCoefficient", json!({"structure": "0751234A", "level": "6e", "subject": sc.maths, "coefficient": 4})).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn notes_flow_on_sqlite() {
    notes_flow("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn notes_flow_on_postgres() {
    notes_flow("postgres").await;
}
