//! Vie scolaire end to end through HTTP: roll call, notifications, justifications, the L131-8
//! report, punishments and sanctions, legal erasure by crypto-shredding, and who sees what.

use chrono::{TimeZone, Utc};
use ent_tests::server::{TestServer, USER_PASSWORD};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

const UAI: &str = "0751234A";

struct School {
    root: String,
    class: Uuid,
    subject: Uuid,
    t1: Uuid,
    teacher: String,
    other_teacher: String,
    cpe: String,
    head: String,
    pupil_a: Uuid,
    pupil_a_login: String,
    pupil_b: Uuid,
    parent_a: String,
    parent_b: String,
    /// Monday to Thursday 5–8 October 2026, 08:00–09:00, in 6A.
    lessons: Vec<Uuid>,
}

async fn lesson_ids(s: &TestServer, root: &str, result: &Value) -> Vec<Uuid> {
    let first = result["position"].as_u64().unwrap() + 1 - result["event_ids"].as_array().unwrap().len() as u64;
    let (_, events) = s.get(Some(root), &format!("/api/v1/events?after={}&limit=100", first - 1), None).await;
    events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "LessonScheduled")
        .map(|e| Uuid::parse_str(e["payload"]["lesson_id"].as_str().unwrap()).unwrap())
        .collect()
}

async fn school(s: &TestServer) -> School {
    let root = s.root().await;
    s.ok(&root, "CreateStructure", json!({"uai": UAI, "name": "Collège Jean Moulin", "kind": "college"})).await;
    let r = s.ok(&root, "CreateClass", json!({"structure": UAI, "code": "6A", "level": "6e"})).await;
    let class = s.entity_id(&root, &r, "class_id").await;
    let r = s.ok(&root, "CreateSubject", json!({"structure": UAI, "code": "MATHS", "name": "Mathématiques"})).await;
    let subject = s.entity_id(&root, &r, "subject_id").await;
    let r = s
        .ok(&root, "DefinePeriods", json!({"structure": UAI, "school_year": "2026-2027", "kind": "trimestres", "bounds": [
            {"start": "2026-09-01", "end": "2026-11-30"}, {"start": "2026-12-01", "end": "2027-02-28"}, {"start": "2027-03-01", "end": "2027-07-04"}]}))
        .await;
    let (_, events) = s.get(Some(&root), &format!("/api/v1/events?after={}&limit=1", r["position"].as_u64().unwrap() - 1), None).await;
    let t1 = Uuid::parse_str(events[0]["payload"]["periods"][0]["period_id"].as_str().unwrap()).unwrap();
    let (teacher_id, teacher, _) = s.user(&root, UAI, "enseignant", None, "Sophie", "Bernard").await;
    let (_, other_teacher, _) = s.user(&root, UAI, "enseignant", None, "Paul", "Lenoir").await;
    let (_, cpe, _) = s.user(&root, UAI, "personnel", Some("cpe"), "Karim", "Benali").await;
    let (_, head, _) = s.user(&root, UAI, "personnel", Some("direction"), "Claire", "Moreau").await;
    let (pupil_a, pupil_a_login, _) = s.user(&root, UAI, "eleve", None, "Léa", "Martin").await;
    let (pupil_b, _, _) = s.user(&root, UAI, "eleve", None, "Hugo", "Dubois").await;
    let (parent_a_id, parent_a, _) = s.user(&root, UAI, "parent", None, "Anne", "Martin").await;
    let (parent_b_id, parent_b, _) = s.user(&root, UAI, "parent", None, "Marc", "Dubois").await;
    for p in [pupil_a, pupil_b] {
        s.ok(&root, "EnrolPupil", json!({"pupil": p, "class": class, "since": "2026-09-01"})).await;
    }
    s.ok(&root, "LinkParent", json!({"parent": parent_a_id, "pupil": pupil_a})).await;
    s.ok(&root, "LinkParent", json!({"parent": parent_b_id, "pupil": pupil_b})).await;
    s.ok(&root, "AssignTeacher", json!({"teacher": teacher_id, "subject": subject, "class_or_group": class})).await;

    // A bad import is refused whole, naming every bad row.
    let row = |date: &str| json!({"class_or_group": class, "subject": subject, "teacher": teacher_id, "date": date, "start": "08:00:00", "end": "09:00:00", "room": "B12"});
    let mut bad = vec![row("2026-10-05"), row("2026-10-06")];
    bad[1]["end"] = json!("07:00:00");
    bad.push(json!({"class_or_group": Uuid::new_v4(), "subject": subject, "teacher": teacher_id, "date": "2026-10-07", "start": "08:00:00", "end": "09:00:00"}));
    let (status, body) = s.command(&root, "ImportTimetable", json!({"structure": UAI, "lessons": bad})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"lessons[1].end") && fields.contains(&"lessons[2].class_or_group"), "{fields:?}");
    assert!(fields.iter().all(|f| f.starts_with("lessons[1]") || f.starts_with("lessons[2]")), "{fields:?}");

    let rows: Vec<Value> = ["2026-10-05", "2026-10-06", "2026-10-07", "2026-10-08"].iter().map(|d| row(d)).collect();
    let r = s.ok(&root, "ImportTimetable", json!({"structure": UAI, "lessons": rows})).await;
    let lessons = lesson_ids(s, &root, &r).await;
    assert_eq!(lessons.len(), 4);
    School {
        root,
        class,
        subject,
        t1,
        teacher: s.login(&teacher, USER_PASSWORD).await,
        other_teacher: s.login(&other_teacher, USER_PASSWORD).await,
        cpe: s.login(&cpe, USER_PASSWORD).await,
        head: s.login(&head, USER_PASSWORD).await,
        pupil_a,
        pupil_a_login,
        pupil_b,
        parent_a: s.login(&parent_a, USER_PASSWORD).await,
        parent_b: s.login(&parent_b, USER_PASSWORD).await,
        lessons,
    }
}

