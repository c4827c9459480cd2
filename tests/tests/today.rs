//! End-to-end: display-ready read models (names next to ids, joined at read time from the
//! directory) and a parent's "today" in one request.

use ent_tests::school::School;
use ent_tests::server::TestServer;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

fn names<'a>(list: &'a Value, field: &str) -> Vec<&'a str> {
    list.as_array().expect("array").iter().map(|v| v[field].as_str().unwrap_or("<none>")).collect()
}

async fn lesson_id(s: &TestServer, root: &str, result: &Value) -> Uuid {
    let after = result["position"].as_u64().expect("position") - 1;
    let (_, events) = s.get(Some(root), &format!("/api/v1/events?after={after}&limit=1"), None).await;
    Uuid::parse_str(events[0]["payload"]["lesson_id"].as_str().expect("lesson id")).expect("uuid")
}

async fn names_and_today(kind: &str) {
    let s = TestServer::start(kind).await;
    let sc = School::create(&s).await;
    // The parent has a second child, in 6B (and in the Latin group).
    s.ok(&sc.root, "LinkParent", json!({"parent": sc.parent_id, "pupil": sc.pupil_b1})).await;

    let r = s
        .ok(
            &sc.teacher,
            "CreateEvaluation",
            json!({"class_or_group": sc.class_a, "subject": sc.maths, "period": sc.t1, "date": "2026-10-02", "title": "Fractions"}),
        )
        .await;
    let evaluation = TestServer::created_id(&r);
    s.ok(
        &sc.teacher,
        "RecordGrades",
        json!({"evaluation": evaluation, "grades": [{"pupil": sc.pupil_a1, "value": 12}, {"pupil": sc.pupil_a2, "value": 15}]}),
    )
    .await;
    s.ok(&sc.teacher, "LogLesson", json!({"class_or_group": sc.class_a, "subject": sc.maths, "date": "2026-10-05", "start": "08:00", "end": "09:00", "title": "Fractions", "content": "x"}))
        .await;
    for (cog, subject, due, what) in [
        (sc.class_a, sc.maths, "2026-10-08", "Exercices 1 à 4"),
        (sc.group, sc.french, "2026-10-07", "Lire le chapitre 2"),
        (sc.class_a, sc.maths, "2026-10-30", "Trop loin"),
    ] {
        s.ok(
            &sc.teacher,
            "AssignHomework",
            json!({"class_or_group": cog, "subject": subject, "given_on": "2026-10-05", "due_on": due, "description": what}),
        )
        .await;
    }
    let row = json!({"class_or_group": sc.class_a, "subject": sc.maths, "teacher": sc.teacher_id, "date": "2026-10-05", "start": "08:00:00", "end": "09:00:00"});
    let r = s.ok(&sc.root, "ImportTimetable", json!({"structure": sc.uai, "lessons": [row]})).await;
    let lesson = lesson_id(&s, &sc.root, &r).await;
    s.ok(&sc.teacher, "TakeRollCall", json!({"lesson": lesson, "marks": [{"pupil": sc.pupil_a1, "status": "absent"}, {"pupil": sc.pupil_a2, "status": "late", "minutes_late": 5}]}))
        .await;
    s.ok(&sc.teacher, "GivePunishment", json!({"pupil": sc.pupil_a1, "kind": "retenue", "reason": "bavardages", "date": "2026-10-05"}))
        .await;
    let r = s
        .ok(
            &sc.teacher,
            "PositionCompetency",
            json!({"pupil": sc.pupil_a1, "framework": "socle", "item": "D1.3", "level": 3, "period": sc.t1}),
        )
        .await;
    let at = r["position"].as_u64();

    // A parent's day: one request for every child, with names.
    let (status, today) = s.get(Some(&sc.parent), "/api/v1/me/today?date=2026-10-05", at).await;
    assert_eq!(status, StatusCode::OK, "{today}");
    let children = today["children"].as_array().expect("children");
    assert_eq!(names(&today["children"], "display_name"), ["Léa Martin", "Inès Petit"]);
    let lea = &children[0];
    assert_eq!(lea["structure_name"], "Collège Jean Moulin");
    assert_eq!(names(&lea["homework"], "description"), ["Lire le chapitre 2", "Exercices 1 à 4"], "due within 7 days, by date");
    assert_eq!(names(&lea["homework"], "subject_name"), ["Français", "Mathématiques"]);
    assert_eq!(names(&lea["homework"], "class_or_group_name"), ["Latin", "6A"]);
    assert_eq!(names(&lea["homework"], "author_name"), ["Sophie Bernard", "Sophie Bernard"]);
    assert_eq!(names(&lea["latest_grades"], "subject_name"), ["Mathématiques"]);
    assert_eq!(lea["latest_grades"][0]["title"], "Fractions");
    assert_eq!(lea["latest_grades"][0]["evaluation"], json!(evaluation));
    assert!(lea["period_name"].is_string(), "{lea}");
    assert_eq!(lea["absences_to_justify"].as_array().map(Vec::len), Some(1), "{lea}");
    assert_eq!(names(&lea["unread_notifications"], "pupil_name"), ["Léa Martin"]);
    let ines = &children[1];
    assert_eq!(names(&ines["homework"], "subject_name"), ["Français"]);
    assert_eq!(ines["latest_grades"], json!([]));
    assert_eq!(ines["absences_to_justify"], json!([]));
    assert_eq!(ines["unread_notifications"], json!([]));
    // A pupil has their own day; a teacher has none.
    let (status, own) = s.get(Some(&sc.pupil_a1_token), "/api/v1/me/today?date=2026-10-05", at).await;
    assert_eq!((status, names(&own["children"], "display_name")), (StatusCode::OK, vec!["Léa Martin"]));
    assert_eq!(s.get(Some(&sc.teacher), "/api/v1/me/today", at).await.0, StatusCode::FORBIDDEN);

    // Names next to ids in the other read models.
    let (status, table) = s.get(Some(&sc.teacher), &format!("/api/v1/classes/{}/grades?period={}", sc.class_a, sc.t1), at).await;
    assert_eq!(status, StatusCode::OK, "{table}");
    assert_eq!(table["class_or_group_name"], "6A");
    assert!(table["period_name"].is_string(), "{table}");
    assert_eq!(names(&table["pupils"], "display_name"), ["Hugo Dubois", "Léa Martin"]);
    assert_eq!(table["evaluations"][0]["subject_name"], "Mathématiques");

    let (_, grades) = s.get(Some(&sc.parent), &format!("/api/v1/pupils/{}/grades?period={}", sc.pupil_a1, sc.t1), at).await;
    assert_eq!((grades[0]["subject_code"].clone(), grades[0]["subject_name"].clone()), (json!("MATHS"), json!("Mathématiques")));

    let (_, cahier) = s.get(Some(&sc.parent), &format!("/api/v1/cahier/{}/{}", sc.class_a, sc.maths), at).await;
    assert_eq!((cahier["class_or_group_name"].clone(), cahier["subject_name"].clone()), (json!("6A"), json!("Mathématiques")));
    assert_eq!(cahier["lessons"][0]["author_name"], "Sophie Bernard");
    let (_, mine) = s.get(Some(&sc.teacher), &format!("/api/v1/teachers/{}/cahier", sc.teacher_id), at).await;
    assert_eq!(names(&mine, "subject_name"), ["Mathématiques", "Français"]);

    let (_, day) = s.get(Some(&sc.teacher), &format!("/api/v1/classes/{}/absences?date=2026-10-05", sc.class_a), at).await;
    assert_eq!(day["class_or_group_name"], "6A");
    let l = &day["lessons"][lesson.to_string()];
    assert_eq!((l["subject_name"].clone(), l["teacher_name"].clone()), (json!("Mathématiques"), json!("Sophie Bernard")), "{day}");
    assert_eq!(day["pupil_names"][sc.pupil_a1.to_string()], "Léa Martin");
    assert_eq!(day["pupil_names"][sc.pupil_a2.to_string()], "Hugo Dubois");
    let (_, dashboard) = s.get(Some(&sc.head), &format!("/api/v1/vie-scolaire/{}/dashboard?date=2026-10-05", sc.uai), at).await;
    assert_eq!(names(&dashboard["absentees"], "class_name"), ["6A"]);

    let (_, record) = s.get(Some(&sc.parent), &format!("/api/v1/pupils/{}/discipline", sc.pupil_a1), at).await;
    assert_eq!(names(&record["punishments"], "given_by_name"), ["Sophie Bernard"]);
    assert_eq!(names(&record["punishments"], "pupil_name"), ["Léa Martin"]);

    let (_, booklet) = s.get(Some(&sc.parent), &format!("/api/v1/booklets/{}", sc.pupil_a1), at).await;
    assert_eq!((booklet["pupil_name"].clone(), booklet["structure_name"].clone()), (json!("Léa Martin"), json!("Collège Jean Moulin")));
    assert_eq!(booklet["history"][0]["author_name"], "Sophie Bernard");
    assert!(booklet["history"][0]["period_name"].is_string() && booklet["latest"][0]["period_name"].is_string(), "{booklet}");
    let (_, overview) =
        s.get(Some(&sc.teacher), &format!("/api/v1/classes/{}/competencies?framework=socle&period={}", sc.class_a, sc.t1), at).await;
    assert_eq!(overview["class_name"], "6A");
    assert!(overview["period_name"].is_string(), "{overview}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn names_and_today_on_sqlite() {
    names_and_today("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn names_and_today_on_postgres() {
    names_and_today("postgres").await;
}
