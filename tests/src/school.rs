//! A small collège for the pedagogy end-to-end tests: two classes, two subjects, trimestres,
//! a head, a maths teacher of 6A, three pupils and a parent.

use serde_json::{Value, json};
use uuid::Uuid;

use crate::server::TestServer;

pub const UAI: &str = "0751234A";

/// Ids and tokens of the school's people and things.
pub struct School {
    pub uai: String,
    pub root: String,
    pub class_a: Uuid,
    pub class_b: Uuid,
    pub group: Uuid,
    pub maths: Uuid,
    pub french: Uuid,
    pub t1: Uuid,
    pub t2: Uuid,
    pub head: String,
    pub teacher_id: Uuid,
    pub teacher: String,
    pub pupil_a1: Uuid,
    pub pupil_a2: Uuid,
    pub pupil_b1: Uuid,
    pub pupil_a1_token: String,
    pub parent_id: Uuid,
    pub parent: String,
    pub last_position: u64,
}

impl School {
    /// Creates the school through the API.
    pub async fn create(s: &TestServer) -> School {
        Self::create_in(s, UAI, "Collège Jean Moulin").await
    }

    /// Creates the same school under another UAI and name (its people get logins of their own).
    pub async fn create_in(s: &TestServer, uai: &str, name: &str) -> School {
        let root = s.root().await;
        s.ok(&root, "CreateStructure", json!({"uai": uai, "name": name, "kind": "college"})).await;
        let r = s.ok(&root, "CreateClass", json!({"structure": uai, "code": "6A", "level": "6e"})).await;
        let class_a = s.entity_id(&root, &r, "class_id").await;
        let r = s.ok(&root, "CreateClass", json!({"structure": uai, "code": "6B", "level": "6e"})).await;
        let class_b = s.entity_id(&root, &r, "class_id").await;
        let r = s.ok(&root, "CreateSubject", json!({"structure": uai, "code": "MATHS", "name": "Mathématiques"})).await;
        let maths = s.entity_id(&root, &r, "subject_id").await;
        let r = s.ok(&root, "CreateSubject", json!({"structure": uai, "code": "FRANCAIS", "name": "Français"})).await;
        let french = s.entity_id(&root, &r, "subject_id").await;
        let r = s
            .ok(&root, "DefinePeriods", json!({"structure": uai, "school_year": "2026-2027", "kind": "trimestres", "bounds": [
                {"start": "2026-09-01", "end": "2026-11-30"}, {"start": "2026-12-01", "end": "2027-02-28"}, {"start": "2027-03-01", "end": "2027-07-04"}]}))
            .await;
        let periods = period_ids(s, &root, &r).await;
        let (_, head_login, _) = s.user(&root, uai, "personnel", Some("direction"), "Claire", "Proviseur").await;
        let (teacher_id, teacher_login, _) = s.user(&root, uai, "enseignant", None, "Sophie", "Bernard").await;
        let (pupil_a1, a1_login, _) = s.user(&root, uai, "eleve", None, "Léa", "Martin").await;
        let (pupil_a2, _, _) = s.user(&root, uai, "eleve", None, "Hugo", "Dubois").await;
        let (pupil_b1, _, _) = s.user(&root, uai, "eleve", None, "Inès", "Petit").await;
        let (parent, parent_login, _) = s.user(&root, uai, "parent", None, "Anne", "Martin").await;
        for (pupil, class) in [(pupil_a1, class_a), (pupil_a2, class_a), (pupil_b1, class_b)] {
            s.ok(&root, "EnrolPupil", json!({"pupil": pupil, "class": class, "since": "2026-09-01"})).await;
        }
        s.ok(&root, "LinkParent", json!({"parent": parent, "pupil": pupil_a1})).await;
        let r =
            s.ok(&root, "CreateGroup", json!({"structure": uai, "code": "LATIN", "name": "Latin", "members": [pupil_a1, pupil_b1]})).await;
        let group = s.entity_id(&root, &r, "group_id").await;
        s.ok(&root, "AssignTeacher", json!({"teacher": teacher_id, "subject": maths, "class_or_group": class_a})).await;
        let r = s.ok(&root, "AssignTeacher", json!({"teacher": teacher_id, "subject": french, "class_or_group": group})).await;
        School {
            uai: uai.to_string(),
            class_a,
            class_b,
            group,
            maths,
            french,
            t1: periods[0],
            t2: periods[1],
            head: s.login_user(&head_login).await,
            teacher_id,
            teacher: s.login_user(&teacher_login).await,
            pupil_a1,
            pupil_a2,
            pupil_b1,
            pupil_a1_token: s.login_user(&a1_login).await,
            parent_id: parent,
            parent: s.login_user(&parent_login).await,
            last_position: r["position"].as_u64().expect("position"),
            root,
        }
    }
}

