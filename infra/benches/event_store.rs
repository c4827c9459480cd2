//! Event store benchmark: appends/s (batches of 1 and 100 events, 1/8/32 concurrent writers) and
//! full replay events/s, on SQLite and PostgreSQL. Prints a Markdown table.
//!
//! `cargo bench -p ent-infra --bench event_store` (PostgreSQL from `ENT_TEST_PG_URL`, default
//! the local trust-auth server; `ENT_BENCH_SECONDS` per cell, default 3).

use std::sync::Arc;
use std::time::{Duration, Instant};

use ent_commands::{AppendRequest, EventStore, ExpectedVersion, NewEvent, RequestOrigin, StreamAppend};
use ent_infra::Backend;
use serde_json::json;
use sqlx::Connection;
use uuid::Uuid;

fn event(i: u64) -> NewEvent {
    NewEvent {
        event_id: Uuid::now_v7(),
        event_type: "GradeRecorded".into(),
        schema_version: 1,
        payload: json!({"evaluation": Uuid::new_v4(), "pupil": Uuid::new_v4(), "value": (i % 2001) as f64 / 100.0, "comment": "Bon travail, continue ainsi"}),
        actor: Uuid::new_v4().to_string(),
        structure: "0751234A".into(),
        correlation_id: Uuid::new_v4(),
        causation_id: Uuid::new_v4(),
    }
}

struct Cell {
    commands: u64,
    events: u64,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

async fn appends(store: Arc<dyn EventStore>, writers: usize, batch: usize, seconds: f64) -> Cell {
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(seconds);
    let mut tasks = Vec::new();
    for w in 0..writers {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let stream = format!("0751234A/bench/{}", Uuid::new_v4());
            let mut version: Option<u64> = None;
            let mut latencies = Vec::new();
            let mut i = 0u64;
            while Instant::now() < deadline {
                let events = (0..batch).map(|k| event(i * batch as u64 + k as u64 + w as u64)).collect();
                let req = AppendRequest {
                    command_id: Uuid::new_v4(),
                    origin: RequestOrigin { actor: "system".into(), fingerprint: "bench".into() },
                    created: Default::default(),
                    streams: vec![StreamAppend { stream: stream.clone(), expected: ExpectedVersion::from_loaded(version), events }],
                    secrets: vec![],
                };
                let t = Instant::now();
                let r = store.append(req).await.expect("append");
                latencies.push(t.elapsed());
                version = Some(r.last_version);
                i += 1;
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.expect("writer"));
    }
    let elapsed = started.elapsed();
    let commands = latencies.len() as u64;
    Cell { commands, events: commands * batch as u64, elapsed, latencies }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

async fn replay(store: &dyn EventStore) -> (u64, Duration) {
    let started = Instant::now();
    let mut after = 0;
    let mut n = 0;
    loop {
        let page = store.read_all(after, 1000).await.expect("read");
        let Some(last) = page.last() else { break };
        after = last.position;
        n += page.len() as u64;
    }
    (n, started.elapsed())
}

async fn bench(name: &str, url: &str, seconds: f64) {
    let backend = Backend::open(url).await.expect("open");
    for batch in [1usize, 100] {
        for writers in [1usize, 8, 32] {
            let mut cell = appends(backend.events.clone(), writers, batch, seconds).await;
            cell.latencies.sort();
            println!(
                "| {name} | {batch} | {writers} | {:.0} | {:.0} | {:.2} | {:.2} |",
                cell.commands as f64 / cell.elapsed.as_secs_f64(),
                cell.events as f64 / cell.elapsed.as_secs_f64(),
                percentile(&cell.latencies, 0.5),
                percentile(&cell.latencies, 0.99),
            );
        }
    }
    let (n, elapsed) = replay(backend.events.as_ref()).await;
    println!("| {name} | replay | — | — | {:.0} | ({n} events in {:.2} s) | |", n as f64 / elapsed.as_secs_f64(), elapsed.as_secs_f64());
}

/// The allocator of the `ent` binary, tuned the same way.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    ent_infra::allocator::run(run()).expect("runtime");
}

async fn run() {
    let seconds: f64 = std::env::var("ENT_BENCH_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(3.0);
    println!("| backend | events/command | writers | commands/s | events/s | p50 ms | p99 ms |");
    println!("|---|---|---|---|---|---|---|");

    let dir = std::env::temp_dir().join(format!("ent-bench-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    bench("SQLite", &format!("sqlite://{}", dir.join("bench.db").display()), seconds).await;
    let _ = std::fs::remove_dir_all(&dir);

    let admin = std::env::var("ENT_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("ent_bench_{}", Uuid::new_v4().simple());
    match sqlx::PgConnection::connect(&admin).await {
        Ok(mut conn) => {
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.expect("create db");
            let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin.clone());
            bench("PostgreSQL", &format!("{base}/{name}"), seconds).await;
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).execute(&mut conn).await;
        }
        Err(e) => eprintln!("PostgreSQL not reachable ({e}); skipped"),
    }
}
