//! End-to-end: reads are authorized against the structure of the resource read, and a resource
//! the caller may not read answers exactly like an unknown id (404, same problem body), so ids
//! cannot be probed (docs/domain.md, "Reading: who may, and what a refusal says"). Two schools:
//! the people of the second probe the first's ids and random ids and get identical answers;
//! the rightful readers still get 200.

use ent_tests::school::School;
use ent_tests::server::TestServer;
use reqwest::StatusCode;
use uuid::Uuid;

const OTHER_UAI: &str = "0931234B";
const UNKNOWN_UAI: &str = "0999999Z";

/// One read of school A's data: the path with A's ids, the same path with unknown ids, and who
/// rightfully reads it.
struct Case<'a> {
    foreign: String,
    unknown: String,
    rightful: &'a str,
}

fn case<'a>(foreign: String, unknown: String, rightful: &'a str) -> Case<'a> {
    Case { foreign, unknown, rightful }
}

async fn foreign_and_unknown_ids_answer_alike(kind: &str) {
    let s = TestServer::start(kind).await;
    let a = School::create(&s).await;
    let b = School::create_in(&s, OTHER_UAI, "Collège Victor Hugo").await;

    // School A's data in every service.
    let activity = a.activity(&s).await;
    let (evaluation, entry, at) = (activity.evaluation, activity.entry, Some(activity.position));

    let u = Uuid::new_v4();
    let (pupil, class, t1) = (a.pupil_a1, a.class_a, a.t1);
    let cases = [
        case(format!("/api/v1/structures/{}", a.uai), format!("/api/v1/structures/{UNKNOWN_UAI}"), &a.pupil_a1_token),
        case(format!("/api/v1/classes/{class}/roster"), format!("/api/v1/classes/{u}/roster"), &a.teacher),
        case(format!("/api/v1/users/{pupil}"), format!("/api/v1/users/{u}"), &a.parent),
        case(format!("/api/v1/bulletins/{pupil}/{t1}"), format!("/api/v1/bulletins/{u}/{t1}"), &a.parent),
        case(format!("/api/v1/bulletins/{pupil}/{t1}"), format!("/api/v1/bulletins/{pupil}/{u}"), &a.parent),
        case(format!("/api/v1/grades/{evaluation}/{pupil}/history"), format!("/api/v1/grades/{u}/{pupil}/history"), &a.parent),
        case(format!("/api/v1/classes/{class}/grades?period={t1}"), format!("/api/v1/classes/{u}/grades?period={t1}"), &a.teacher),
        case(format!("/api/v1/pupils/{pupil}/grades?period={t1}"), format!("/api/v1/pupils/{u}/grades?period={t1}"), &a.parent),
        case(format!("/api/v1/cahier/{class}/{}", a.maths), format!("/api/v1/cahier/{u}/{}", a.maths), &a.pupil_a1_token),
        case(format!("/api/v1/cahier/entries/{entry}/history"), format!("/api/v1/cahier/entries/{u}/history"), &a.parent),
        case(format!("/api/v1/pupils/{pupil}/homework"), format!("/api/v1/pupils/{u}/homework"), &a.parent),
        case(format!("/api/v1/teachers/{}/cahier", a.teacher_id), format!("/api/v1/teachers/{u}/cahier"), &a.head),
        case(format!("/api/v1/booklets/{pupil}"), format!("/api/v1/booklets/{u}"), &a.parent),
        case(format!("/api/v1/booklets/{pupil}.json"), format!("/api/v1/booklets/{u}.json"), &a.parent),
        case(
            format!("/api/v1/classes/{class}/competencies?framework=socle"),
            format!("/api/v1/classes/{u}/competencies?framework=socle"),
            &a.teacher,
        ),
        case(format!("/api/v1/pupils/{pupil}/absences"), format!("/api/v1/pupils/{u}/absences"), &a.parent),
        case(format!("/api/v1/pupils/{pupil}/discipline"), format!("/api/v1/pupils/{u}/discipline"), &a.parent),
        case(
            format!("/api/v1/classes/{class}/absences?date=2026-10-05"),
            format!("/api/v1/classes/{u}/absences?date=2026-10-05"),
            &a.teacher,
        ),
        case(
            format!("/api/v1/vie-scolaire/{}/dashboard?date=2026-10-05", a.uai),
            format!("/api/v1/vie-scolaire/{UNKNOWN_UAI}/dashboard?date=2026-10-05"),
            &a.head,
        ),
        case(
            format!("/api/v1/vie-scolaire/{}/absenteeism?month=2026-10", a.uai),
            format!("/api/v1/vie-scolaire/{UNKNOWN_UAI}/absenteeism?month=2026-10"),
            &a.head,
        ),
        case(format!("/api/v1/vie-scolaire/{}/register", a.uai), format!("/api/v1/vie-scolaire/{UNKNOWN_UAI}/register"), &a.head),
        case(
            format!("/api/v1/vie-scolaire/{}/sanctions/audit", a.uai),
            format!("/api/v1/vie-scolaire/{UNKNOWN_UAI}/sanctions/audit"),
            &a.root,
        ),
        case(format!("/api/v1/indicators/structures/{}", a.uai), format!("/api/v1/indicators/structures/{UNKNOWN_UAI}"), &a.head),
    ];
    let probers = [("B's head", &b.head), ("B's teacher", &b.teacher), ("B's parent", &b.parent), ("B's pupil", &b.pupil_a1_token)];
    for c in &cases {
        let (status, body) = s.get(Some(c.rightful), &c.foreign, at).await;
        assert_eq!(status, StatusCode::OK, "rightful reader of {}: {body}", c.foreign);
        for (who, token) in probers {
            let foreign = s.get(Some(token), &c.foreign, at).await;
            let unknown = s.get(Some(token), &c.unknown, at).await;
            assert_eq!(foreign.0, StatusCode::NOT_FOUND, "{who} → {}: {}", c.foreign, foreign.1);
            assert_eq!(foreign, unknown, "{who}: {} and {} must answer alike", c.foreign, c.unknown);
        }
    }

    // A's own period is unknown in B: B's head reading B's class with it, or with a random
    // period, gets the same answer; with B's period, 200.
    let own = format!("/api/v1/classes/{}/grades?period={}", b.class_a, b.t1);
    assert_eq!(s.get(Some(&b.head), &own, at).await.0, StatusCode::OK);
    let foreign = s.get(Some(&b.head), &format!("/api/v1/classes/{}/grades?period={}", b.class_a, a.t1), at).await;
    let unknown = s.get(Some(&b.head), &format!("/api/v1/classes/{}/grades?period={u}", b.class_a), at).await;
    assert_eq!(foreign.0, StatusCode::NOT_FOUND, "{}", foreign.1);
    assert_eq!(foreign, unknown);

    // Inside one structure too: a parent reading another family's pupil learns nothing more.
    for path in ["absences", "discipline", "homework"] {
        let other = s.get(Some(&a.parent), &format!("/api/v1/pupils/{}/{path}", a.pupil_a2), at).await;
        let unknown = s.get(Some(&a.parent), &format!("/api/v1/pupils/{u}/{path}"), at).await;
        assert_eq!(other.0, StatusCode::NOT_FOUND, "{path}: {}", other.1);
        assert_eq!(other, unknown, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn foreign_and_unknown_ids_answer_alike_on_sqlite() {
    foreign_and_unknown_ids_answer_alike("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn foreign_and_unknown_ids_answer_alike_on_postgres() {
    foreign_and_unknown_ids_answer_alike("postgres").await;
}