/// What [`School::activity`] created: one thing of every service.
pub struct Activity {
    pub evaluation: Uuid,
    /// A lesson entry of the cahier de textes.
    pub entry: Uuid,
    /// A timetable lesson whose roll call marked pupil A1 absent.
    pub lesson: Uuid,
    /// The position of the last command.
    pub position: u64,
}

impl School {
    /// A day of school life in every service: a graded evaluation and published bulletins of
    /// 6A for T1, a logged lesson and homework, a roll call with A1 absent, a competency
    /// positioned, a punishment.
    pub async fn activity(&self, s: &TestServer) -> Activity {
        let r = s
            .ok(
                &self.teacher,
                "CreateEvaluation",
                json!({"class_or_group": self.class_a, "subject": self.maths, "period": self.t1, "date": "2026-10-05", "title": "Fractions"}),
            )
            .await;
        let evaluation = TestServer::created_id(&r);
        s.ok(&self.teacher, "RecordGrades", json!({"evaluation": evaluation, "grades": [{"pupil": self.pupil_a1, "value": 12}]})).await;
        s.ok(&self.head, "PublishBulletins", json!({"class": self.class_a, "period": self.t1})).await;
        let r = s
            .ok(&self.teacher, "LogLesson", json!({"class_or_group": self.class_a, "subject": self.maths, "date": "2026-10-05", "start": "08:00", "end": "09:00", "title": "Fractions", "content": "x"}))
            .await;
        let entry = TestServer::created_id(&r);
        s.ok(&self.teacher, "AssignHomework", json!({"class_or_group": self.class_a, "subject": self.maths, "given_on": "2026-10-05", "due_on": "2026-10-08", "description": "Exercices"}))
            .await;
        let row = json!({"class_or_group": self.class_a, "subject": self.maths, "teacher": self.teacher_id, "date": "2026-10-05", "start": "08:00:00", "end": "09:00:00"});
        let r = s.ok(&self.root, "ImportTimetable", json!({"structure": self.uai, "lessons": [row]})).await;
        let lesson = lesson_ids(s, &self.root, &r).await[0];
        s.ok(&self.teacher, "TakeRollCall", json!({"lesson": lesson, "marks": [{"pupil": self.pupil_a1, "status": "absent"}]})).await;
        s.ok(
            &self.teacher,
            "PositionCompetency",
            json!({"pupil": self.pupil_a1, "framework": "socle", "item": "D1.3", "level": 3, "period": self.t1}),
        )
        .await;
        let r = s
            .ok(
                &self.teacher,
                "GivePunishment",
                json!({"pupil": self.pupil_a1, "kind": "retenue", "reason": "bavardages", "date": "2026-10-05"}),
            )
            .await;
        Activity { evaluation, entry, lesson, position: r["position"].as_u64().expect("position") }
    }
}

async fn lesson_ids(s: &TestServer, root: &str, result: &Value) -> Vec<Uuid> {
    let after = result["position"].as_u64().expect("position") - 1;
    let (_, events) = s.get(Some(root), &format!("/api/v1/events?after={after}&limit=10"), None).await;
    events
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["payload"]["lesson_id"].as_str())
        .filter_map(|id| Uuid::parse_str(id).ok())
        .collect()
}

async fn period_ids(s: &TestServer, root: &str, result: &Value) -> Vec<Uuid> {
    let after = result["position"].as_u64().expect("position") - 1;
    let (_, events) = s.get(Some(root), &format!("/api/v1/events?after={after}&limit=1"), None).await;
    events[0]["payload"]["periods"]
        .as_array()
        .expect("periods")
        .iter()
        .map(|p| Uuid::parse_str(p["period_id"].as_str().expect("id")).expect("uuid"))
        .collect()
}
