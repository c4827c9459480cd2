//! Bulletin benchmark: a trimester of a 600-pupil collège (24 classes × 25 pupils, 12 subjects,
//! 12 evaluations per class and subject, grades, corrections, appreciations, publication:
//! ≥ 100k events) generated into a SQLite store; then the notes projection is rebuilt from the
//! log (events/s) and bulletins are queried in-process with the read model warm (p50/p99).
//!
//! `cargo bench -p ent-infra --bench bulletins` (`ENT_BENCH_QUERIES`, default 3000).

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use ent_commands::context::{Plan, PlannedAppend};
use ent_commands::{CommandHandler, ExpectedVersion};
use ent_domain::directory::events::*;
use ent_domain::directory::structure::period_id;
use ent_domain::directory::{Level, PeriodKind, Profile, Role, StructureKind, UserState};
use ent_domain::notes::events::*;
use ent_domain::notes::{BulletinState, EvaluationState, GradeStatus, Hundredths, Mention};
use ent_domain::{Actor, Event, StreamId};
use ent_infra::Backend;
use ent_projections::notes::{NotesProjection, queries};
use ent_projections::rebuild;
use ent_projections::source::MemorySource;
use uuid::Uuid;

/// The allocator of the `ent` binary, tuned the same way.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const UAI: &str = "0751234A";
const CLASSES_PER_LEVEL: usize = 6;
const PUPILS_PER_CLASS: usize = 25;
const SUBJECTS: usize = 12;
const EVALUATIONS: usize = 12;

/// A small deterministic generator (xorshift), so every run writes the same trimester.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn d(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// Appends `appends` as one atomic append, as the system.
async fn append(handler: &CommandHandler, appends: Vec<PlannedAppend>) -> u64 {
    let id = Uuid::now_v7();
    let plan = Plan { appends, ..Plan::default() };
    let r = handler.append_plan(&Actor::System, id, id, plan).await.expect("append");
    r.event_ids.len() as u64
}

fn new_stream(stream: StreamId, events: Vec<Event>) -> PlannedAppend {
    PlannedAppend { stream, expected: ExpectedVersion::NoStream, events }
}

struct School {
    classes: Vec<(Uuid, Vec<Uuid>)>,
    t1: Uuid,
}

