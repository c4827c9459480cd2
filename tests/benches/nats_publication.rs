//! NATS publication benchmark: outbox → JetStream ack throughput, and end-to-end latency from
//! commit to an integrator receiving the event, at a paced 1,000 commands/s.
//!
//! `cargo bench -p ent-tests --bench nats_publication` (starts its own nats-server).

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use ent_api::{App, Config};
use ent_commands::{AppendRequest, ExpectedVersion, RequestOrigin, StreamAppend};
use ent_infra::Backend;
use ent_infra::nats::NatsSettings;
use ent_tests::TestDb;
use ent_tests::conformance::event;
use ent_tests::nats::TestNats;
use futures::StreamExt;
use uuid::Uuid;

fn request(n: usize) -> AppendRequest {
    AppendRequest {
        command_id: Uuid::new_v4(),
        origin: RequestOrigin { actor: "system".into(), fingerprint: "bench".into() },
        created: Default::default(),
        streams: vec![StreamAppend {
            stream: format!("0751234A/bench/{}", Uuid::new_v4()),
            expected: ExpectedVersion::NoStream,
            events: (0..n).map(|i| event(i as u64)).collect(),
        }],
        secrets: vec![],
    }
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// The allocator of the `ent` binary, tuned the same way.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    ent_infra::allocator::run(run()).expect("runtime");
}

async fn run() {
    let nats = TestNats::start();
    let db = TestDb::sqlite();
    let backend = Backend::open(db.url()).await.unwrap();

    // 1. Throughput: a backlog of 50,000 events, then the publisher drains it.
    let total = 50_000usize;
    for _ in 0..total / 100 {
        backend.events.append(request(100)).await.unwrap();
    }
    let mut config = Config::for_tests(db.url());
    config.nats = Some(NatsSettings::new(&nats.url()));
    let started = Instant::now();
    let app = App::build_on(config, backend.clone()).await.unwrap();
    let metrics = app.state.publisher.clone().unwrap();
    let head = backend.events.head().await.unwrap();
    while metrics.last_published_position.load(Ordering::SeqCst) < head {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = started.elapsed();
    println!(
        "| publication of a {total}-event backlog | {:.0} events/s | ({:.2} s) |",
        total as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64()
    );

    // 1b. The same events published straight from the log to a fresh server (no cursor, no
    //     competing projections): the ceiling of the JetStream client and server here.
    let raw = TestNats::start();
    let settings = NatsSettings::new(&raw.url());
    let js = ent_infra::nats::connect(&settings).await.unwrap();
    ent_infra::nats::ensure_stream(&js, &settings).await.unwrap();
    let started = Instant::now();
    let (sent, _) = ent_infra::nats::replay(&js, backend.events.as_ref(), 1, head).await.unwrap();
    let elapsed = started.elapsed();
    println!(
        "| raw publish of the same log to a fresh stream | {:.0} events/s | ({sent} events, {:.2} s) |",
        sent as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64()
    );
    drop(raw);

    // 2. Latency at 1,000 commands/s for 10 s: commit time (recorded_at) → receipt by a subscriber.
    let client = async_nats::connect(nats.url()).await.unwrap();
    let mut sub = client.subscribe("ent.>").await.unwrap();
    let receiver = tokio::spawn(async move {
        let mut latencies = Vec::new();
        while let Ok(Some(msg)) = tokio::time::timeout(Duration::from_secs(5), sub.next()).await {
            let envelope: serde_json::Value = serde_json::from_slice(&msg.payload).unwrap();
            let committed = chrono::DateTime::parse_from_rfc3339(envelope["recorded_at"].as_str().unwrap()).unwrap();
            let ms = (chrono::Utc::now() - committed.with_timezone(&chrono::Utc)).num_microseconds().unwrap_or(0) as f64 / 1000.0;
            latencies.push(ms);
        }
        latencies
    });
    let rate = 1_000u64;
    let seconds = 10u64;
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / rate));
    let mut writers = Vec::new();
    for _ in 0..rate * seconds {
        tick.tick().await;
        let store = backend.events.clone();
        writers.push(tokio::spawn(async move { store.append(request(1)).await.unwrap() }));
    }
    for w in writers {
        w.await.unwrap();
    }
    let mut latencies = receiver.await.unwrap();
    latencies.sort_by(f64::total_cmp);
    println!(
        "| commit → subscriber at {rate} commands/s ({} events) | p50 {:.1} ms | p99 {:.1} ms | max {:.1} ms |",
        latencies.len(),
        pct(&latencies, 0.5),
        pct(&latencies, 0.99),
        latencies.last().copied().unwrap_or(0.0)
    );
    app.shutdown().await;
}