fn pos(r: &Value) -> Option<u64> {
    r["position"].as_u64()
}

async fn reported(s: &TestServer, token: &str, at: Option<u64>) -> Vec<(Uuid, usize)> {
    let (status, report) = s.get(Some(token), &format!("/api/v1/vie-scolaire/{UAI}/absenteeism?month=2026-10"), at).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    report["pupils"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (Uuid::parse_str(p["pupil"].as_str().unwrap()).unwrap(), p["half_days"].as_array().unwrap().len()))
        .collect()
}

async fn absences_flow(kind: &str) {
    let s = TestServer::start(kind).await;
    let sc = school(&s).await;

    // The teacher takes the roll: A absent at all four lessons, B late on Monday.
    let mut at = None;
    for (i, lesson) in sc.lessons.iter().enumerate() {
        let mut marks = vec![json!({"pupil": sc.pupil_a, "status": "absent"})];
        marks.push(if i == 0 {
            json!({"pupil": sc.pupil_b, "status": "late", "minutes_late": 10})
        } else {
            json!({"pupil": sc.pupil_b, "status": "present"})
        });
        let (status, body) = s.command(&sc.teacher, "TakeRollCall", json!({"lesson": lesson, "marks": marks})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        at = pos(&body);
    }
    let (status, _) = s
        .command(
            &sc.other_teacher,
            "AmendRollCall",
            json!({"lesson": sc.lessons[0], "marks": [{"pupil": sc.pupil_a, "status": "present"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a teacher who does not teach the lesson cannot touch its roll call");
    let (status, _) = s
        .command(&sc.teacher, "TakeRollCall", json!({"lesson": sc.lessons[0], "marks": [{"pupil": sc.pupil_a, "status": "present"}]}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a roll call is taken once");
    let (status, body) = s
        .command(&sc.teacher, "TakeRollCall", json!({"lesson": sc.lessons[0], "marks": [{"pupil": Uuid::new_v4(), "status": "absent"}]}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // The parent is notified, once per lesson, and can mark notifications read.
    let (status, inbox) = s.get(Some(&sc.parent_a), "/api/v1/notifications", at).await;
    assert_eq!(status, StatusCode::OK, "{inbox}");
    assert_eq!(inbox["unread"], 4);
    assert_eq!(inbox["items"][0]["subject_name"], "Mathématiques", "{inbox}");
    let first = inbox["items"][0]["id"].clone();
    let r = s.ok(&sc.parent_a, "MarkNotificationsRead", json!({"notifications": [first]})).await;
    let (_, inbox) = s.get(Some(&sc.parent_a), "/api/v1/notifications", pos(&r)).await;
    assert_eq!(inbox["unread"], 3);
    let (_, other_inbox) = s.get(Some(&sc.parent_b), "/api/v1/notifications", pos(&r)).await;
    assert_eq!(other_inbox["unread"], 0, "B was late, not absent");

    // Four unjustified half-days in October: A is on the CPE's report.
    assert_eq!(reported(&s, &sc.cpe, pos(&r)).await, vec![(sc.pupil_a, 4)]);

    // A parent justifies Monday: pending counts as excused, A leaves the report.
    let (status, _) = s
        .command(
            &sc.parent_b,
            "JustifyAbsence",
            json!({"pupil": sc.pupil_a, "from": "2026-10-05T00:00:00", "to": "2026-10-05T23:59:00", "reason": "maladie"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the pupil's own parents justify");
    let r = s.ok(&sc.parent_a, "JustifyAbsence", json!({"pupil": sc.pupil_a, "from": "2026-10-05T00:00:00", "to": "2026-10-05T23:59:00", "reason": "maladie", "comment": "fièvre"})).await;
    let monday = TestServer::created_id(&r);
    assert!(reported(&s, &sc.cpe, pos(&r)).await.is_empty());
    let (_, dash) = s.get(Some(&sc.cpe), &format!("/api/v1/vie-scolaire/{UAI}/dashboard?date=2026-10-05"), pos(&r)).await;
    assert_eq!(dash["pending_justifications"][0]["justification_id"], json!(monday));
    assert_eq!(dash["absentees"][0]["pupil"], json!(sc.pupil_a));

    // The CPE refuses it: A is back on the report. Tuesday is justified and accepted: off again.
    let (status, _) = s.command(&sc.teacher, "RefuseJustification", json!({"justification": monday, "reason": "pas de certificat"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let r = s.ok(&sc.cpe, "RefuseJustification", json!({"justification": monday, "reason": "pas de certificat"})).await;
    assert_eq!(reported(&s, &sc.cpe, pos(&r)).await, vec![(sc.pupil_a, 4)]);
    let r = s
        .ok(
            &sc.parent_a,
            "JustifyAbsence",
            json!({"pupil": sc.pupil_a, "from": "2026-10-06T07:00:00", "to": "2026-10-06T12:00:00", "reason": "rendez-vous médical"}),
        )
        .await;
    let tuesday = TestServer::created_id(&r);
    let r = s.ok(&sc.cpe, "AcceptJustification", json!({"justification": tuesday})).await;
    assert!(reported(&s, &sc.cpe, pos(&r)).await.is_empty());
    let (status, _) = s.command(&sc.cpe, "AcceptJustification", json!({"justification": tuesday})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "decided once");

    // The pupil's absences with the status of each half-day.
    let (status, abs) = s.get(Some(&sc.parent_a), &format!("/api/v1/pupils/{}/absences", sc.pupil_a), pos(&r)).await;
    assert_eq!(status, StatusCode::OK, "{abs}");
    let statuses: Vec<&str> = abs["half_days"].as_array().unwrap().iter().map(|h| h["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["refused", "justified", "unjustified", "unjustified"]);
    assert_eq!(
        abs["summary"],
        json!({"missed_half_days": 4, "justified": 1, "pending": 0, "unjustified": 2, "refused": 1, "late_count": 0})
    );
    let (_, abs_b) = s.get(Some(&sc.parent_b), &format!("/api/v1/pupils/{}/absences", sc.pupil_b), pos(&r)).await;
    assert_eq!(abs_b["summary"]["late_count"], 1);
    assert_eq!(abs_b["lateness"][0]["minutes"], 10);

    // The teacher amends Thursday (A was there after all); the history stays in the log.
    let r =
        s.ok(&sc.teacher, "AmendRollCall", json!({"lesson": sc.lessons[3], "marks": [{"pupil": sc.pupil_a, "status": "present"}]})).await;
    let (_, day) = s.get(Some(&sc.teacher), &format!("/api/v1/classes/{}/absences?date=2026-10-08", sc.class), pos(&r)).await;
    assert_eq!(day["lessons"][sc.lessons[3].to_string()]["absent"], json!([]));
    let (_, history) = s.get(Some(&sc.root), &format!("/api/v1/streams/{UAI}/timetable-lesson/{}", sc.lessons[3]), None).await;
    let types: Vec<&str> = history.as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["LessonScheduled", "RollCallTaken", "RollCallAmended"]);

    // A whole day reported by phone counts two half-days.
    let r = s.ok(&sc.cpe, "RecordAbsence", json!({"pupil": sc.pupil_b, "date": "2026-10-09"})).await;
    let (_, abs_b) = s.get(Some(&sc.cpe), &format!("/api/v1/pupils/{}/absences", sc.pupil_b), pos(&r)).await;
    assert_eq!(abs_b["summary"]["missed_half_days"], 2);

    // The bulletin's absences summary over the trimester: Monday (refused), Tuesday (justified),
    // Wednesday (unjustified); Thursday was amended to present.
    let r = s
        .ok(&sc.teacher, "CreateEvaluation", json!({"class_or_group": sc.class, "subject": sc.subject, "period": sc.t1, "date": "2026-10-15", "title": "Contrôle", "coefficient": 1, "scale": 20}))
        .await;
    let evaluation = TestServer::created_id(&r);
    s.ok(&sc.teacher, "RecordGrade", json!({"evaluation": evaluation, "pupil": sc.pupil_a, "value": 12})).await;
    let r = s.ok(&sc.head, "PublishBulletins", json!({"class": sc.class, "period": sc.t1})).await;
    let (status, bulletin) = s.get(Some(&sc.parent_a), &format!("/api/v1/bulletins/{}/{}", sc.pupil_a, sc.t1), pos(&r)).await;
    assert_eq!(status, StatusCode::OK, "{bulletin}");
    assert_eq!(bulletin["absences"], json!({"half_days": 3, "justified_half_days": 1, "unjustified_half_days": 2, "lates": 0}));

    // The same state after a restart and after a full rebuild of the read model.
    let s = s.restart().await;
    let (_, before) = s.get(Some(&sc.parent_a), &format!("/api/v1/pupils/{}/absences", sc.pupil_a), pos(&r)).await;
    let (status, _) = s.post_json(Some(&sc.root), "/api/v1/admin/projections/vie_scolaire/rebuild", &json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, after) = s.get(Some(&sc.parent_a), &format!("/api/v1/pupils/{}/absences", sc.pupil_a), None).await;
    assert_eq!(before, after);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn absences_justifications_and_alerts_on_sqlite() {
    absences_flow("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn absences_justifications_and_alerts_on_postgres() {
    absences_flow("postgres").await;
}

/// A teacher's day of the timetable, and a lesson with its roll, as the teacher and the staff
/// read them; another teacher, a parent, are told they do not exist.
async fn teacher_day_flow(kind: &str) {
    let s = TestServer::start(kind).await;
    let sc = school(&s).await;
    let (_, me) = s.get(Some(&sc.teacher), "/api/v1/me", None).await;
    let teacher = me["id"].as_str().unwrap().to_string();

    let day = |date: &str| format!("/api/v1/teachers/{teacher}/lessons?date={date}");
    let (status, lessons) = s.get(Some(&sc.teacher), &day("2026-10-05"), None).await;
    assert_eq!(status, StatusCode::OK, "{lessons}");
    let lessons = lessons.as_array().unwrap();
    assert_eq!(lessons.len(), 1, "{lessons:?}");
    assert_eq!(lessons[0]["lesson_id"], json!(sc.lessons[0]));
    assert_eq!(lessons[0]["class_or_group_name"], "6A");
    assert_eq!(lessons[0]["subject_name"], "Mathématiques");
    assert_eq!(lessons[0]["room"], "B12");
    assert_eq!(lessons[0]["roll_call_taken"], false);
    let (_, none) = s.get(Some(&sc.teacher), &day("2026-10-09"), None).await;
    assert_eq!(none, json!([]));
    for (who, expected) in [
        (&sc.head, StatusCode::OK),
        (&sc.cpe, StatusCode::OK),
        (&sc.other_teacher, StatusCode::NOT_FOUND),
        (&sc.parent_a, StatusCode::NOT_FOUND),
    ] {
        assert_eq!(s.get(Some(who), &day("2026-10-05"), None).await.0, expected);
    }
    assert_eq!(s.get(Some(&sc.head), &format!("/api/v1/teachers/{}/lessons?date=x", teacher), None).await.0, StatusCode::BAD_REQUEST);

    // The roll of a lesson: its class's pupils by name, their marks once taken.
    let roll_path = format!("/api/v1/lessons/{}", sc.lessons[0]);
    let (_, roll) = s.get(Some(&sc.teacher), &roll_path, None).await;
    let names: Vec<&str> = roll["pupils"].as_array().unwrap().iter().map(|p| p["display_name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 2, "{roll}");
    assert!(names.iter().any(|n| n.contains("Martin")) && names.iter().any(|n| n.contains("Dubois")), "{names:?}");
    assert!(roll["pupils"].as_array().unwrap().iter().all(|p| p["mark"].is_null()));
    let marks = json!([{"pupil": sc.pupil_a, "status": "absent"}, {"pupil": sc.pupil_b, "status": "late", "minutes_late": 5}]);
    let r = s.ok(&sc.teacher, "TakeRollCall", json!({"lesson": sc.lessons[0], "marks": marks})).await;
    let (_, roll) = s.get(Some(&sc.teacher), &roll_path, pos(&r)).await;
    assert_eq!(roll["roll_call_taken"], true);
    let mark = |p: Uuid| roll["pupils"].as_array().unwrap().iter().find(|x| x["pupil"] == json!(p)).unwrap()["mark"].clone();
    assert_eq!(mark(sc.pupil_a)["status"], "absent");
    assert_eq!(mark(sc.pupil_b)["minutes_late"], 5);
    let (_, lessons) = s.get(Some(&sc.teacher), &day("2026-10-05"), None).await;
    assert_eq!(lessons[0]["roll_call_taken"], true);
    for (who, expected) in [(&sc.cpe, StatusCode::OK), (&sc.other_teacher, StatusCode::NOT_FOUND), (&sc.parent_a, StatusCode::NOT_FOUND)] {
        assert_eq!(s.get(Some(who), &roll_path, None).await.0, expected);
    }
    assert_eq!(s.get(Some(&sc.teacher), &format!("/api/v1/lessons/{}", Uuid::new_v4()), None).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_teachers_day_and_a_lessons_roll_on_sqlite() {
    teacher_day_flow("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_teachers_day_and_a_lessons_roll_on_postgres() {
    teacher_day_flow("postgres").await;
}

fn sanction(pupil: Uuid, kind: &str, on: &str, days: Option<u32>) -> Value {
    json!({"pupil": pupil, "kind": kind, "reason": "Insultes graves envers un camarade", "facts": "Le 9 octobre, en cour de récréation…", "days": days, "pronounced_on": on})
}

async fn discipline_flow(kind: &str) {
    let s = TestServer::start(kind).await;
    let sc = school(&s).await;

    // Any teacher gives a punishment; the parent sees it, with its content.
    let r = s.ok(&sc.teacher, "GivePunishment", json!({"pupil": sc.pupil_b, "kind": "retenue", "reason": "bavardages répétés", "date": "2026-10-05", "details": "mercredi 14h"})).await;
    let (status, record) = s.get(Some(&sc.parent_b), &format!("/api/v1/pupils/{}/discipline", sc.pupil_b), pos(&r)).await;
    assert_eq!(status, StatusCode::OK, "{record}");
    assert_eq!(record["punishments"][0]["content"]["reason"], "bavardages répétés");
    let (_, mine) = s.get(Some(&sc.teacher), &format!("/api/v1/pupils/{}/discipline", sc.pupil_b), pos(&r)).await;
    assert_eq!(mine["punishments"].as_array().unwrap().len(), 1);
    let (_, theirs) = s.get(Some(&sc.other_teacher), &format!("/api/v1/pupils/{}/discipline", sc.pupil_b), pos(&r)).await;
    assert_eq!(theirs["punishments"].as_array().unwrap().len(), 0, "teachers see only their own punishments");
    let (status, _) = s
        .command(&sc.parent_b, "GivePunishment", json!({"pupil": sc.pupil_b, "kind": "excuse", "reason": "x", "date": "2026-10-05"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Sanctions: the head only, within R511-13.
    let (status, _) = s.command(&sc.cpe, "PronounceSanction", sanction(sc.pupil_a, "blame", "2026-10-10", None)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = s.command(&sc.teacher, "PronounceSanction", sanction(sc.pupil_a, "blame", "2026-10-10", None)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) =
        s.command(&sc.head, "PronounceSanction", sanction(sc.pupil_a, "exclusion_temporaire_etablissement", "2026-10-12", Some(9))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["field"], "days");
    let (status, _) = s.command(&sc.head, "PronounceSanction", sanction(sc.pupil_a, "exclusion_definitive", "2026-10-12", None)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "exclusion définitive needs the disciplinary council");
    let mut sursis_blame = sanction(sc.pupil_a, "blame", "2026-10-10", None);
    sursis_blame["sursis"] = json!(true);
    assert_eq!(s.command(&sc.head, "PronounceSanction", sursis_blame).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    s.ok(&sc.head, "PronounceSanction", sanction(sc.pupil_a, "blame", "2026-10-10", None)).await;
    let mut excl = sanction(sc.pupil_a, "exclusion_temporaire_classe", "2026-10-12", Some(3));
    excl["sursis"] = json!(true);
    let exclusion = s.ok(&sc.head, "PronounceSanction", excl).await;
    let at = pos(&exclusion);

    let (_, record) = s.get(Some(&sc.parent_a), &format!("/api/v1/pupils/{}/discipline", sc.pupil_a), at).await;
    let sanctions = record["sanctions"].as_array().unwrap();
    assert_eq!(sanctions.len(), 2);
    assert_eq!(sanctions[0]["content"]["reason"], "Insultes graves envers un camarade");
    assert_eq!(sanctions[0]["erasure_due"], "2027-08-31");
    assert_eq!(sanctions[1]["erasure_due"], "2027-10-12");
    let (status, register) = s.get(Some(&sc.head), &format!("/api/v1/vie-scolaire/{UAI}/register"), at).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(register["sanctions"].as_array().unwrap().len(), 2);
    assert_eq!(register["punishments"].as_array().unwrap().len(), 1);

    // The event log never holds the content in clear.
    let (_, events) = s.get(Some(&sc.root), "/api/v1/events?after=0&limit=1000", None).await;
    let log = events.to_string();
    assert!(!log.contains("Insultes graves") && !log.contains("bavardages"), "personal content in clear in the log");
    let pronounced: Vec<&Value> = events.as_array().unwrap().iter().filter(|e| e["type"] == "SanctionPronounced").collect();
    assert_eq!(pronounced.len(), 2);
    let sealed_blame: ent_domain::vie_scolaire::SealedContent =
        serde_json::from_value(pronounced[0]["payload"]["content"].clone()).unwrap();
    let blame_id = pronounced[0]["payload"]["sanction_id"].as_str().unwrap().to_string();

    // The retention job on 31 August 2027 erases the blâme (end of school year), not the exclusion.
    let before = ent_commands::vie_scolaire::run_retention(&s.app.state.handler, Utc.with_ymd_and_hms(2027, 8, 30, 12, 0, 0).unwrap())
        .await
        .unwrap();
    assert!(before.erased.is_empty());
    let report =
        ent_commands::vie_scolaire::run_retention(&s.app.state.handler, Utc.with_ymd_and_hms(2027, 8, 31, 6, 0, 0).unwrap()).await.unwrap();
    assert_eq!(report.erased.len(), 1);
    assert_eq!(report.erased[0].1.to_string(), blame_id);
    let again =
        ent_commands::vie_scolaire::run_retention(&s.app.state.handler, Utc.with_ymd_and_hms(2027, 9, 1, 6, 0, 0).unwrap()).await.unwrap();
    assert!(again.erased.is_empty(), "nothing is erased twice");
    let head = s.app.state.backend.events.head().await.unwrap();

    // Gone from every read model; the key is destroyed so the log's ciphertext is unreadable.
    let (_, record) = s.get(Some(&sc.parent_a), &format!("/api/v1/pupils/{}/discipline", sc.pupil_a), Some(head)).await;
    assert_eq!(record["sanctions"].as_array().unwrap().len(), 1);
    assert_eq!(record["sanctions"][0]["kind"], "exclusion_temporaire_classe");
    let (_, register) = s.get(Some(&sc.head), &format!("/api/v1/vie-scolaire/{UAI}/register"), Some(head)).await;
    assert!(!register.to_string().contains(&blame_id));
    assert!(s.app.state.opener.open(&sealed_blame, &blame_id).await.is_none(), "erased content cannot be decrypted");
    assert!(s.app.state.backend.events.secret(&sealed_blame.key_id).await.unwrap().is_none());

    // The audit view still proves the sanction existed, without content.
    let (status, audit) = s.get(Some(&sc.root), &format!("/api/v1/vie-scolaire/{UAI}/sanctions/audit"), Some(head)).await;
    assert_eq!(status, StatusCode::OK);
    let erased = audit["sanctions"].as_array().unwrap().iter().find(|x| x["id"] == blame_id.as_str()).unwrap();
    assert_eq!(erased["kind"], "blame");
    assert_eq!(erased["erased_on"], "2027-08-31");
    assert_eq!(erased["erasure_rule"], "end_of_school_year");
    assert!(!audit.to_string().contains("content"));

    // A full rebuild brings nothing back.
    let (status, _) = s.post_json(Some(&sc.root), "/api/v1/admin/projections/vie_scolaire/rebuild", &json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, record) = s.get(Some(&sc.parent_a), &format!("/api/v1/pupils/{}/discipline", sc.pupil_a), None).await;
    assert_eq!(record["sanctions"].as_array().unwrap().len(), 1);
    assert!(!record.to_string().contains("blame\""));
    let (_, events) = s.get(Some(&sc.root), "/api/v1/events?after=0&limit=1000", None).await;
    assert!(!events.to_string().contains("Insultes graves"));
    assert!(events.as_array().unwrap().iter().any(|e| e["type"] == "SanctionErased"));

    // Erasure on a change of school, decided by the head, at any time.
    let exclusion_id = {
        let (_, rec) = s.get(Some(&sc.head), &format!("/api/v1/pupils/{}/discipline", sc.pupil_a), None).await;
        rec["sanctions"][0]["id"].as_str().unwrap().to_string()
    };
    let (status, _) =
        s.command(&sc.cpe, "EraseSanction", json!({"pupil": sc.pupil_a, "sanction": exclusion_id, "rule": "change_of_school"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) =
        s.command(&sc.head, "EraseSanction", json!({"pupil": sc.pupil_a, "sanction": exclusion_id, "rule": "one_year_after"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not due yet");
    let r = s.ok(&sc.head, "EraseSanction", json!({"pupil": sc.pupil_a, "sanction": exclusion_id, "rule": "change_of_school"})).await;
    let (_, record) = s.get(Some(&sc.parent_a), &format!("/api/v1/pupils/{}/discipline", sc.pupil_a), pos(&r)).await;
    assert!(record["sanctions"].as_array().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sanctions_and_crypto_shredding_on_sqlite() {
    discipline_flow("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sanctions_and_crypto_shredding_on_postgres() {
    discipline_flow("postgres").await;
}

/// Who may read what: every profile against every vie scolaire endpoint.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn access_matrix_over_profiles_and_endpoints() {
    let s = TestServer::start("sqlite").await;
    let sc = school(&s).await;
    let r = s.ok(&sc.teacher, "TakeRollCall", json!({"lesson": sc.lessons[0], "marks": [{"pupil": sc.pupil_a, "status": "absent"}]})).await;
    s.ok(
        &sc.teacher,
        "GivePunishment",
        json!({"pupil": sc.pupil_a, "kind": "devoir_supplementaire", "reason": "devoir non fait", "date": "2026-10-05"}),
    )
    .await;
    let r2 = s.ok(&sc.head, "PronounceSanction", sanction(sc.pupil_a, "avertissement", "2026-10-10", None)).await;
    let at = pos(&r2).max(pos(&r));
    let pupil_a = s.login(&sc.pupil_a_login, USER_PASSWORD).await;

    let endpoints = [
        ("absences", format!("/api/v1/pupils/{}/absences", sc.pupil_a)),
        ("discipline", format!("/api/v1/pupils/{}/discipline", sc.pupil_a)),
        ("class_day", format!("/api/v1/classes/{}/absences?date=2026-10-05", sc.class)),
        ("dashboard", format!("/api/v1/vie-scolaire/{UAI}/dashboard?date=2026-10-05")),
        ("absenteeism", format!("/api/v1/vie-scolaire/{UAI}/absenteeism?month=2026-10")),
        ("register", format!("/api/v1/vie-scolaire/{UAI}/register")),
        ("audit", format!("/api/v1/vie-scolaire/{UAI}/sanctions/audit")),
    ];
    // 200 or 404 per (profile, endpoint), in the order above: what a caller may not read is not
    // found for them (docs/domain.md, "Reading").
    let matrix: [(&str, &str, [u16; 7]); 8] = [
        ("parent of A", &sc.parent_a, [200, 200, 404, 404, 404, 404, 404]),
        ("parent of B", &sc.parent_b, [404, 404, 404, 404, 404, 404, 404]),
        ("pupil A", &pupil_a, [200, 200, 404, 404, 404, 404, 404]),
        ("teacher of 6A", &sc.teacher, [200, 200, 200, 404, 404, 404, 404]),
        ("other teacher", &sc.other_teacher, [404, 200, 404, 404, 404, 404, 404]),
        ("CPE", &sc.cpe, [200, 200, 200, 200, 200, 200, 404]),
        ("head", &sc.head, [200, 200, 200, 200, 200, 200, 404]),
        ("platform admin", &sc.root, [200, 404, 200, 404, 404, 404, 200]),
    ];
    for (who, token, expected) in matrix {
        for ((name, path), want) in endpoints.iter().zip(expected) {
            let (status, body) = s.get(Some(token), path, at).await;
            assert_eq!(status.as_u16(), want, "{who} → {name}: {body}");
        }
    }
    // What the other teacher sees of the record: nothing of what others gave, no sanctions.
    let (_, rec) = s.get(Some(&sc.other_teacher), &format!("/api/v1/pupils/{}/discipline", sc.pupil_a), at).await;
    assert_eq!(rec, json!({"punishments": [], "sanctions": []}));
    // The teacher sees their punishment but not the sanction.
    let (_, rec) = s.get(Some(&sc.teacher), &format!("/api/v1/pupils/{}/discipline", sc.pupil_a), at).await;
    assert_eq!((rec["punishments"].as_array().unwrap().len(), rec["sanctions"].as_array().unwrap().len()), (1, 0));
}
