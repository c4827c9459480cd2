//! `ent demo`: a small, populated collège, created once, so that a newcomer sees real data.

use ent_commands::directory::bootstrap_admin;
use ent_commands::envelope::ParsedCommand;
use ent_commands::{Command, CommandError, CommandHandler};
use ent_domain::Actor;
use ent_domain::directory::commands::*;
use ent_domain::directory::{Level, PeriodKind, Profile, Role, StructureKind};
use uuid::Uuid;

/// The UAI of the demo collège.
pub const DEMO_UAI: &str = "0750680G";
/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "ent-demo-2026";

/// One demo account to show on the console.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub who: String,
    pub login: String,
}

/// What the demo contains.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub created: bool,
    pub logins: Vec<DemoLogin>,
}

struct Seeder<'a> {
    handler: &'a CommandHandler,
    actor: Actor,
}

impl Seeder<'_> {
    async fn run(&self, command: Command) -> Result<ent_commands::AppendResult, CommandError> {
        let parsed = ParsedCommand { command_id: Uuid::now_v7(), expected_version: None, command };
        Ok(self.handler.execute(&self.actor, parsed, None).await?.result)
    }

    async fn id_of(&self, command: Command) -> Result<Uuid, CommandError> {
        let result = self.run(command).await?;
        let id = result.stream.rsplit('/').next().and_then(|s| Uuid::parse_str(s).ok());
        id.ok_or_else(|| CommandError::Rule(format!("no id in stream {}", result.stream)))
    }

    /// Creates a class/group/subject and returns its id (read back from the structure events).
    async fn entity(&self, command: Command, id_field: &str) -> Result<Uuid, CommandError> {
        let result = self.run(command).await?;
        let events = self.handler.store().read_stream(&result.stream).await?;
        events
            .iter()
            .rev()
            .find_map(|e| e.payload.get(id_field).and_then(|v| v.as_str()).and_then(|s| Uuid::parse_str(s).ok()))
            .ok_or_else(|| CommandError::Rule(format!("no {id_field} appended")))
    }

    async fn user(&self, profile: Profile, role: Option<Role>, first: &str, last: &str) -> Result<(Uuid, String), CommandError> {
        let id = self
            .id_of(Command::CreateUser(CreateUser {
                user_id: None,
                structure: DEMO_UAI.into(),
                profile,
                role,
                first_name: first.into(),
                last_name: last.into(),
                login: None,
                password: Some(DEMO_PASSWORD.into()),
            }))
            .await?;
        let card = ent_commands::actors::load_actor(self.handler.store(), id).await?;
        let login = card.and_then(|a| a.user().map(|u| u.login.clone())).unwrap_or_default();
        Ok((id, login))
    }
}

const PUPILS: [(&str, &str); 18] = [
    ("Léa", "Martin"),
    ("Hugo", "Bernard"),
    ("Chloé", "Dubois"),
    ("Lucas", "Thomas"),
    ("Manon", "Robert"),
    ("Nathan", "Richard"),
    ("Inès", "Petit"),
    ("Louis", "Durand"),
    ("Jade", "Leroy"),
    ("Gabriel", "Moreau"),
    ("Emma", "Simon"),
    ("Raphaël", "Laurent"),
    ("Zoé", "Lefèvre"),
    ("Adam", "Michel"),
    ("Camille", "Garcia"),
    ("Arthur", "David"),
    ("Sarah", "Bertrand"),
    ("Noah", "Roux"),
];

