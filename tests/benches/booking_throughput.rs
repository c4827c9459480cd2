//! Booking throughput: 32 HTTP clients × 20 `BookResource` of one-hour slots drawn at random
//! (4 weeks × 7 days × 13 hours), on one hot resource and spread over 100 resources; accepted
//! bookings, refused collisions (422 naming the booking), requests/s and latency, on SQLite and
//! PostgreSQL (docs/benchmarks.md, "Booking throughput").
//!
//! `cargo bench -p ent-tests --bench booking_throughput` (needs `ENT_TEST_PG_URL`, see scripts/test).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use ent_tests::server::TestServer;
use serde_json::{Value, json};
use uuid::Uuid;

/// The allocator of the `ent` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const UAI: &str = "0751234A";
const CLIENTS: usize = 32;
const PER_CLIENT: usize = 20;
const RESOURCES: usize = 100;
/// First Monday of the slots drawn.
const FIRST_DAY: &str = "2026-10-05";

fn main() {
    ent_infra::allocator::run(run()).expect("runtime");
}

struct Run {
    /// Status → count.
    statuses: BTreeMap<u16, usize>,
    elapsed: Duration,
    /// Latency of every answered request, sorted.
    latencies: Vec<Duration>,
    /// 422s that do not name a booking.
    unexplained: usize,
}

impl Run {
    fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        self.latencies[((self.latencies.len() as f64 - 1.0) * p).round() as usize]
    }
}

fn report(label: &str, r: &Run) {
    let requests: usize = r.statuses.values().sum();
    println!(
        "{label:<34} {:>4} booked {:>4} collisions {:>3} other  {:>7.0} requests/s  p50 {:>7.1} ms  p99 {:>7.1} ms  total {:>6.2} s  statuses {:?}  unexplained 422 {}",
        r.statuses.get(&200).copied().unwrap_or(0),
        r.statuses.get(&422).copied().unwrap_or(0),
        requests - r.statuses.get(&200).copied().unwrap_or(0) - r.statuses.get(&422).copied().unwrap_or(0),
        requests as f64 / r.elapsed.as_secs_f64(),
        r.percentile(0.5).as_secs_f64() * 1e3,
        r.percentile(0.99).as_secs_f64() * 1e3,
        r.elapsed.as_secs_f64(),
        r.statuses,
        r.unexplained,
    );
}

/// A small deterministic generator (xorshift), so every run draws the same slots.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

async fn one(kind: &str, spread: bool) -> Run {
    let s = TestServer::start(kind).await;
    let root = s.root().await;
    s.ok(&root, "CreateStructure", json!({"uai": UAI, "name": "Collège", "kind": "college"})).await;
    let (_, login, _) = s.user(&root, UAI, "personnel", Some("direction"), "Claire", "Moreau").await;
    let head = s.login_user(&login).await;
    let hours: Vec<Value> = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        .iter()
        .map(|d| json!({"day": d, "ranges": [{"start": "07:00", "end": "20:00"}]}))
        .collect();
    let mut resources = Vec::new();
    for n in 0..if spread { RESOURCES } else { 1 } {
        let r = s
            .ok(
                &head,
                "DefineBookableResource",
                json!({"structure": UAI, "code": format!("R{n}"), "name": format!("Salle {n}"), "kind": "salle", "opening_hours": hours}),
            )
            .await;
        resources.push(r["created"]["resource_id"].as_str().expect("resource id").to_string());
    }
    let first: chrono::NaiveDate = FIRST_DAY.parse().expect("date");
    let http = reqwest::Client::builder().timeout(Duration::from_secs(120)).pool_max_idle_per_host(CLIENTS).build().expect("client");
    let url = s.url("/api/v1/commands");
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let (http, url, token, resources) = (http.clone(), url.clone(), head.clone(), resources.clone());
        tasks.push(tokio::spawn(async move {
            let mut seed = 0x9E37_79B9_7F4A_7C15u64 ^ ((c as u64 + 1) * 0x1000_0001);
            let mut outcomes = Vec::with_capacity(PER_CLIENT);
            for _ in 0..PER_CLIENT {
                let day = first + chrono::Duration::days((next(&mut seed) % 28) as i64);
                let hour = 7 + next(&mut seed) % 13;
                let resource = &resources[(next(&mut seed) % resources.len() as u64) as usize];
                let body = json!({"command_id": Uuid::new_v4(), "type": "BookResource", "payload": {
                    "resource": resource,
                    "from": format!("{day}T{hour:02}:00:00"),
                    "to": format!("{day}T{:02}:00:00", hour + 1),
                    "purpose": "Cours"}});
                let t = Instant::now();
                let outcome = match http.post(&url).bearer_auth(&token).json(&body).send().await {
                    Ok(resp) => {
                        let status = resp.status().as_u16();
                        let text = resp.text().await.unwrap_or_default();
                        (status, text.contains("collides with booking"), t.elapsed())
                    }
                    Err(_) => (0, false, t.elapsed()),
                };
                outcomes.push(outcome);
            }
            outcomes
        }));
    }
    let mut run = Run { statuses: BTreeMap::new(), elapsed: Duration::ZERO, latencies: Vec::new(), unexplained: 0 };
    for t in tasks {
        for (status, names_booking, latency) in t.await.expect("client task") {
            *run.statuses.entry(status).or_default() += 1;
            run.latencies.push(latency);
            if status == 422 && !names_booking {
                run.unexplained += 1;
            }
        }
    }
    run.elapsed = started.elapsed();
    run.latencies.sort();
    run
}

async fn run() {
    println!("booking throughput: {CLIENTS} clients × {PER_CLIENT} BookResource of random one-hour slots (28 days × 13 hours)");
    report("sqlite, one hot resource", &one("sqlite", false).await);
    report("sqlite, 100 resources", &one("sqlite", true).await);
    report("postgres, one hot resource", &one("postgres", false).await);
    report("postgres, 100 resources", &one("postgres", true).await);
}
