//! The agenda query for a pupil over a month: a pupil of 6A of the demo collège, whose class has
//! a full December 2026 timetable (six lessons a day, 22 school days), two pieces of homework a
//! day and the month's school events; the merged agenda read straight from the read model
//! (`agenda::queries::agenda`, the query behind `GET /api/v1/agenda`) and through HTTP, and the
//! pupil's iCalendar feed (`GET /api/v1/agenda.ics`, six months of entries).
//!
//! `cargo bench -p ent-tests --bench agenda_month` (SQLite, like `ent demo`).

use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate, Weekday};
use ent_api::App;
use ent_api::config::Config;
use ent_commands::CommandHandler;
use ent_infra::Backend;
use ent_tests::TestDb;
use serde_json::{Value, json};

/// The allocator of the `ent` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const QUERIES: usize = 3_000;
const REQUESTS: usize = 2_000;
const FEEDS: usize = 200;

fn main() {
    ent_infra::allocator::run(run()).expect("runtime");
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

fn report(what: &str, mut times: Vec<Duration>, elapsed: Duration) {
    times.sort();
    println!(
        "{what}: {} runs, {:>7.0}/s  p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
        times.len(),
        times.len() as f64 / elapsed.as_secs_f64(),
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().expect("a time").as_secs_f64() * 1e3,
    );
}

async fn post(http: &reqwest::Client, base: &str, token: &str, command_type: &str, payload: Value) -> Value {
    let body = json!({"command_id": uuid::Uuid::new_v4(), "type": command_type, "payload": payload});
    let r = http.post(format!("{base}/api/v1/commands")).bearer_auth(token).json(&body).send().await.expect("command");
    assert!(r.status().is_success(), "{command_type}: {}", r.text().await.unwrap_or_default());
    r.json().await.expect("result")
}

async fn login(http: &reqwest::Client, base: &str, login: &str) -> String {
    let r: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"login": login, "password": ent_api::demo::DEMO_PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("token");
    r["token"].as_str().expect("token").to_string()
}

async fn run() {
    let db = TestDb::of_kind("sqlite").await;
    let backend = Backend::open(db.url()).await.expect("store");
    ent_api::demo::seed(&CommandHandler::new(backend.events.clone())).await.expect("demo");
    let read_models = backend.read_models.clone();
    let events = backend.events.clone();
    let app = App::build_on(Config::for_tests(db.url()), backend).await.expect("server");
    let base = app.url();
    let http = reqwest::Client::new();
    let (head, pupil) = (login(&http, &base, "claire.moreau").await, login(&http, &base, "lea.martin").await);
    let me: Value = http.get(format!("{base}/api/v1/me")).bearer_auth(&pupil).send().await.expect("me").json().await.expect("me");
    let class = me["class"]["id"].as_str().expect("class").to_string();
    let teacher_token = login(&http, &base, "sophie.bernard").await;
    let classes: Value = http
        .get(format!("{base}/api/v1/me/classes"))
        .bearer_auth(&teacher_token)
        .send()
        .await
        .expect("classes")
        .json()
        .await
        .expect("classes");
    let maths = classes.as_array().and_then(|a| a.iter().find(|c| c["class_or_group"] == class.as_str())).expect("maths in 6A").clone();
    let teacher: Value =
        http.get(format!("{base}/api/v1/me")).bearer_auth(&teacher_token).send().await.expect("me").json().await.expect("me");

    // December 2026: six lessons a school day (the demo's week of 7 December already has ten),
    // two pieces of homework a day, a school event every school day but one in two.
    let mut lessons = Vec::new();
    let mut day = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
    let mut position = 0;
    let mut n = 0;
    while day.month() == 12 {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            for (start, end) in
                [("08:00", "09:00"), ("09:00", "10:00"), ("10:15", "11:15"), ("11:15", "12:15"), ("13:30", "14:30"), ("14:30", "15:30")]
            {
                lessons.push(json!({"class_or_group": class, "subject": maths["subject_id"], "teacher": teacher["id"], "date": day,
                    "start": format!("{start}:00"), "end": format!("{end}:00"), "room": "B10"}));
            }
            for k in 0..2 {
                let r = post(
                    &http,
                    &base,
                    &teacher_token,
                    "AssignHomework",
                    json!({"class_or_group": class, "subject": maths["subject_id"],
                    "given_on": day, "due_on": day + chrono::Duration::days(2 + k), "description": format!("Exercices {n} p. {}", 20 + k)}),
                )
                .await;
                position = r["position"].as_u64().expect("position");
            }
            if n % 2 == 0 {
                let r = post(
                    &http,
                    &base,
                    &head,
                    "CreateSchoolEvent",
                    json!({"structure": ent_api::demo::DEMO_UAI, "title": format!("Réunion {n}"),
                    "from": format!("{day}T17:00:00"), "to": format!("{day}T18:00:00"), "audience": {"kind": "structure"}}),
                )
                .await;
                position = r["position"].as_u64().expect("position");
            }
            n += 1;
        }
        day += chrono::Duration::days(1);
    }
    let r = post(&http, &base, &head, "ImportTimetable", json!({"structure": ent_api::demo::DEMO_UAI, "lessons": lessons})).await;
    position = position.max(r["position"].as_u64().expect("position"));
    let path = "/api/v1/agenda?from=2026-12-01&to=2026-12-31";
    let agenda: Value = http
        .get(format!("{base}{path}"))
        .bearer_auth(&pupil)
        .header("ent-min-position", position.to_string())
        .send()
        .await
        .expect("agenda")
        .json()
        .await
        .expect("agenda");
    let items = agenda["items"].as_array().map_or(0, Vec::len);
    println!(
        "a pupil's December: {items} entries ({} lessons)",
        agenda["items"].as_array().map_or(0, |i| i.iter().filter(|i| i["kind"] == "lesson").count())
    );

    // The query itself, on the read model.
    let pupil_id = uuid::Uuid::parse_str(me["id"].as_str().expect("id")).expect("uuid");
    let actor = ent_commands::actors::load_actor(events.as_ref(), pupil_id).await.expect("actor").expect("active");
    let (from, to) = (NaiveDate::from_ymd_opt(2026, 12, 1).expect("date"), NaiveDate::from_ymd_opt(2026, 12, 31).expect("date"));
    for _ in 0..200 {
        ent_projections::agenda::queries::agenda(read_models.as_ref(), &actor, None, from, to).await.expect("agenda");
    }
    let mut times = Vec::with_capacity(QUERIES);
    let started = Instant::now();
    for _ in 0..QUERIES {
        let t = Instant::now();
        let a = ent_projections::agenda::queries::agenda(read_models.as_ref(), &actor, None, from, to).await.expect("agenda");
        assert_eq!(a.items.len(), items);
        times.push(t.elapsed());
    }
    report("agenda query, a pupil's month (read model)", times, started.elapsed());

    // Through HTTP (authentication, the actor loaded from the log, JSON).
    let mut times = Vec::with_capacity(REQUESTS);
    let started = Instant::now();
    for _ in 0..REQUESTS {
        let t = Instant::now();
        let r = http.get(format!("{base}{path}")).bearer_auth(&pupil).send().await.expect("agenda");
        assert!(r.status().is_success());
        r.bytes().await.expect("body");
        times.push(t.elapsed());
    }
    report("GET /api/v1/agenda, a pupil's month", times, started.elapsed());

    // The iCalendar feed: a month back, six months ahead of today.
    let feed = post(&http, &base, &pupil, "CreateCalendarFeed", json!({})).await;
    let token = feed["calendar_feed"]["token"].as_str().expect("token").to_string();
    let body = http.get(format!("{base}/api/v1/agenda.ics?token={token}")).send().await.expect("feed").text().await.expect("body");
    println!("the pupil's feed: {} bytes, {} events", body.len(), body.matches("BEGIN:VEVENT").count());
    let mut times = Vec::with_capacity(FEEDS);
    let started = Instant::now();
    for _ in 0..FEEDS {
        let t = Instant::now();
        let r = http.get(format!("{base}/api/v1/agenda.ics?token={token}")).send().await.expect("feed");
        assert!(r.status().is_success());
        r.bytes().await.expect("body");
        times.push(t.elapsed());
    }
    report("GET /api/v1/agenda.ics", times, started.elapsed());
    app.shutdown().await;
}
