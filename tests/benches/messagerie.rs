//! The messagerie under load: `SendMessage` to a class of 30 and to a whole structure of 600
//! (its 20 classes), one command after the other (commands/s and p99 of each command until its
//! append), then the inbox of a pupil holding 10,000 messages (p99 of the query in process and of
//! `GET /api/v1/messagerie/folders/inbox` over HTTP).
//!
//! `cargo bench -p ent-tests --bench messagerie` (SQLite, release build).

use std::time::{Duration, Instant};

use ent_api::App;
use ent_api::config::Config;
use ent_commands::envelope::ParsedCommand;
use ent_commands::{Command, CommandHandler};
use ent_domain::Actor;
use ent_infra::Backend;
use ent_tests::TestDb;
use serde_json::{Value, json};
use uuid::Uuid;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const UAI: &str = "0751234A";
const CLASSES: usize = 20;
const PER_CLASS: usize = 30;
const TO_CLASS: usize = 300;
const TO_STRUCTURE: usize = 50;
const INBOX: usize = 10_000;
const PASSWORD: &str = "ent-messagerie-2026";

fn main() {
    ent_infra::allocator::run(run()).expect("runtime");
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

async fn exec(h: &CommandHandler, actor: &Actor, command_type: &str, payload: Value) -> ent_commands::AppendResult {
    let command = Command::parse(command_type, payload).expect("command");
    let parsed = ParsedCommand { command_id: Uuid::now_v7(), expected_version: None, command };
    h.execute(actor, parsed, None).await.expect(command_type).result
}

async fn created(h: &CommandHandler, actor: &Actor, command_type: &str, payload: Value, field: &str) -> Uuid {
    let r = exec(h, actor, command_type, payload).await;
    let events = h.store().read_stream(&r.stream).await.expect("stream");
    events.iter().rev().find_map(|e| e.payload.get(field).and_then(Value::as_str).and_then(|s| Uuid::parse_str(s).ok())).expect(field)
}

fn report(label: &str, times: &mut [Duration], elapsed: Duration) {
    times.sort();
    println!(
        "{label}: {} commands, {:>6.0} commands/s  p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
        times.len(),
        times.len() as f64 / elapsed.as_secs_f64(),
        percentile(times, 0.5).as_secs_f64() * 1e3,
        percentile(times, 0.99).as_secs_f64() * 1e3,
        times.last().map_or(0.0, |t| t.as_secs_f64() * 1e3),
    );
}

async fn run() {
    let db = TestDb::of_kind("sqlite").await;
    let backend = Backend::open(db.url()).await.expect("store");
    let app = App::build_on(Config::for_tests(db.url()), backend).await.expect("server");
    let h = app.state.handler.clone();
    let system = Actor::System;
    exec(&h, &system, "CreateStructure", json!({"uai": UAI, "name": "Collège Bench", "kind": "college"})).await;
    let mut classes = Vec::new();
    for i in 0..CLASSES {
        let code = format!("C{i:02}");
        classes.push(created(&h, &system, "CreateClass", json!({"structure": UAI, "code": code, "level": "6e"}), "class_id").await);
    }
    let user = |profile: &str, first: String, password: Option<&str>| json!({"structure": UAI, "profile": profile, "first_name": first, "last_name": "Bench", "password": password});
    let teacher = exec(&h, &system, "CreateUser", user("enseignant", "Prof".into(), None)).await;
    let teacher = Uuid::parse_str(teacher.stream.rsplit('/').next().expect("id")).expect("uuid");
    let mut reader = None;
    for (c, class) in classes.iter().enumerate() {
        for i in 0..PER_CLASS {
            let password = (c == 0 && i == 0).then_some(PASSWORD);
            let r = exec(&h, &system, "CreateUser", user("eleve", format!("E{c}-{i}"), password)).await;
            let pupil = Uuid::parse_str(r.stream.rsplit('/').next().expect("id")).expect("uuid");
            exec(&h, &system, "EnrolPupil", json!({"pupil": pupil, "class": class, "since": "2026-09-01"})).await;
            reader.get_or_insert(pupil);
        }
    }
    let reader = reader.expect("a pupil");
    let teacher_actor = ent_commands::actors::load_actor(h.store(), teacher).await.expect("load").expect("teacher");
    let to_class = json!({"to": [{"kind": "class", "id": classes[0]}], "subject": "Sortie au musée", "body": "<p>Bonjour à tous, rendez-vous jeudi.</p>"});
    for _ in 0..20 {
        exec(&h, &teacher_actor, "SendMessage", to_class.clone()).await;
    }

    let mut times = Vec::with_capacity(TO_CLASS);
    let started = Instant::now();
    for _ in 0..TO_CLASS {
        let t = Instant::now();
        exec(&h, &teacher_actor, "SendMessage", to_class.clone()).await;
        times.push(t.elapsed());
    }
    report("SendMessage to a class of 30", &mut times, started.elapsed());

    let everyone: Vec<Value> = classes.iter().map(|c| json!({"kind": "class", "id": c})).collect();
    let to_all = json!({"to": everyone, "subject": "Conseil d'établissement", "body": "<p>Le conseil se réunit mardi.</p>"});
    let mut times = Vec::with_capacity(TO_STRUCTURE);
    let started = Instant::now();
    for _ in 0..TO_STRUCTURE {
        let t = Instant::now();
        exec(&h, &teacher_actor, "SendMessage", to_all.clone()).await;
        times.push(t.elapsed());
    }
    report("SendMessage to a structure of 600", &mut times, started.elapsed());

    let filled = 20 + TO_CLASS + TO_STRUCTURE;
    let one = json!({"to": [{"kind": "user", "id": reader}], "subject": "Message individuel", "body": "<p>Un mot pour toi.</p>"});
    let started = Instant::now();
    let mut last = None;
    for _ in filled..INBOX {
        last = Some(exec(&h, &teacher_actor, "SendMessage", one.clone()).await.position);
    }
    println!("filled the inbox to {INBOX} messages with {} more sends in {:.1} s", INBOX - filled, started.elapsed().as_secs_f64());

    let http = reqwest::Client::new();
    let base = app.url();
    let account = ent_commands::actors::load_actor(h.store(), reader).await.expect("load").expect("reader");
    let login = account.user().map(|u| u.login.clone()).expect("login");
    let r: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"login": login, "password": PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("token");
    let token = r["token"].as_str().expect("token").to_string();
    let caught_up = Instant::now();
    loop {
        let r = http
            .get(format!("{base}/api/v1/messagerie/mailbox"))
            .bearer_auth(&token)
            .header("ent-min-position", last.unwrap_or(0).to_string())
            .send()
            .await
            .expect("mailbox");
        if r.status().is_success() {
            let mb: Value = r.json().await.expect("json");
            println!("read model caught up in {:.1} s: {}", caught_up.elapsed().as_secs_f64(), mb["folders"][0]);
            break;
        }
    }
    let store = app.state.backend.read_models.clone();
    let actor = ent_commands::actors::load_actor(h.store(), reader).await.expect("load").expect("reader");
    let mut times = Vec::new();
    for _ in 0..1_000 {
        let t = Instant::now();
        let page = ent_projections::messagerie::queries::folder(store.as_ref(), &actor, "inbox", None, 50).await.expect("inbox");
        times.push(t.elapsed());
        assert_eq!(page.entries.len(), 50);
    }
    times.sort();
    println!(
        "inbox of {INBOX} messages, first 50 (in process): p50 {:.2} ms  p99 {:.2} ms",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3
    );
    let mut times = Vec::new();
    for _ in 0..1_000 {
        let t = Instant::now();
        let r = http.get(format!("{base}/api/v1/messagerie/folders/inbox")).bearer_auth(&token).send().await.expect("inbox");
        assert!(r.status().is_success());
        r.bytes().await.expect("body");
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "GET /api/v1/messagerie/folders/inbox ({INBOX} messages, 50 answered): p50 {:.2} ms  p99 {:.2} ms",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3
    );
    app.shutdown().await;
}