async fn generate(handler: &CommandHandler) -> (School, u64) {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut total = 0;
    let levels = [Level::Sixieme, Level::Cinquieme, Level::Quatrieme, Level::Troisieme];
    let mut structure = vec![Event::StructureCreated(StructureCreated {
        uai: UAI.into(),
        name: "Collège Jean Moulin".into(),
        kind: StructureKind::College,
    })];
    let mut class_ids = Vec::new();
    for (l, level) in levels.iter().enumerate() {
        for c in 0..CLASSES_PER_LEVEL {
            let class_id = Uuid::new_v4();
            class_ids.push(class_id);
            let code = format!("{}{}", 6 - l, (b'A' + c as u8) as char);
            structure.push(Event::ClassCreated(ClassCreated { structure: UAI.into(), class_id, code, level: *level }));
        }
    }
    let subjects: Vec<Uuid> = (0..SUBJECTS).map(|_| Uuid::new_v4()).collect();
    for (i, s) in subjects.iter().enumerate() {
        structure.push(Event::SubjectCreated(SubjectCreated {
            structure: UAI.into(),
            subject_id: *s,
            code: format!("S{i}"),
            name: format!("Matière {i}"),
        }));
    }
    let bounds = [("2026-09-01", "2026-11-30"), ("2026-12-01", "2027-02-28"), ("2027-03-01", "2027-07-04")];
    let periods: Vec<Period> = bounds
        .iter()
        .enumerate()
        .map(|(i, (a, b))| Period { period_id: period_id(UAI, "2026-2027", i), name: format!("T{}", i + 1), start: d(a), end: d(b) })
        .collect();
    let t1 = periods[0].period_id;
    structure.push(Event::PeriodsDefined(PeriodsDefined {
        structure: UAI.into(),
        school_year: "2026-2027".into(),
        kind: PeriodKind::Trimestres,
        periods,
    }));
    total += append(handler, vec![new_stream(StreamId::new(UAI, "structure", UAI), structure)]).await;

    let mut classes = Vec::new();
    for class in &class_ids {
        let mut pupils = Vec::new();
        let mut appends = Vec::new();
        for p in 0..PUPILS_PER_CLASS {
            let id = Uuid::new_v4();
            pupils.push(id);
            let created = Event::UserCreated(UserCreated {
                user_id: id,
                structure: UAI.into(),
                profile: Profile::Eleve,
                role: None,
                first_name: format!("Prénom{p}"),
                last_name: format!("Nom{}", rng.below(10_000)),
                login: format!("eleve.{}", id.simple()),
            });
            let enrolled = Event::PupilEnrolled(PupilEnrolled {
                pupil: id,
                structure: UAI.into(),
                class_id: *class,
                since: d("2026-09-01"),
                previous_class: None,
            });
            appends.push(new_stream(UserState::stream(UAI, id), vec![created, enrolled]));
        }
        total += append(handler, appends).await;
        classes.push((*class, pupils));
    }

    // Evaluations with the grades of the whole class, eight evaluations per append.
    let mut corrections = Vec::new();
    for (class, pupils) in &classes {
        let mut appends = Vec::new();
        for subject in &subjects {
            for e in 0..EVALUATIONS {
                let id = Uuid::new_v4();
                let scale = [20, 20, 10, 40, 20, 5][e % 6];
                let mut events = vec![Event::EvaluationCreated(EvaluationCreated {
                    evaluation_id: id,
                    structure: UAI.into(),
                    class_or_group: *class,
                    subject: *subject,
                    period: t1,
                    date: d("2026-09-07") + chrono::Duration::days((e * 6) as i64),
                    title: format!("Évaluation {}", e + 1),
                    coefficient: Hundredths([100, 200, 50, 100][e % 4]),
                    scale,
                })];
                for pupil in pupils {
                    let (value, status) = if rng.below(25) == 0 {
                        (None, Some(GradeStatus::Abs))
                    } else {
                        (Some(Hundredths(rng.below(u64::from(scale) * 100 + 1) as u32)), None)
                    };
                    events.push(Event::GradeRecorded(GradeRecorded { evaluation: id, pupil: *pupil, class: *class, value, status }));
                    if rng.below(33) == 0 {
                        corrections.push((id, *pupil, *class, scale));
                    }
                }
                appends.push(new_stream(EvaluationState::stream(UAI, id), events));
                if appends.len() == 8 {
                    total += append(handler, std::mem::take(&mut appends)).await;
                }
            }
        }
        if !appends.is_empty() {
            total += append(handler, appends).await;
        }
    }
    corrections.sort_by_key(|(eval, pupil, _, _)| (*eval, *pupil));
    corrections.dedup_by_key(|(eval, pupil, _, _)| (*eval, *pupil));
    let mut by_eval: std::collections::BTreeMap<Uuid, Vec<Event>> = Default::default();
    for (eval, pupil, class, scale) in corrections {
        by_eval.entry(eval).or_default().push(Event::GradeCorrected(GradeCorrected {
            evaluation: eval,
            pupil,
            class,
            value: Some(Hundredths((u64::from(scale) * 50) as u32)),
            status: None,
            reason: "erreur de saisie".into(),
        }));
    }
    let by_eval: Vec<(Uuid, Vec<Event>)> = by_eval.into_iter().collect();
    for chunk in by_eval.chunks(50) {
        let appends = chunk
            .iter()
            .map(|(eval, events)| PlannedAppend {
                stream: EvaluationState::stream(UAI, *eval),
                expected: ExpectedVersion::Any,
                events: events.clone(),
            })
            .collect();
        total += append(handler, appends).await;
    }

    // Appreciations, council, publication: one bulletin stream per class.
    for (class, pupils) in &classes {
        let mut events = Vec::new();
        for pupil in pupils {
            for subject in &subjects {
                events.push(Event::SubjectAppreciationSet(SubjectAppreciationSet {
                    pupil: *pupil,
                    class: *class,
                    period: t1,
                    subject: *subject,
                    text: "Trimestre sérieux ; des progrès à confirmer.".into(),
                }));
            }
            events.push(Event::CouncilAppreciationSet(CouncilAppreciationSet {
                pupil: *pupil,
                class: *class,
                period: t1,
                text: "Bon trimestre dans l'ensemble.".into(),
                mention: (rng.below(4) == 0).then_some(Mention::Encouragements),
            }));
        }
        events.push(Event::BulletinsPublished(BulletinsPublished { structure: UAI.into(), class: *class, period: t1 }));
        total += append(handler, vec![new_stream(BulletinState::stream(UAI, *class, t1), events)]).await;
    }
    (School { classes, t1 }, total)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn main() {
    ent_infra::allocator::run(run()).expect("runtime");
}

async fn run() {
    let queries: usize = std::env::var("ENT_BENCH_QUERIES").ok().and_then(|s| s.parse().ok()).unwrap_or(3000);
    let dir = std::env::temp_dir().join(format!("ent-bench-bulletins-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let backend = Backend::open(&format!("sqlite://{}", dir.join("ent.db").display())).await.expect("open SQLite");
    let handler = CommandHandler::new(backend.events.clone());

    let started = Instant::now();
    let (school, appended) = generate(&handler).await;
    let head = backend.feed.head().await.expect("head");
    println!("generated {appended} events (log head {head}) in {:.1} s", started.elapsed().as_secs_f64());

    // Reading alone: the floor under any rebuild through the store's public read path.
    let started = Instant::now();
    let (mut after, mut log) = (0, Vec::new());
    loop {
        let page = backend.feed.read_all(after, 5_000).await.expect("read");
        let Some(last) = page.last() else { break };
        after = last.position;
        log.extend(page);
    }
    let read_rate = log.len() as f64 / started.elapsed().as_secs_f64();
    println!("read the log: {} events at {read_rate:.0} events/s", log.len());

    // Folding alone, in memory (no storage): what the projection itself costs.
    let started = Instant::now();
    MemorySource::fold(&NotesProjection, &log).expect("fold");
    println!("fold in memory: {:.0} events/s", log.len() as f64 / started.elapsed().as_secs_f64());
    drop(log);

    let store = backend.read_models.as_ref();
    let directory = ent_projections::directory::DirectoryProjection;
    rebuild(backend.feed.as_ref(), store, &directory, |_, _| {}).await.expect("directory rebuild");
    let report = rebuild(backend.feed.as_ref(), store, &NotesProjection, |_, _| {}).await.expect("notes rebuild");
    println!(
        "rebuild of the notes projection: {} events in {:.2} s = {:.0} events/s",
        report.events,
        report.elapsed.as_secs_f64(),
        report.events_per_second()
    );
    let p = &report.phases;
    println!(
        "  phases: waiting for reads {:.0} ms, folding {:.0} ms, encoding {:.0} ms, waiting for commits {:.0} ms; {} documents, {:.1} MB",
        p.reading.as_secs_f64() * 1e3,
        p.folding.as_secs_f64() * 1e3,
        p.encoding.as_secs_f64() * 1e3,
        p.committing.as_secs_f64() * 1e3,
        p.documents,
        p.bytes as f64 / 1e6
    );

    let head_actor = Actor::User(Box::new(UserState {
        user_id: Uuid::new_v4(),
        structure: UAI.into(),
        profile: Some(Profile::Personnel),
        role: Some(Role::Direction),
        active: true,
        ..Default::default()
    }));
    let pupils: Vec<Uuid> = school.classes.iter().flat_map(|(_, p)| p.iter().copied()).collect();
    for p in &pupils {
        queries::bulletin(store, &head_actor, *p, school.t1).await.expect("warm-up query");
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut latencies = Vec::with_capacity(queries);
    let mut subjects = 0;
    for _ in 0..queries {
        let pupil = pupils[rng.below(pupils.len() as u64) as usize];
        let t = Instant::now();
        let b = queries::bulletin(store, &head_actor, pupil, school.t1).await.expect("query");
        latencies.push(t.elapsed());
        subjects += b.subjects.len();
    }
    assert_eq!(subjects, queries * SUBJECTS, "every bulletin has all its subjects");
    latencies.sort();
    println!(
        "bulletin query (warm, in-process, {queries} queries): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0)
    );
    drop(backend);
    let _ = std::fs::remove_dir_all(&dir);
}
