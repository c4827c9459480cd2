//! `ent demo`: a small, populated collège, created once, so that a newcomer sees real data:
//! three classes (6A, 6B, 5A) of six pupils with their parents, four subjects each taught by its
//! teacher, two graded evaluations per subject and class in the first trimestre, every subject
//! and council appreciation written and the trimestre's bulletins published; in 6A a lesson
//! log, homework and a roll call (one absence, its parent notified); the week of 7 December in
//! 6A's timetable and three school events (`agenda.rs`); rooms, closed days and bookings
//! (`reservations.rs`); a teacher's workspace with a file shared with 6A (`espace.rs`); a
//! forum, a class blog and news (`communication.rs`).

// Forums, blogs, news (actualités).
mod communication;
// agenda
mod agenda;

// ressources
mod ressources;
use ent_commands::directory::bootstrap_admin;
use ent_commands::envelope::ParsedCommand;
use ent_commands::{Command, CommandError, CommandHandler};
use ent_domain::Actor;
use ent_domain::directory::commands::*;
use ent_domain::directory::{Level, PeriodKind, Profile, Role, StructureKind};
use ent_domain::notes::Mention;
use serde_json::json;
use uuid::Uuid;

// Espace de travail.
pub mod espace;
// Réservations.
mod reservations;
// Chat and visio.
mod chat;