/// Creates the demo collège unless it exists; returns the accounts to show.
pub async fn seed(handler: &CommandHandler) -> Result<DemoSummary, CommandError> {
    let admin_exists = handler.store().stream_version("platform/login/admin").await?.is_some();
    if !admin_exists {
        bootstrap_admin(handler, "admin", DEMO_PASSWORD).await?;
    }
    let mut logins = vec![DemoLogin { who: "platform administrator".into(), login: "admin".into() }];
    let exists = handler.store().stream_version(&format!("{DEMO_UAI}/structure/{DEMO_UAI}")).await?.is_some();
    let s = Seeder { handler, actor: Actor::System };
    if exists {
        logins.extend(known_logins());
        return Ok(DemoSummary { created: false, logins });
    }
    s.run(Command::CreateStructure(CreateStructure {
        uai: DEMO_UAI.into(),
        name: "Collège Victor Hugo".into(),
        kind: StructureKind::College,
    }))
    .await?;
    s.run(Command::DefinePeriods(DefinePeriods {
        structure: DEMO_UAI.into(),
        school_year: "2026-2027".into(),
        kind: PeriodKind::Trimestres,
        bounds: [("2026-09-01", "2026-11-30"), ("2026-12-01", "2027-03-06"), ("2027-03-07", "2027-07-04")]
            .iter()
            .filter_map(|(a, b)| Some(PeriodBounds { start: a.parse().ok()?, end: b.parse().ok()? }))
            .collect(),
    }))
    .await?;
    let mut subjects = Vec::new();
    for (code, name) in [("MATHS", "Mathématiques"), ("FRANCAIS", "Français"), ("ANGLAIS", "Anglais"), ("HG", "Histoire-géographie")] {
        let id = s
            .entity(
                Command::CreateSubject(CreateSubject {
                    subject_id: None,
                    structure: DEMO_UAI.into(),
                    code: code.into(),
                    name: name.into(),
                }),
                "subject_id",
            )
            .await?;
        subjects.push(id);
    }
    let mut classes = Vec::new();
    for (code, level) in [("6A", Level::Sixieme), ("6B", Level::Sixieme), ("5A", Level::Cinquieme)] {
        classes.push(
            s.entity(
                Command::CreateClass(CreateClass { class_id: None, structure: DEMO_UAI.into(), code: code.into(), level }),
                "class_id",
            )
            .await?,
        );
    }
    let (principal_id, principal) = s.user(Profile::Personnel, Some(Role::Direction), "Claire", "Moreau").await?;
    let (_, cpe) = s.user(Profile::Personnel, Some(Role::Cpe), "Karim", "Benali").await?;
    let (maths_teacher, maths_login) = s.user(Profile::Enseignant, None, "Sophie", "Bernard").await?;
    let (french_teacher, french_login) = s.user(Profile::Enseignant, None, "Julien", "Petit").await?;
    for class in &classes {
        s.run(Command::AssignTeacher(AssignTeacher { teacher: maths_teacher, subject: subjects[0], class_or_group: *class })).await?;
        s.run(Command::AssignTeacher(AssignTeacher { teacher: french_teacher, subject: subjects[1], class_or_group: *class })).await?;
    }
    let mut first_pupil = String::new();
    let mut first_parent = String::new();
    let mut class_6a = Vec::new();
    for (i, (first, last)) in PUPILS.iter().enumerate() {
        let (pupil, pupil_login) = s.user(Profile::Eleve, None, first, last).await?;
        if i % classes.len() == 0 {
            class_6a.push(pupil);
        }
        s.run(Command::EnrolPupil(EnrolPupil { pupil, class: classes[i % classes.len()], since: "2026-09-01".parse().ok() })).await?;
        let (parent, parent_login) = s.user(Profile::Parent, None, "Parent", last).await?;
        s.run(Command::LinkParent(LinkParent { parent, pupil })).await?;
        if i == 0 {
            first_pupil = pupil_login;
            first_parent = parent_login;
        }
    }
    s.run(Command::CreateRectoratUser(CreateRectoratUser {
        user_id: None,
        first_name: "Inès".into(),
        last_name: "Garnier".into(),
        login: Some("rectorat".into()),
        password: Some(DEMO_PASSWORD.into()),
        inspector: false,
        discipline: None,
    }))
    .await?;
    s.run(Command::CreateRectoratUser(CreateRectoratUser {
        user_id: None,
        first_name: "Paul".into(),
        last_name: "Meyer".into(),
        login: Some("inspecteur".into()),
        password: Some(DEMO_PASSWORD.into()),
        inspector: true,
        discipline: Some("mathématiques".into()),
    }))
    .await?;
    school_life(&s, maths_teacher, principal_id, classes[0], subjects[0], &class_6a).await?;
    logins.extend([
        DemoLogin { who: "head of school (direction)".into(), login: principal },
        DemoLogin { who: "CPE (vie scolaire)".into(), login: cpe },
        DemoLogin { who: "maths teacher".into(), login: maths_login },
        DemoLogin { who: "French teacher".into(), login: french_login },
        DemoLogin { who: "pupil (6A)".into(), login: first_pupil },
        DemoLogin { who: "parent of that pupil".into(), login: first_parent },
        DemoLogin { who: "rectorat (académie usage indicators)".into(), login: "rectorat".into() },
        DemoLogin { who: "inspector (reads and visas the cahiers de textes)".into(), login: "inspecteur".into() },
    ]);
    Ok(DemoSummary { created: true, logins })
}

/// A few weeks of school life in 6A: two maths evaluations graded and the trimester's bulletins
/// published, a lesson log and homework, one lesson with a roll call (Léa absent: her parent is
/// notified), so that every service has something to show.
async fn school_life(s: &Seeder<'_>, teacher: Uuid, head: Uuid, class: Uuid, maths: Uuid, pupils: &[Uuid]) -> Result<(), CommandError> {
    let as_user = |id: Uuid| async move {
        ent_commands::actors::load_actor(s.handler.store(), id).await?.ok_or_else(|| CommandError::NotFound("demo user".into()))
    };
    let teacher_actor = as_user(teacher).await?;
    let head_actor = as_user(head).await?;
    let t1 = ent_domain::directory::structure::period_id(DEMO_UAI, "2026-2027", 0);
    let json = |actor: &Actor, command_type: &'static str, payload: serde_json::Value| {
        let actor = actor.clone();
        async move {
            let parsed =
                ParsedCommand { command_id: Uuid::now_v7(), expected_version: None, command: Command::parse(command_type, payload)? };
            Ok::<_, CommandError>(s.handler.execute(&actor, parsed, None).await?.result)
        }
    };
    let evaluations = [("Fractions", "2026-10-07", 1, 20), ("Géométrie : les angles", "2026-11-04", 2, 10)];
    for (n, (title, date, coefficient, scale)) in evaluations.iter().enumerate() {
        let r = json(
            &teacher_actor,
            "CreateEvaluation",
            serde_json::json!({
                "class_or_group": class, "subject": maths, "period": t1, "date": date, "title": title,
                "coefficient": coefficient, "scale": scale,
            }),
        )
        .await?;
        let evaluation = r.stream.rsplit('/').next().and_then(|id| Uuid::parse_str(id).ok());
        let grades: Vec<serde_json::Value> = pupils
            .iter()
            .enumerate()
            .map(|(i, p)| match (i + n) % 7 {
                6 => serde_json::json!({"pupil": p, "status": "Abs"}),
                k => serde_json::json!({"pupil": p, "value": (f64::from(*scale) * (0.45 + 0.08 * k as f64) * 4.0).round() / 4.0}),
            })
            .collect();
        json(&teacher_actor, "RecordGrades", serde_json::json!({"evaluation": evaluation, "grades": grades})).await?;
    }
    if let Some(first) = pupils.first() {
        json(
            &teacher_actor,
            "SetSubjectAppreciation",
            serde_json::json!({
                "pupil": first, "period": t1, "subject": maths, "text": "Bon trimestre, travail régulier.",
            }),
        )
        .await?;
    }
    json(&head_actor, "PublishBulletins", serde_json::json!({"class": class, "period": t1})).await?;
    json(
        &teacher_actor,
        "LogLesson",
        serde_json::json!({
            "class_or_group": class, "subject": maths, "date": "2026-11-23", "start": "08:00:00", "end": "09:00:00",
            "title": "Les fractions décimales", "content": "Écriture décimale, comparaison, exercices 4 à 9 p. 52.",
        }),
    )
    .await?;
    json(
        &teacher_actor,
        "AssignHomework",
        serde_json::json!({
            "class_or_group": class, "subject": maths, "given_on": "2026-11-23", "due_on": "2026-11-30",
            "description": "Exercices 10 et 11 p. 53", "estimated_minutes": 30,
        }),
    )
    .await?;
    let lesson = s
        .run(Command::parse(
            "ScheduleLesson",
            serde_json::json!({
                "class_or_group": class, "subject": maths, "teacher": teacher, "date": "2026-11-23",
                "start": "08:00:00", "end": "09:00:00", "room": "B12",
            }),
        )?)
        .await?;
    let lesson = lesson.stream.rsplit('/').next().and_then(|id| Uuid::parse_str(id).ok());
    let marks: Vec<serde_json::Value> = pupils
        .iter()
        .enumerate()
        .map(|(i, p)| serde_json::json!({"pupil": p, "status": if i == 0 { "absent" } else { "present" }}))
        .collect();
    json(&teacher_actor, "TakeRollCall", serde_json::json!({"lesson": lesson, "marks": marks})).await?;
    Ok(())
}

fn known_logins() -> Vec<DemoLogin> {
    [
        ("head of school (direction)", "claire.moreau"),
        ("CPE (vie scolaire)", "karim.benali"),
        ("maths teacher", "sophie.bernard"),
        ("French teacher", "julien.petit"),
        ("pupil (6A)", "lea.martin"),
        ("parent of that pupil", "parent.martin"),
        ("rectorat (académie usage indicators)", "rectorat"),
    ]
    .iter()
    .map(|(who, login)| DemoLogin { who: who.to_string(), login: login.to_string() })
    .collect()
}