/// The UAI of the demo collège.
// Communication rules and messagerie.
mod messagerie;

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

    /// Runs a command given as JSON, as `actor` (a user acting in the school).
    async fn as_user(
        &self,
        actor: &Actor,
        command_type: &str,
        payload: serde_json::Value,
    ) -> Result<ent_commands::AppendResult, CommandError> {
        let parsed = ParsedCommand { command_id: Uuid::now_v7(), expected_version: None, command: Command::parse(command_type, payload)? };
        Ok(self.handler.execute(actor, parsed, None).await?.result)
    }

    /// A user as an actor, with the assignments they have now.
    async fn actor(&self, id: Uuid) -> Result<Actor, CommandError> {
        ent_commands::actors::load_actor(self.handler.store(), id).await?.ok_or_else(|| CommandError::NotFound("demo user".into()))
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

/// A subject of the demo: its code and name, its teacher, its coefficient in the general
/// average, the focus of its appreciations, and its two evaluations of the first trimestre in
/// 6e and in 5e (title, date, coefficient, scale).
struct DemoSubject {
    code: &'static str,
    name: &'static str,
    teacher: (&'static str, &'static str),
    /// Who the teacher is, on the console.
    teacher_role: &'static str,
    coefficient: f64,
    focus: &'static str,
    sixieme: [Evaluation; 2],
    cinquieme: [Evaluation; 2],
}

type Evaluation = (&'static str, &'static str, f64, u32);

const SUBJECTS: [DemoSubject; 4] = [
    DemoSubject {
        code: "MATHS",
        name: "Mathématiques",
        teacher: ("Sophie", "Bernard"),
        teacher_role: "maths teacher",
        coefficient: 4.0,
        focus: "le calcul et la rédaction des solutions",
        sixieme: [("Fractions", "2026-10-07", 1.0, 20), ("Géométrie : les angles", "2026-11-04", 2.0, 10)],
        cinquieme: [("Nombres relatifs", "2026-10-06", 1.0, 20), ("Symétrie centrale", "2026-11-03", 2.0, 20)],
    },
    DemoSubject {
        code: "FRANCAIS",
        name: "Français",
        teacher: ("Julien", "Petit"),
        teacher_role: "French teacher",
        coefficient: 4.0,
        focus: "l’orthographe et l’expression écrite",
        sixieme: [("Dictée et conjugaison", "2026-09-29", 1.0, 20), ("Rédaction : un récit d’aventure", "2026-11-10", 2.0, 20)],
        cinquieme: [("Dictée et accords", "2026-09-30", 1.0, 20), ("Lecture : le Roman de Renart", "2026-11-12", 2.0, 20)],
    },
    DemoSubject {
        code: "ANGLAIS",
        name: "Anglais",
        teacher: ("Anne", "Lambert"),
        teacher_role: "English teacher",
        coefficient: 3.0,
        focus: "la prise de parole à l’oral",
        sixieme: [("Vocabulary: my family", "2026-10-01", 1.0, 20), ("Oral : se présenter", "2026-11-17", 1.0, 10)],
        cinquieme: [("Past simple", "2026-10-02", 1.0, 20), ("Oral : raconter ses vacances", "2026-11-18", 1.0, 10)],
    },
    DemoSubject {
        code: "HG",
        name: "Histoire-géographie",
        teacher: ("Marc", "Fontaine"),
        teacher_role: "history-geography teacher",
        coefficient: 3.0,
        focus: "la maîtrise des repères et du vocabulaire",
        sixieme: [("L’Orient ancien", "2026-10-14", 1.0, 20), ("Croquis : habiter une métropole", "2026-11-24", 2.0, 20)],
        cinquieme: [("L’Empire byzantin", "2026-10-13", 1.0, 20), ("La question démographique", "2026-11-25", 2.0, 20)],
    },
];

const CLASSES: [(&str, Level); 3] = [("6A", Level::Sixieme), ("6B", Level::Sixieme), ("5A", Level::Cinquieme)];

/// A pupil's level, as a fraction of the scale (Léa Martin, the first, is a good pupil).
fn level(pupil: usize) -> f64 {
    0.42 + ((pupil * 37 + 11) % 19) as f64 * 0.027
}

/// How much better or worse than their level a pupil does in a subject.
fn leaning(pupil: usize, subject: usize) -> f64 {
    ((pupil + 3 * subject) % 5) as f64 * 0.04 - 0.08
}

/// A pupil's mark on an evaluation, as a fraction of the scale; `None` when absent (one pupil
/// in eleven misses an evaluation).
fn mark(pupil: usize, subject: usize, evaluation: usize) -> Option<f64> {
    if (pupil + 2 * subject + 5 * evaluation) % 11 == 4 {
        return None;
    }
    let luck = ((pupil * 7 + subject * 5 + evaluation * 3) % 7) as f64 * 0.025 - 0.075;
    Some((level(pupil) + leaning(pupil, subject) + luck).clamp(0.1, 1.0))
}

fn subject_appreciation(subject: &DemoSubject, score: f64) -> String {
    let focus = subject.focus;
    if score >= 0.78 {
        format!("Excellent trimestre, avec une vraie aisance dans {focus} et une participation remarquable. Félicitations.")
    } else if score >= 0.64 {
        format!("Bon trimestre, travail régulier et sérieux. Il faut encore gagner en précision dans {focus}.")
    } else if score >= 0.5 {
        format!(
            "Trimestre correct mais irrégulier. Des efforts à poursuivre, en particulier dans {focus} ; apprendre les leçons plus régulièrement."
        )
    } else {
        format!(
            "Des difficultés ce trimestre, notamment dans {focus}. Il faut travailler plus régulièrement et ne pas hésiter à demander de l’aide."
        )
    }
}

fn council(pupil: usize) -> (&'static str, Option<Mention>) {
    match level(pupil) {
        l if l >= 0.8 => {
            ("Excellent trimestre dans toutes les matières. Le conseil de classe adresse ses félicitations.", Some(Mention::Felicitations))
        }
        l if l >= 0.68 => ("Très bon trimestre, sérieux et investi. Continuez ainsi.", Some(Mention::Compliments)),
        l if l >= 0.56 => ("Trimestre encourageant : les efforts sont visibles et doivent être poursuivis.", Some(Mention::Encouragements)),
        _ => ("Trimestre fragile. Un travail plus régulier est attendu ; l’équipe pédagogique reste disponible pour aider.", None),
    }
}

/// Creates the demo collège unless it exists; returns the accounts to show. Its few hundred
/// commands run in the `demo_seed` span, which `ent demo` logs at debug level only.
#[tracing::instrument(name = "demo_seed", skip_all)]
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
    for subject in &SUBJECTS {
        let id = s
            .entity(
                Command::CreateSubject(CreateSubject {
                    subject_id: None,
                    structure: DEMO_UAI.into(),
                    code: subject.code.into(),
                    name: subject.name.into(),
                }),
                "subject_id",
            )
            .await?;
        subjects.push(id);
    }
    let mut classes = Vec::new();
    for (code, level) in CLASSES {
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
    let mut teachers = Vec::new();
    for (subject, id) in SUBJECTS.iter().zip(&subjects) {
        let (teacher, login) = s.user(Profile::Enseignant, None, subject.teacher.0, subject.teacher.1).await?;
        for class in &classes {
            s.run(Command::AssignTeacher(AssignTeacher { teacher, subject: *id, class_or_group: *class })).await?;
        }
        teachers.push((teacher, login));
    }
    let mut first_pupil = String::new();
    let mut first_parent = String::new();
    let mut pupils = Vec::new();
    let mut parents = Vec::new();
    for (i, (first, last)) in PUPILS.iter().enumerate() {
        let (pupil, pupil_login) = s.user(Profile::Eleve, None, first, last).await?;
        s.run(Command::EnrolPupil(EnrolPupil { pupil, class: classes[i % classes.len()], since: "2026-09-01".parse().ok() })).await?;
        let (parent, parent_login) = s.user(Profile::Parent, None, "Parent", last).await?;
        s.run(Command::LinkParent(LinkParent { parent, pupil })).await?;
        if i == 0 {
            first_pupil = pupil_login;
            first_parent = parent_login;
        }
        pupils.push(pupil);
        parents.push(parent);
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
    let head = s.actor(principal_id).await?;
    let mut teacher_actors = Vec::new();
    for (id, _) in &teachers {
        teacher_actors.push(s.actor(*id).await?);
    }
    first_trimestre(&s, &head, &teacher_actors, &classes, &subjects, &pupils).await?;
    let class_6a: Vec<Uuid> = pupils.iter().step_by(classes.len()).copied().collect();
    school_life(&s, &teacher_actors[0], teachers[0].0, classes[0], subjects[0], &class_6a).await?;
    espace::seed(&s, &teacher_actors[0], classes[0]).await?;
    communication::seed(&s, &head, &teacher_actors[0], classes[0], class_6a[1]).await?;
    agenda::seed(&s, &head, classes[0], &subjects, &teachers.iter().map(|(id, _)| *id).collect::<Vec<_>>()).await?;
    reservations::seed(&s, &head, principal_id, &teacher_actors).await?;
    ressources::seed(&s, &teacher_actors, &classes, &subjects, &class_6a).await?;
    messagerie::seed(&s, &head, &teacher_actors[0], classes[0], class_6a[0]).await?;
    let parents_6a: Vec<Uuid> = parents.iter().step_by(classes.len()).copied().collect();
    chat::seed(&s, &teacher_actors, classes[0], &class_6a, &parents_6a).await?;
    logins.extend([
        DemoLogin { who: "head of school (direction)".into(), login: principal },
        DemoLogin { who: "CPE (vie scolaire)".into(), login: cpe },
    ]);
    for (subject, (_, login)) in SUBJECTS.iter().zip(teachers) {
        logins.push(DemoLogin { who: subject.teacher_role.into(), login });
    }
    logins.extend([
        DemoLogin { who: "pupil (6A)".into(), login: first_pupil },
        DemoLogin { who: "parent of that pupil".into(), login: first_parent },
        DemoLogin { who: "rectorat (académie usage indicators)".into(), login: "rectorat".into() },
        DemoLogin { who: "inspector (reads and visas the cahiers de textes)".into(), login: "inspecteur".into() },
    ]);
    Ok(DemoSummary { created: true, logins })
}

/// The first trimestre: subject coefficients, two graded evaluations per subject and class,
/// every pupil's subject appreciations (by their teachers) and council appreciation (by the
/// head), then the bulletins of the three classes published.
async fn first_trimestre(
    s: &Seeder<'_>,
    head: &Actor,
    teachers: &[Actor],
    classes: &[Uuid],
    subjects: &[Uuid],
    pupils: &[Uuid],
) -> Result<(), CommandError> {
    let t1 = ent_domain::directory::structure::period_id(DEMO_UAI, "2026-2027", 0);
    for (subject, id) in SUBJECTS.iter().zip(subjects) {
        for level in ["6e", "5e"] {
            let payload = json!({"structure": DEMO_UAI, "level": level, "subject": id, "coefficient": subject.coefficient});
            s.as_user(head, "SetSubjectCoefficient", payload).await?;
        }
    }
    for (c, class) in classes.iter().enumerate() {
        let in_class: Vec<(usize, Uuid)> = pupils.iter().copied().enumerate().filter(|(i, _)| i % classes.len() == c).collect();
        for (k, (subject, id)) in SUBJECTS.iter().zip(subjects).enumerate() {
            let evaluations = if CLASSES[c].1 == Level::Cinquieme { &subject.cinquieme } else { &subject.sixieme };
            for (n, (title, date, coefficient, scale)) in evaluations.iter().enumerate() {
                let r = s
                    .as_user(
                        &teachers[k],
                        "CreateEvaluation",
                        json!({
                            "class_or_group": class, "subject": id, "period": t1, "date": date, "title": title,
                            "coefficient": coefficient, "scale": scale,
                        }),
                    )
                    .await?;
                let evaluation = r.stream.rsplit('/').next().and_then(|id| Uuid::parse_str(id).ok());
                let grades: Vec<serde_json::Value> = in_class
                    .iter()
                    .map(|(i, pupil)| match mark(*i, k, n) {
                        None => json!({"pupil": pupil, "status": "Abs"}),
                        Some(fraction) => json!({"pupil": pupil, "value": (f64::from(*scale) * fraction * 4.0).round() / 4.0}),
                    })
                    .collect();
                s.as_user(&teachers[k], "RecordGrades", json!({"evaluation": evaluation, "grades": grades})).await?;
            }
            for (i, pupil) in &in_class {
                let text = subject_appreciation(subject, level(*i) + leaning(*i, k));
                s.as_user(&teachers[k], "SetSubjectAppreciation", json!({"pupil": pupil, "period": t1, "subject": id, "text": text}))
                    .await?;
            }
        }
        for (i, pupil) in &in_class {
            let (text, mention) = council(*i);
            s.as_user(head, "SetCouncilAppreciation", json!({"pupil": pupil, "period": t1, "text": text, "mention": mention})).await?;
        }
        s.as_user(head, "PublishBulletins", json!({"class": class, "period": t1})).await?;
    }
    Ok(())
}

/// A day of school life in 6A: a maths lesson logged with its homework, and its roll call
/// (Léa absent: her parent is notified), so that every service has something to show.
async fn school_life(
    s: &Seeder<'_>,
    teacher_actor: &Actor,
    teacher: Uuid,
    class: Uuid,
    maths: Uuid,
    pupils: &[Uuid],
) -> Result<(), CommandError> {
    s.as_user(
        teacher_actor,
        "LogLesson",
        json!({
            "class_or_group": class, "subject": maths, "date": "2026-11-23", "start": "08:00:00", "end": "09:00:00",
            "title": "Les fractions décimales", "content": "Écriture décimale, comparaison, exercices 4 à 9 p. 52.",
        }),
    )
    .await?;
    s.as_user(
        teacher_actor,
        "AssignHomework",
        json!({
            "class_or_group": class, "subject": maths, "given_on": "2026-11-23", "due_on": "2026-11-30",
            "description": "Exercices 10 et 11 p. 53", "estimated_minutes": 30,
        }),
    )
    .await?;
    let lesson = s
        .run(Command::parse(
            "ScheduleLesson",
            json!({
                "class_or_group": class, "subject": maths, "teacher": teacher, "date": "2026-11-23",
                "start": "08:00:00", "end": "09:00:00", "room": "B12",
            }),
        )?)
        .await?;
    let lesson = lesson.stream.rsplit('/').next().and_then(|id| Uuid::parse_str(id).ok());
    let marks: Vec<serde_json::Value> =
        pupils.iter().enumerate().map(|(i, p)| json!({"pupil": p, "status": if i == 0 { "absent" } else { "present" }})).collect();
    s.as_user(teacher_actor, "TakeRollCall", json!({"lesson": lesson, "marks": marks})).await?;
    Ok(())
}

fn known_logins() -> Vec<DemoLogin> {
    [
        ("head of school (direction)", "claire.moreau"),
        ("CPE (vie scolaire)", "karim.benali"),
        ("maths teacher", "sophie.bernard"),
        ("French teacher", "julien.petit"),
        ("English teacher", "anne.lambert"),
        ("history-geography teacher", "marc.fontaine"),
        ("pupil (6A)", "lea.martin"),
        ("parent of that pupil", "parent.martin"),
        ("rectorat (académie usage indicators)", "rectorat"),
        ("inspector (reads and visas the cahiers de textes)", "inspecteur"),
    ]
    .iter()
    .map(|(who, login)| DemoLogin { who: who.to_string(), login: login.to_string() })
    .collect()
}
